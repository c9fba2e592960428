package dev.fusebench.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

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
        this.array = arena.allocate(16L * capacity, 8);
    }

    public void clear() { count = 0; totalBytes = 0; }

    /** Adds one buffer; returns false when the list is full. */
    public boolean add(long address, long length) {
        if (count == capacity) return false;
        array.set(JAVA_LONG, 16L * count, address);
        array.set(JAVA_LONG, 16L * count + 8, length);
        count++;
        totalBytes += length;
        return true;
    }

    public boolean add(MemorySegment segment) { return add(segment.address(), segment.byteSize()); }

    public int count() { return count; }
    public long totalBytes() { return totalBytes; }
    public MemorySegment array() { return array; }
    public int capacity() { return capacity; }
    public long address(int i) { return array.get(JAVA_LONG, 16L * i); }
    public long length(int i) { return array.get(JAVA_LONG, 16L * i + 8); }
}
