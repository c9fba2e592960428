package dev.fusebench.fuse;

import dev.fusebench.sys.Errno;

/**
 * One FUSE_INIT exchange: what the kernel offered, what we replied, and what the kernel will
 * therefore use (the effective values, derived the way fs/fuse/inode.c derives them, under the
 * kernel's fs.fuse.max_pages_limit {@code pagesLimit}).
 */
public record Negotiation(InitIn offered, InitOut reply, String settingsName, int pagesLimit) {
    /**
     * The minor this daemon replies with (or the kernel's, when older). It is not the newest minor
     * whose structures we write: later features (CREATE_SUPP_GROUP from 7.39, PASSTHROUGH's fields of
     * 7.40, OVER_IO_URING from 7.42) are negotiated by their flags, which the kernel honours whatever
     * minor we reply; the structures they bring are declared in the wire layer.
     */
    public static final int OUR_MINOR = 38;
    public static final int OLDEST_MINOR = 27;

    public static Negotiation negotiate(InitIn offered, NegotiationSettings s) {
        return negotiate(offered, s, NegotiationSettings.KERNEL_MAX_PAGES);
    }

    public static Negotiation negotiate(InitIn offered, NegotiationSettings s, int pagesLimit) {
        if (offered.major() != 7) {
            throw new ProtocolException(Errno.EPROTO,
                    "kernel speaks FUSE " + offered.major() + "." + offered.minor() + ", we need 7.x");
        }
        if (offered.minor() < OLDEST_MINOR) {
            throw new ProtocolException(Errno.EPROTO,
                    "kernel speaks FUSE 7." + offered.minor() + ", we need 7." + OLDEST_MINOR + " or newer");
        }
        long flags = offered.flags() & s.flags();
        if ((flags >>> 32) != 0 && (offered.flags() & InitFlag.INIT_EXT.mask) != 0) flags |= InitFlag.INIT_EXT.mask;
        else flags &= 0xffffffffL & ~InitFlag.INIT_EXT.mask;
        int readahead = s.maxReadahead() < 0 ? offered.maxReadahead() : Math.min(s.maxReadahead(), offered.maxReadahead());
        int maxPages = (flags & InitFlag.MAX_PAGES.mask) != 0 ? s.maxPages() : 0;
        InitOut reply = new InitOut(7, Math.min(offered.minor(), OUR_MINOR), readahead, flags, s.maxBackground(),
                s.congestionThreshold(), s.maxWrite(), s.timeGran(), maxPages);
        return new Negotiation(offered, reply, s.name(), pagesLimit);
    }

    /** Pages per request the kernel will use. */
    public int effectiveMaxPages() { return reply.effectiveMaxPagesUnder(pagesLimit); }

    /**
     * The pages per request on a transport: over /dev/fuse ({@code queueSize} null) as above; over
     * virtio-fs also capped by the request queue's size ({@link InitOut#virtqueueMaxPages}).
     */
    public int effectiveMaxPagesOver(Integer queueSize) {
        return queueSize == null ? effectiveMaxPages() : Math.min(effectiveMaxPages(), InitOut.virtqueueMaxPages(queueSize));
    }

    /** max_write as the kernel clamps it. */
    public int effectiveMaxWrite() { return Math.max(NegotiationSettings.PAGE, reply.maxWrite()); }
}
