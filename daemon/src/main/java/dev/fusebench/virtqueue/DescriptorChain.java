package dev.fusebench.virtqueue;

import dev.fusebench.sys.IoVecs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

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

    public DescriptorChain(Arena arena, int maxSegments) {
        this.readable = new IoVecs(arena, maxSegments);
        this.writable = new IoVecs(arena, maxSegments);
    }

    /** Why a chain was refused; null when it is fine. */
    public String walk(GuestMemory mem, MemorySegment all, long descTable, int queueSize, int head) {
        this.head = head;
        readable.clear();
        writable.clear();
        readableBytes = 0;
        writableBytes = 0;
        long table = descTable;
        int tableSize = queueSize;
        int index = head;
        boolean indirect = false;
        int budget = queueSize;
        while (true) {
            if (index < 0 || index >= tableSize) return "descriptor index " + index + " out of range";
            if (budget-- <= 0) return "descriptor chain loops or is too long";
            long d = table + (long) index * Descriptor.SIZE;
            long addr = all.get(JAVA_LONG_UNALIGNED, d);
            long len = Integer.toUnsignedLong(all.get(JAVA_INT_UNALIGNED, d + 8));
            int flags = Short.toUnsignedInt(all.get(JAVA_SHORT_UNALIGNED, d + 12));
            int next = Short.toUnsignedInt(all.get(JAVA_SHORT_UNALIGNED, d + 14));
            if ((flags & Descriptor.F_INDIRECT) != 0) {
                if (indirect) return "indirect table inside an indirect table";
                if ((flags & Descriptor.F_NEXT) != 0) return "indirect descriptor with NEXT";
                if (len == 0 || len % Descriptor.SIZE != 0 || len / Descriptor.SIZE > 65536) return "bad indirect table length " + len;
                long host = mem.translate(addr, len);
                if (host == GuestMemory.INVALID) return "indirect table outside guest memory";
                indirect = true;
                table = host;
                tableSize = (int) (len / Descriptor.SIZE);
                budget = tableSize;
                index = 0;
                continue;
            }
            if (len > 0) {
                long host = mem.translate(addr, len);
                if (host == GuestMemory.INVALID) return "buffer outside guest memory";
                if ((flags & Descriptor.F_WRITE) != 0) {
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
            if ((flags & Descriptor.F_NEXT) == 0) return null;
            index = next;
        }
    }
}
