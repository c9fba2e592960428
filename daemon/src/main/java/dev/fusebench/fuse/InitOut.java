package dev.fusebench.fuse;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/** What we reply to FUSE_INIT: {@code fuse_init_out}, 64 bytes. */
public record InitOut(int major, int minor, int maxReadahead, long flags, int maxBackground,
                      int congestionThreshold, int maxWrite, int timeGran, int maxPages) {
    public static final int SIZE = 64;

    public void encode(MemorySegment out, long offset) {
        out.asSlice(offset, SIZE).fill((byte) 0);
        out.set(JAVA_INT_UNALIGNED, offset, major);
        out.set(JAVA_INT_UNALIGNED, offset + 4, minor);
        out.set(JAVA_INT_UNALIGNED, offset + 8, maxReadahead);
        out.set(JAVA_INT_UNALIGNED, offset + 12, (int) flags);
        out.set(JAVA_SHORT_UNALIGNED, offset + 16, (short) maxBackground);
        out.set(JAVA_SHORT_UNALIGNED, offset + 18, (short) congestionThreshold);
        out.set(JAVA_INT_UNALIGNED, offset + 20, maxWrite);
        out.set(JAVA_INT_UNALIGNED, offset + 24, timeGran);
        out.set(JAVA_SHORT_UNALIGNED, offset + 28, (short) maxPages);
        out.set(JAVA_SHORT_UNALIGNED, offset + 30, (short) 0); // map_alignment
        out.set(JAVA_INT_UNALIGNED, offset + 32, (int) (flags >>> 32));
    }

    /**
     * Pages per request the kernel uses after this reply (fs/fuse/inode.c process_init_reply):
     * with FUSE_MAX_PAGES, max_pages clamped to [1, max_pages_limit]; without, 32. The one place
     * this is computed. (virtio-fs also clamps to the virtqueue size less 4.)
     */
    public int effectiveMaxPages() {
        return (flags & InitFlag.MAX_PAGES) != 0
                ? Math.min(NegotiationSettings.KERNEL_MAX_PAGES, Math.max(maxPages, 1)) : NegotiationSettings.DEFAULT_MAX_PAGES;
    }

    public static InitOut decode(MemorySegment in, long offset) {
        long flags = (in.get(JAVA_INT_UNALIGNED, offset + 12) & 0xffffffffL)
                | ((in.get(JAVA_INT_UNALIGNED, offset + 32) & 0xffffffffL) << 32);
        return new InitOut(in.get(JAVA_INT_UNALIGNED, offset), in.get(JAVA_INT_UNALIGNED, offset + 4),
                in.get(JAVA_INT_UNALIGNED, offset + 8), flags,
                Short.toUnsignedInt(in.get(JAVA_SHORT_UNALIGNED, offset + 16)),
                Short.toUnsignedInt(in.get(JAVA_SHORT_UNALIGNED, offset + 18)),
                in.get(JAVA_INT_UNALIGNED, offset + 20), in.get(JAVA_INT_UNALIGNED, offset + 24),
                Short.toUnsignedInt(in.get(JAVA_SHORT_UNALIGNED, offset + 28)));
    }
}
