package dev.fusebench.sys;

import dev.fusebench.wire.LibcStructs.Iovec;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A reusable native {@code struct iovec[]}: the scatter/gather list that READ and WRITE hand to
 * preadv/pwritev, so file data moves straight between the host file and the transport's buffers.
 */
public final class IoVecs {
    private final MemorySegment array;
    private final int capacity;
    private int count;
    private long totalBytes;

    public IoVecs(Arena arena, int capacity) {
        this.capacity = capacity;
        this.array = arena.allocate(Iovec.LAYOUT, capacity);
    }

    public void clear() { count = 0; totalBytes = 0; }

    /** Adds one buffer; returns false when the list is full. */
    public boolean add(long address, long length) {
        if (count == capacity) return false;
        Iovec.write(array, count, address, length);
        count++;
        totalBytes += length;
        return true;
    }

    public boolean add(MemorySegment segment) { return add(segment.address(), segment.byteSize()); }

    public int count() { return count; }
    public long totalBytes() { return totalBytes; }
    public MemorySegment array() { return array; }
    public int capacity() { return capacity; }
    public long address(int i) { return Iovec.base(array, i); }
    public long length(int i) { return Iovec.len(array, i); }
}
