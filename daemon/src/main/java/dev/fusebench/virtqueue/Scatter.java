package dev.fusebench.virtqueue;

import dev.fusebench.sys.IoVecs;

import java.lang.foreign.MemorySegment;

/**
 * Copies between scatter lists of guest buffers (host addresses inside {@link GuestMemory}) and
 * contiguous segments, through each region's bounded segment; and cuts sub-lists.
 */
public final class Scatter {
    private Scatter() {}

    /** Gathers up to {@code max} bytes, starting {@code skip} bytes into {@code src}, into {@code dst} at {@code at}; returns bytes copied. */
    public static long gather(GuestMemory mem, IoVecs src, long skip, MemorySegment dst, long at, long max) {
        long copied = 0;
        for (int i = 0; i < src.count() && copied < max; i++) {
            long len = src.length(i);
            if (skip >= len) { skip -= len; continue; }
            long n = Math.min(len - skip, max - copied);
            long from = src.address(i) + skip;
            GuestMemory.Region r = mem.regionOfHost(from);
            MemorySegment.copy(r.segment(), from - r.host(), dst, at + copied, n);
            copied += n;
            skip = 0;
        }
        return copied;
    }

    /** Scatters {@code len} bytes of {@code src} into {@code dst}; returns bytes copied (less when dst is smaller). */
    public static long scatter(GuestMemory mem, MemorySegment src, long len, IoVecs dst) {
        long copied = 0;
        for (int i = 0; i < dst.count() && copied < len; i++) {
            long n = Math.min(dst.length(i), len - copied);
            long to = dst.address(i);
            GuestMemory.Region r = mem.regionOfHost(to);
            MemorySegment.copy(src, copied, r.segment(), to - r.host(), n);
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
