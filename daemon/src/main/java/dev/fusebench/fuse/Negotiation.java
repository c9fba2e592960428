package dev.fusebench.fuse;

/**
 * One FUSE_INIT exchange: what the kernel offered, what we replied, and what the kernel will
 * therefore use (the effective values, derived the way fs/fuse/inode.c derives them, under the
 * kernel's fs.fuse.max_pages_limit {@code pagesLimit}).
 */
public record Negotiation(InitIn offered, InitOut reply, String settingsName, int pagesLimit) {
    /** The newest protocol minor whose structures this daemon speaks. */
    public static final int OUR_MINOR = 38;
    public static final int OLDEST_MINOR = 27;

    public static Negotiation negotiate(InitIn offered, NegotiationSettings s) {
        return negotiate(offered, s, NegotiationSettings.KERNEL_MAX_PAGES);
    }

    public static Negotiation negotiate(InitIn offered, NegotiationSettings s, int pagesLimit) {
        if (offered.major() != 7) {
            throw new ProtocolException(dev.fusebench.sys.Errno.EPROTO,
                    "kernel speaks FUSE " + offered.major() + "." + offered.minor() + ", we need 7.x");
        }
        if (offered.minor() < OLDEST_MINOR) {
            throw new ProtocolException(dev.fusebench.sys.Errno.EPROTO,
                    "kernel speaks FUSE 7." + offered.minor() + ", we need 7." + OLDEST_MINOR + " or newer");
        }
        long flags = offered.flags() & s.flags();
        if ((flags >>> 32) != 0 && (offered.flags() & InitFlag.INIT_EXT) != 0) flags |= InitFlag.INIT_EXT;
        else flags &= 0xffffffffL & ~InitFlag.INIT_EXT;
        int readahead = s.maxReadahead() < 0 ? offered.maxReadahead() : Math.min(s.maxReadahead(), offered.maxReadahead());
        int maxPages = (flags & InitFlag.MAX_PAGES) != 0 ? s.maxPages() : 0;
        InitOut reply = new InitOut(7, Math.min(offered.minor(), OUR_MINOR), readahead, flags, s.maxBackground(),
                s.congestionThreshold(), s.maxWrite(), s.timeGran(), maxPages);
        return new Negotiation(offered, reply, s.name(), pagesLimit);
    }

    /** Pages per request the kernel will use. */
    public int effectiveMaxPages() { return reply.effectiveMaxPagesUnder(pagesLimit); }

    /** max_write as the kernel clamps it. */
    public int effectiveMaxWrite() { return Math.max(NegotiationSettings.PAGE, reply.maxWrite()); }
}
