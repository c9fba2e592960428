package dev.fusebench.fuse;

import dev.fusebench.cli.Sizes;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every FUSE_INIT choice, made at run time: which flags we accept when the kernel offers them,
 * and the numbers we reply. Presets {@code baseline}, {@code max-pages} and {@code virtiofsd}; anything
 * else is a preset with overrides ({@link #with}). A {@link Variant} adds caching to them.
 *
 * @param maxReadahead -1 echoes the kernel's offer (readahead can only be lowered)
 * @param maxBackground 0 leaves the kernel default (12), as openvmm does; the Rust virtiofsd sends 65535
 */
public record NegotiationSettings(String name, long flags, int maxPages, int maxWrite, int maxReadahead,
                                  int maxBackground, int congestionThreshold, int timeGran) {

    /** Flags we normally accept: the ones our passthrough file system implements. */
    public static final long BASE_FLAGS = InitFlag.ASYNC_READ.mask | InitFlag.ATOMIC_O_TRUNC.mask | InitFlag.BIG_WRITES.mask
            | InitFlag.AUTO_INVAL_DATA.mask | InitFlag.DO_READDIRPLUS.mask | InitFlag.READDIRPLUS_AUTO.mask | InitFlag.ASYNC_DIO.mask
            | InitFlag.PARALLEL_DIROPS.mask
            // a creation then carries the caller's supplementary group where the parent directory needs it
            | InitFlag.CREATE_SUPP_GROUP.mask;

    /** Flags we know how to serve; forcing any other on is refused. */
    public static final long SUPPORTED_FLAGS = BASE_FLAGS | InitFlag.MAX_PAGES.mask | InitFlag.WRITEBACK_CACHE.mask
            | InitFlag.CACHE_SYMLINKS.mask | InitFlag.EXPLICIT_INVAL_DATA.mask | InitFlag.NO_OPEN_SUPPORT.mask
            | InitFlag.NO_OPENDIR_SUPPORT.mask | InitFlag.DONT_MASK.mask | InitFlag.SPLICE_READ.mask | InitFlag.SPLICE_WRITE.mask
            | InitFlag.SPLICE_MOVE.mask | InitFlag.ABORT_ERROR.mask | InitFlag.INIT_EXT.mask | InitFlag.DIRECT_IO_ALLOW_MMAP.mask
            // the passthrough file system clears setuid/setgid on every write, truncate and truncating open flagged KILL_SUIDGID
            | InitFlag.HANDLE_KILLPRIV_V2.mask
            // FUSE passthrough: backing files on /dev/fuse (a transport without them never replies it)
            | InitFlag.PASSTHROUGH.mask
            // FUSE over io_uring: /dev/fuse only, and only offered where the fuse module's enable_uring is on
            | InitFlag.OVER_IO_URING.mask;

    public static final int PAGE = 4096;
    /**
     * The kernel's cap on max_pages: fs.fuse.max_pages_limit, 256 by default, and fixed at 256 before
     * Linux 6.13 (the guest kernels here). A /dev/fuse daemon reads the host's ({@link PagesLimitSysctl#ofThisHost}).
     */
    public static final int KERNEL_MAX_PAGES = 256;
    public static final int DEFAULT_MAX_PAGES = 32;

    public static final NegotiationSettings BASELINE =
            new NegotiationSettings("baseline", BASE_FLAGS, 0, 32 * PAGE, -1, 0, 0, 1);
    public static final NegotiationSettings MAX_PAGES =
            new NegotiationSettings("max-pages", BASE_FLAGS | InitFlag.MAX_PAGES.mask, KERNEL_MAX_PAGES, 256 * PAGE, -1, 0, 0, 1);

    /**
     * What the Rust virtiofsd 1.13.2 replied with --cache=never to a Linux 6.1 guest, as the proxy
     * recorded it: no READDIRPLUS, MAX_PAGES 256, max_write 1 MiB, readahead echoed, max_background
     * 65535 with congestion_threshold 49149. Its HAS_IOCTL_DIR and SUBMOUNTS are left out: our
     * daemon serves no ioctls and no submounts, so neither changes what the guest does here; its
     * INIT_EXT carries no flag here, and we reply INIT_EXT only when a flags2 bit needs it.
     */
    public static final NegotiationSettings VIRTIOFSD = new NegotiationSettings("virtiofsd",
            InitFlag.ASYNC_READ.mask | InitFlag.ATOMIC_O_TRUNC.mask | InitFlag.BIG_WRITES.mask | InitFlag.AUTO_INVAL_DATA.mask | InitFlag.ASYNC_DIO.mask
                    | InitFlag.PARALLEL_DIROPS.mask | InitFlag.MAX_PAGES.mask,
            KERNEL_MAX_PAGES, 256 * PAGE, -1, 65535, 49149, 1);

    /** The INIT settings of a preset ({@link Variant#preset}). */
    public static NegotiationSettings preset(String name) { return Variant.preset(name).init(); }

    /**
     * {@code max_pages=N} turns FUSE_MAX_PAGES on (a page count without the flag would negotiate as
     * baseline without a word); settings that also turn the flag off contradict themselves.
     */
    public NegotiationSettings checkedAgainst(List<String> settings) {
        String pages = settings.stream().filter(p -> p.toLowerCase(Locale.ROOT).replace('-', '_').startsWith("max_pages=")).findFirst().orElse(null);
        if (pages != null && !offersMaxPages()) {
            throw new IllegalArgumentException(pages + " turns FUSE_MAX_PAGES on, and these settings also turn it off: give one of the two");
        }
        return this;
    }

    /** The variant spec that {@link Variant#parse} turns back into these settings. */
    public String toSpec() {
        if (equals(BASELINE) || equals(MAX_PAGES) || equals(VIRTIOFSD)) return name;
        StringBuilder sb = new StringBuilder(name).append(":base=baseline");
        long changed = flags ^ BASELINE.flags;
        for (String f : InitFlag.names(changed)) sb.append(',').append((flags & InitFlag.byName(f)) != 0 ? '+' : '-').append(f);
        if (offersMaxPages()) sb.append(",max_pages=").append(maxPages);
        sb.append(",max_write=").append(maxWrite).append(",max_readahead=").append(maxReadahead)
                .append(",max_background=").append(maxBackground).append(",congestion_threshold=").append(congestionThreshold)
                .append(",time_gran=").append(timeGran);
        return sb.toString();
    }

    public boolean offersMaxPages() { return (flags & InitFlag.MAX_PAGES.mask) != 0; }

    /** The largest request payload the kernel can send us with these settings (under the default page limit). */
    public int largestPayload() { return largestPayload(KERNEL_MAX_PAGES); }

    /** The same under a kernel whose max_pages_limit is {@code pagesLimit}. */
    public int largestPayload(int pagesLimit) {
        return Math.max(Math.max(maxWrite, PAGE), InitOut.effectiveMaxPages(flags, maxPages, pagesLimit) * PAGE);
    }

    /**
     * Bytes a transport's request buffer holds: the largest payload (at least 128 KiB, what a
     * guest without MAX_PAGES sends) and 8 KiB for the header, arguments and names.
     */
    public int requestBufferSize() { return requestBufferSize(KERNEL_MAX_PAGES); }

    public int requestBufferSize(int pagesLimit) { return Math.max(largestPayload(pagesLimit), 128 * 1024) + 8192; }

    /** Pages a reply of max_pages {@code replied} gives, with no kernel limit below it (max_write must carry them all). */
    static int effectivePages(int replied) { return InitOut.effectiveMaxPages(InitFlag.MAX_PAGES.mask, replied, 65535); }

    /**
     * Applies one {@code NAME=VALUE} override: a number (max_pages, max_write, max_readahead,
     * max_background, congestion_threshold, time_gran) or a flag name with on/off (or +NAME / -NAME).
     * {@code max_pages=N} means what {@code --max-pages N} means: FUSE_MAX_PAGES on with N pages,
     * max_write raised to match.
     */
    public NegotiationSettings with(String assignment) {
        String a = assignment.trim();
        if (a.startsWith("+") || a.startsWith("-")) return withFlag(a.substring(1), a.startsWith("+"));
        int eq = a.indexOf('=');
        if (eq <= 0) throw new IllegalArgumentException("expected NAME=VALUE, got '" + assignment + "'");
        String key = a.substring(0, eq).trim().toLowerCase(Locale.ROOT).replace('-', '_');
        String value = a.substring(eq + 1).trim();
        return switch (key) {
            case "max_pages" -> withMaxPages(Integer.toString(number(key, value, 1, 65535)));
            case "max_write" -> new NegotiationSettings(name, flags, maxPages, number(key, value, PAGE, 1 << 24), maxReadahead, maxBackground, congestionThreshold, timeGran);
            case "max_readahead" -> new NegotiationSettings(name, flags, maxPages, maxWrite, number(key, value, -1, Integer.MAX_VALUE), maxBackground, congestionThreshold, timeGran);
            case "max_background" -> new NegotiationSettings(name, flags, maxPages, maxWrite, maxReadahead, number(key, value, 0, 65535), congestionThreshold, timeGran);
            case "congestion_threshold" -> new NegotiationSettings(name, flags, maxPages, maxWrite, maxReadahead, maxBackground, number(key, value, 0, 65535), timeGran);
            case "time_gran" -> new NegotiationSettings(name, flags, maxPages, maxWrite, maxReadahead, maxBackground, congestionThreshold, number(key, value, 1, 1_000_000_000));
            default -> withFlag(a.substring(0, eq).trim(), onOff(a.substring(0, eq).trim(), value));
        };
    }

    public NegotiationSettings withFlag(String flagName, boolean on) {
        long bit = InitFlag.byName(flagName);
        if (bit < 0) throw new IllegalArgumentException("unknown setting or INIT flag '" + flagName + "'");
        if (on && (bit & SUPPORTED_FLAGS) == 0)
            throw new IllegalArgumentException("INIT flag " + flagName + " is not supported by this daemon");
        long f = on ? flags | bit : flags & ~bit;
        int pages = maxPages;
        int write = maxWrite;
        if (bit == InitFlag.MAX_PAGES.mask && on && pages == 0) { pages = KERNEL_MAX_PAGES; write = Math.max(write, pages * PAGE); }
        if (bit == InitFlag.MAX_PAGES.mask && !on) pages = 0; // no page count without the flag
        return new NegotiationSettings(name, f, pages, write, maxReadahead, maxBackground, congestionThreshold, timeGran);
    }

    /** {@code --max-pages on|off|N}: N turns the flag on with max_pages N and a max_write to match. */
    public NegotiationSettings withMaxPages(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("on") || v.equals("off") || v.equals("true") || v.equals("false")) return withFlag("MAX_PAGES", onOff("max-pages", v));
        int pages = number("max-pages", v, 1, 65535);
        long f = flags | InitFlag.MAX_PAGES.mask;
        return new NegotiationSettings(name, f, pages, Math.max(maxWrite, effectivePages(pages) * PAGE), maxReadahead, maxBackground, congestionThreshold, timeGran);
    }

    public NegotiationSettings named(String newName) {
        return new NegotiationSettings(newName, flags, maxPages, maxWrite, maxReadahead, maxBackground, congestionThreshold, timeGran);
    }

    /** Problems that make these settings unusable; empty when they are fine. */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        if (offersMaxPages()) {
            if (maxPages < 1) p.add("FUSE_MAX_PAGES is on but max_pages is " + maxPages);
            else if (maxWrite < effectivePages(maxPages) * PAGE)
                p.add("max_write " + maxWrite + " is smaller than max_pages " + maxPages + " x 4096 = "
                        + (long) effectivePages(maxPages) * PAGE + ": the kernel would never send full-size writes");
        }
        if (maxWrite < PAGE) p.add("max_write " + maxWrite + " is below one page (4096)");
        if (congestionThreshold > 0 && maxBackground > 0 && congestionThreshold > maxBackground)
            p.add("congestion_threshold " + congestionThreshold + " exceeds max_background " + maxBackground);
        long unsupported = flags & ~SUPPORTED_FLAGS;
        if (unsupported != 0) p.add("unsupported INIT flags: " + InitFlag.names(unsupported));
        return p;
    }

    public NegotiationSettings validated() {
        List<String> p = problems();
        if (!p.isEmpty()) throw new IllegalArgumentException(String.join("; ", p));
        return this;
    }

    private static int number(String key, String value, int min, int max) {
        long v;
        try {
            v = Sizes.parse(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " wants a number, got '" + value + "'");
        }
        if (v < min || v > max) throw new IllegalArgumentException(key + " must be in " + min + ".." + max + ", got " + value);
        return (int) v;
    }

    private static boolean onOff(String key, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "on", "true", "1", "yes" -> true;
            case "off", "false", "0", "no" -> false;
            default -> throw new IllegalArgumentException(key + " wants on or off, got '" + value + "'");
        };
    }
}
