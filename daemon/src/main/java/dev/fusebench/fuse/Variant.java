package dev.fusebench.fuse;

import dev.fusebench.wire.FuseOut.OpenOut;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One arm of a comparison as the Java daemon serves it: its FUSE_INIT settings, and how the guest
 * may cache (the cache mode, and FOPEN flags added to every open reply). Written as a preset name
 * or {@code NAME:SETTING,...}: INIT settings as {@link NegotiationSettings#with} takes them, plus
 * {@code cache=never|auto|always} and {@code +FOPEN_KEEP_CACHE}, {@code +FOPEN_CACHE_DIR},
 * {@code +FOPEN_PARALLEL_DIRECT_WRITES}, {@code +FOPEN_NOFLUSH}; {@code base=PRESET} picks the
 * starting point (max-pages otherwise); {@code stall=BYTES:MS/N} is a fault for checking the
 * harness ({@link Stall}: every N-th READ or WRITE above BYTES waits MS), not a setting.
 *
 * @param cache     never, auto or always; null leaves the daemon's own --cache (the presets
 *                  baseline and max-pages do: the seed's comparison)
 * @param openFlags FOPEN flags added to the cache mode's own in every open reply
 * @param stall     the injected stall's spec ({@link Stall#spec}), or null
 */
public record Variant(NegotiationSettings init, String cache, int openFlags, String stall) {

    public Variant(NegotiationSettings init, String cache, int openFlags) { this(init, cache, openFlags, null); }

    /** FOPEN flags a variant may add, by name. */
    public static final Map<String, Integer> OPEN_FLAGS = Map.of(
            "FOPEN_KEEP_CACHE", OpenOut.FOPEN_KEEP_CACHE, "FOPEN_CACHE_DIR", OpenOut.FOPEN_CACHE_DIR,
            "FOPEN_PARALLEL_DIRECT_WRITES", OpenOut.FOPEN_PARALLEL_DIRECT_WRITES, "FOPEN_NOFLUSH", OpenOut.FOPEN_NOFLUSH);

    public static final Variant BASELINE = new Variant(NegotiationSettings.BASELINE, null, 0);
    public static final Variant MAX_PAGES = new Variant(NegotiationSettings.MAX_PAGES, null, 0);
    /** Our daemon negotiating as the Rust virtiofsd 1.13 does with --cache=never ({@link NegotiationSettings#VIRTIOFSD}). */
    public static final Variant VIRTIOFSD = new Variant(NegotiationSettings.VIRTIOFSD, "never", 0);

    public static final List<String> PRESETS = List.of("baseline", "max-pages", "virtiofsd");

    public String name() { return init.name(); }

    /** Whether the variant changes caching, which only a daemon that takes variants can do (the proxy rewrites INIT alone). */
    public boolean changesCaching() { return cache != null || openFlags != 0; }

    /** Whether the variant asks the daemon itself for something beyond INIT (caching, a stall), which only our daemon takes. */
    public boolean needsOurDaemon() { return changesCaching() || stall != null; }

    public static Variant preset(String name) {
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "baseline" -> BASELINE;
            case "max-pages", "max_pages", "maxpages" -> MAX_PAGES;
            case "virtiofsd" -> VIRTIOFSD;
            default -> throw new IllegalArgumentException("unknown variant '" + name + "' (known: " + String.join(", ", PRESETS) + ")");
        };
    }

    /** A preset name, or {@code NAME:SETTING,SETTING,...}. */
    public static Variant parse(String spec) {
        int colon = spec.indexOf(':');
        if (colon < 0) return preset(spec);
        String name = spec.substring(0, colon).strip();
        if (!name.matches("[A-Za-z0-9._-]+")) throw new IllegalArgumentException("bad variant name in '" + spec + "'");
        Variant v = MAX_PAGES;
        List<String> initParts = new ArrayList<>();
        for (String part : spec.substring(colon + 1).split(",")) {
            String p = part.strip();
            if (p.isEmpty()) continue;
            if (p.startsWith("base=")) v = preset(p.substring(5));
            else if (p.toLowerCase(Locale.ROOT).startsWith("cache=")) v = new Variant(v.init, cacheMode(p.substring(6)), v.openFlags, v.stall);
            else if (p.toLowerCase(Locale.ROOT).startsWith("stall=")) v = new Variant(v.init, v.cache, v.openFlags, Stall.parse(p.substring(6)).spec());
            else if (openFlag(p) != 0) v = new Variant(v.init, v.cache, v.openFlags | openFlag(p), v.stall);
            else {
                initParts.add(p);
                v = new Variant(v.init.with(p), v.cache, v.openFlags, v.stall);
            }
        }
        Variant out = new Variant(v.init.named(name).checkedAgainst(initParts).validated(), v.cache, v.openFlags, v.stall);
        if (out.passesThrough() && !"auto".equals(out.cache) && !"always".equals(out.cache))
            throw new IllegalArgumentException("variant '" + name + "': +PASSTHROUGH needs cache=auto or cache=always"
                    + " (with cache never every open is FOPEN_DIRECT_IO, which the kernel serves without passthrough)");
        return out;
    }

    /** Whether the variant asks for FUSE passthrough (only /dev/fuse can give it). */
    public boolean passesThrough() { return (init.flags() & InitFlag.PASSTHROUGH.mask) != 0; }

    /** Whether it asks for FUSE over io_uring (/dev/fuse only). */
    public boolean overIoUring() { return (init.flags() & InitFlag.OVER_IO_URING.mask) != 0; }

    private static String cacheMode(String s) {
        String m = s.strip().toLowerCase(Locale.ROOT);
        if (m.equals("none")) return "never";
        if (!m.equals("never") && !m.equals("auto") && !m.equals("always"))
            throw new IllegalArgumentException("cache must be never, auto or always, got '" + s + "'");
        return m;
    }

    /** The FOPEN flag a {@code +FOPEN_NAME} setting adds, or 0 when the setting is not one. */
    private static int openFlag(String p) {
        if (p.length() < 2 || (p.charAt(0) != '+' && p.charAt(0) != '-')) return 0;
        String n = p.substring(1).toUpperCase(Locale.ROOT);
        if (!n.startsWith("FOPEN_")) n = "FOPEN_" + n;
        Integer bit = OPEN_FLAGS.get(n);
        if (bit == null) return 0;
        if (p.charAt(0) == '-') throw new IllegalArgumentException(p + ": FOPEN flags can only be added (the cache mode sets the rest)");
        return bit;
    }

    /** The spec that {@link #parse} turns back into this variant. */
    public String toSpec() {
        if (equals(BASELINE) || equals(MAX_PAGES) || equals(VIRTIOFSD)) return name();
        String spec = init.toSpec();
        if (!spec.contains(":")) spec += ":base=" + spec; // a preset's INIT settings under its own name
        if (cache != null) spec += ",cache=" + cache;
        for (String f : openFlagNames(openFlags)) spec += ",+" + f;
        if (stall != null) spec += ",stall=" + stall;
        return spec;
    }

    /** Names of FOPEN flags in {@code flags}, for the record. */
    public static List<String> openFlagNames(int flags) {
        List<String> out = new ArrayList<>();
        new TreeMap<>(OPEN_FLAGS).forEach((n, bit) -> { if ((flags & bit) != 0) out.add(n); });
        return out;
    }

    /** What the results say of this variant beyond INIT. */
    public Map<String, Object> describeCaching() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (cache != null) m.put("cache", cache);
        if (openFlags != 0) m.put("open_flags", openFlagNames(openFlags));
        if (stall != null) m.put("injected_stall", stall);
        return m;
    }

    /**
     * A list of variants as written on a command line: {@code baseline,mp64:max_pages=64,-ASYNC_READ,max-pages}.
     * A comma starts the next variant where a preset name or {@code NAME:} follows, and otherwise
     * adds a setting to the variant before it; {@code ;} always separates variants.
     */
    public static List<String> splitList(String given) {
        List<String> out = new ArrayList<>();
        for (String group : given.split(";")) {
            StringBuilder current = null;
            for (String raw : group.split(",")) {
                String t = raw.strip();
                if (t.isEmpty()) continue;
                // a setting has its '=' before any ':' (stall=256K:50ms); a variant starts NAME: (names have no '=')
                int eq = t.indexOf('='), colon = t.indexOf(':');
                boolean setting = (eq >= 0 && (colon < 0 || eq < colon)) || (colon < 0 && (t.startsWith("+") || t.startsWith("-")));
                if (!setting) {
                    if (current != null) out.add(current.toString());
                    current = new StringBuilder(t);
                } else if (current == null || current.indexOf(":") < 0) {
                    throw new IllegalArgumentException("setting '" + t + "' belongs to no variant: write NAME:" + t + ",... (e.g. mine:" + t + ")");
                } else {
                    current.append(',').append(t);
                }
            }
            if (current != null) out.add(current.toString());
        }
        if (out.isEmpty()) throw new IllegalArgumentException("no variant given");
        return out;
    }
}
