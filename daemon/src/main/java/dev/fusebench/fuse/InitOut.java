package dev.fusebench.fuse;

import dev.fusebench.wire.FuseOut;

import java.lang.foreign.MemorySegment;

/** What we reply to FUSE_INIT, as values; the wire form is {@link FuseOut.InitOut}. */
public record InitOut(int major, int minor, int maxReadahead, long flags, int maxBackground,
                      int congestionThreshold, int maxWrite, int timeGran, int maxPages) {
    public static final int SIZE = FuseOut.InitOut.SIZE;

    /** Writes fuse_init_out at {@code offset}. */
    public void encode(MemorySegment out, long offset) { Replies.init(out, offset, this); }

    /**
     * Pages per request the kernel uses after this reply (fs/fuse/inode.c process_init_reply):
     * with FUSE_MAX_PAGES, max_pages clamped to [1, max_pages_limit]; without, 32. Computed by
     * {@link #effectiveMaxPages(long, int, int)} alone; virtio-fs's further cap by the queue size is
     * {@link Negotiation#effectiveMaxPagesOver}.
     */
    public int effectiveMaxPages() { return effectiveMaxPages(flags, maxPages, NegotiationSettings.KERNEL_MAX_PAGES); }

    /** The same under a kernel whose fs.fuse.max_pages_limit is {@code pagesLimit} (Linux 6.13+ lets it be raised). */
    public int effectiveMaxPagesUnder(int pagesLimit) { return effectiveMaxPages(flags, maxPages, pagesLimit); }

    /**
     * The pages a request carries at most over virtio-fs with a request queue of {@code queueSize}
     * entries: the queue size less 4 (fs/fuse/virtio_fs.c, FUSE_HEADER_OVERHEAD), so a 32-entry
     * queue gives 28 pages, fewer than baseline's 32.
     */
    public static int virtqueueMaxPages(int queueSize) { return queueSize - 4; }

    /** The same for a reply of {@code flags} and {@code maxPages} not yet made (the settings' own limits). */
    static int effectiveMaxPages(long flags, int maxPages, int pagesLimit) {
        return (flags & InitFlag.MAX_PAGES.mask) != 0
                ? Math.min(pagesLimit, Math.max(maxPages, 1)) : NegotiationSettings.DEFAULT_MAX_PAGES;
    }

    public static InitOut decode(MemorySegment in, long offset) {
        return new InitOut(FuseOut.InitOut.major(in, offset), FuseOut.InitOut.minor(in, offset),
                FuseOut.InitOut.maxReadahead(in, offset), FuseOut.InitOut.flags(in, offset),
                FuseOut.InitOut.maxBackground(in, offset), FuseOut.InitOut.congestionThreshold(in, offset),
                FuseOut.InitOut.maxWrite(in, offset), FuseOut.InitOut.timeGran(in, offset), FuseOut.InitOut.maxPages(in, offset));
    }
}
