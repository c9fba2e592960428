package dev.fusebench.virtqueue;

import dev.fusebench.sys.IoVecs;

import java.lang.foreign.MemorySegment;

/** Copies between scatter lists of host addresses and contiguous segments, and cuts sub-lists. */
public final class Scatter {
    private Scatter() {}

    /** Gathers up to {@code max} bytes, starting {@code skip} bytes into {@code src}, into {@code dst} at {@code at}; returns bytes copied. */
    public static long gather(IoVecs src, long skip, MemorySegment dst, long at, long max) {
        long copied = 0;
        for (int i = 0; i < src.count() && copied < max; i++) {
            long len = src.length(i);
            if (skip >= len) { skip -= len; continue; }
            long n = Math.min(len - skip, max - copied);
            MemorySegment.copy(SplitQueue.ALL, src.address(i) + skip, dst, at + copied, n);
            copied += n;
            skip = 0;
        }
        return copied;
    }

    /** Scatters {@code len} bytes of {@code src} into {@code dst}; returns bytes copied (less when dst is smaller). */
    public static long scatter(MemorySegment src, long len, IoVecs dst) {
        long copied = 0;
        for (int i = 0; i < dst.count() && copied < len; i++) {
            long n = Math.min(dst.length(i), len - copied);
            MemorySegment.copy(src, copied, SplitQueue.ALL, dst.address(i), n);
            copied += n;
        }
        return copied;
    }

    /** Fills {@code out} with the part of {@code src} from {@code skip}, at most {@code max} bytes. */
    public static void slice(IoVecs src, long skip, long max, IoVecs out) {
        out.clear();
        long taken = 0;
        for (int i = 0; i < src.count() && taken < max; i++) {
            long len = src.length(i);
            if (skip >= len) { skip -= len; continue; }
            long n = Math.min(len - skip, max - taken);
            out.add(src.address(i) + skip, n);
            taken += n;
            skip = 0;
        }
    }
}
