package dev.fusebench.virtqueue;

import dev.fusebench.sys.IoVecs;
import dev.fusebench.wire.VirtioRing.Desc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;


/**
 * One descriptor chain walked into host addresses: the device-readable buffers, then the
 * device-writable ones. Reused for every chain (no allocation per request). Walking refuses a chain
 * that points outside guest memory, loops or is longer than allowed, overflows a length, nests an
 * indirect table, or puts a readable buffer after a writable one.
 */
public final class DescriptorChain {
    public final IoVecs readable;
    public final IoVecs writable;
    public int head;
    public long readableBytes;
    public long writableBytes;

    /** Data buffers a chain may carry in each direction at the least: a 4 MiB request in 4 KiB pages (kernels send 256 pages at most). */
    public static final int MIN_SEGMENTS = 1024;
    /** Room beyond the data pages for the header and arguments, which the kernel puts in buffers of their own. */
    public static final int HEADER_SEGMENTS = 8;

    /** The buffers per direction a chain on a ring of {@code queueSize} entries may carry. */
    public static int segmentsFor(int queueSize) { return Math.max(queueSize, MIN_SEGMENTS) + HEADER_SEGMENTS; }

    public DescriptorChain(Arena arena, int maxSegments) {
        this.readable = new IoVecs(arena, maxSegments);
        this.writable = new IoVecs(arena, maxSegments);
    }

    /**
     * Walks the chain starting at {@code head} in {@code descTable} (the ring's bounded segment).
     * Returns why it was refused, or null when it is fine.
     */
    public String walk(GuestMemory mem, MemorySegment descTable, int queueSize, int head) {
        this.head = head;
        readable.clear();
        writable.clear();
        readableBytes = 0;
        writableBytes = 0;
        MemorySegment table = descTable;
        long base = 0;
        int tableSize = queueSize;
        int index = head;
        boolean indirect = false;
        int budget = queueSize;
        while (true) {
            if (index < 0 || index >= tableSize) return "descriptor index " + index + " out of range";
            if (budget-- <= 0) return "descriptor chain loops or is too long";
            long d = base + (long) index * Desc.SIZE;
            long addr = Desc.addr(table, d);
            long len = Desc.len(table, d);
            int flags = Desc.flags(table, d);
            int next = Desc.next(table, d);
            if ((flags & Desc.F_INDIRECT) != 0) {
                if (indirect) return "indirect table inside an indirect table";
                if ((flags & Desc.F_NEXT) != 0) return "indirect descriptor with NEXT";
                if (len == 0 || len % Desc.SIZE != 0 || len / Desc.SIZE > 65536) return "bad indirect table length " + len;
                GuestMemory.Region r = mem.region(addr, len);
                if (r == null) return "indirect table outside guest memory";
                indirect = true;
                table = r.segment();
                base = addr - r.guestPhys();
                tableSize = (int) (len / Desc.SIZE);
                budget = tableSize;
                index = 0;
                continue;
            }
            if (len > 0) {
                long host = mem.translate(addr, len);
                if (host == GuestMemory.INVALID) return "buffer outside guest memory";
                if ((flags & Desc.F_WRITE) != 0) {
                    if (!writable.add(host, len)) return "chain has too many buffers";
                    writableBytes += len;
                } else {
                    if (writable.count() > 0) return "readable buffer after a writable one";
                    if (!readable.add(host, len)) return "chain has too many buffers";
                    readableBytes += len;
                }
                if (readableBytes < 0 || writableBytes < 0 || readableBytes > (1L << 32) || writableBytes > (1L << 32))
                    return "chain length overflows";
            }
            if ((flags & Desc.F_NEXT) == 0) return null;
            index = next;
        }
    }
}
