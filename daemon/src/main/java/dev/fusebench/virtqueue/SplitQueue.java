package dev.fusebench.virtqueue;

import dev.fusebench.wire.VirtioRing.Avail;
import dev.fusebench.wire.VirtioRing.Desc;
import dev.fusebench.wire.VirtioRing.Used;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * A split virtqueue in guest memory, device side: pops available chains and pushes used ones.
 * The three areas are bounded slices of guest memory. The avail index is read with acquire
 * ordering and the used index published with release ordering; with EVENT_IDX the guest is only
 * notified when it asked to be.
 */
public final class SplitQueue {
    private final GuestMemory mem;
    private final int size;
    private final MemorySegment desc, avail, used;
    private final boolean eventIdx;
    private int lastAvail;
    private int usedIdx;
    private int lastSignalledUsed;
    private boolean broken;

    /** The areas are slices of guest memory of {@link #descBytes}, {@link #availBytes} and {@link #usedBytes}. */
    public SplitQueue(GuestMemory mem, int size, MemorySegment desc, MemorySegment avail, MemorySegment used,
                      boolean eventIdx, int lastAvail) {
        this.mem = mem;
        this.size = size;
        this.desc = desc;
        this.avail = avail;
        this.used = used;
        this.eventIdx = eventIdx;
        this.lastAvail = lastAvail & 0xffff;
        this.usedIdx = Used.idx(used);
        this.lastSignalledUsed = usedIdx;
    }

    public static long descBytes(int size) { return Desc.tableBytes(size); }
    /** With the trailing used_event. */
    public static long availBytes(int size) { return Avail.bytes(size); }
    /** With the trailing avail_event. */
    public static long usedBytes(int size) { return Used.bytes(size); }

    public GuestMemory memory() { return mem; }
    public int size() { return size; }
    public int lastAvail() { return lastAvail; }
    public boolean broken() { return broken; }

    private int availIdx() {
        int idx = Avail.idx(avail);
        VarHandle.acquireFence();
        return idx;
    }

    /** Pops the next chain into {@code chain}. Returns false when none is available (or the queue broke). */
    public boolean pop(DescriptorChain chain, StringBuilder whyRefused) {
        if (broken) return false;
        int idx = availIdx();
        if (idx == lastAvail) return false;
        if (((idx - lastAvail) & 0xffff) > size) {
            broken = true;
            whyRefused.append("avail index moved by more than the queue size");
            return false;
        }
        int head = Avail.ring(avail, lastAvail % size);
        lastAvail = (lastAvail + 1) & 0xffff;
        String why = chain.walk(mem, desc, size, head);
        if (why != null) {
            whyRefused.append(why);
            chain.readable.clear();
            chain.writable.clear();
            chain.readableBytes = chain.writableBytes = 0;
        }
        return true;
    }

    /** Marks chain {@code head} used with {@code len} bytes written; visible to the guest after {@link #publish}. */
    public void push(int head, int len) {
        Used.elem(used, usedIdx % size, head, len);
        usedIdx = (usedIdx + 1) & 0xffff;
    }

    /** Publishes the used index (release); returns whether the guest wants an interrupt now. */
    public boolean publish() {
        VarHandle.releaseFence();
        Used.idx(used, usedIdx);
        VarHandle.fullFence();
        int old = lastSignalledUsed;
        if (old == usedIdx) return false;
        if (!eventIdx) {
            lastSignalledUsed = usedIdx;
            return (Avail.flags(avail) & Avail.F_NO_INTERRUPT) == 0;
        }
        int usedEvent = Avail.usedEvent(avail, size);
        lastSignalledUsed = usedIdx;
        // vring_need_event(event, new, old): (u16)(new - event - 1) < (u16)(new - old)
        return ((usedIdx - usedEvent - 1) & 0xffff) < ((usedIdx - old) & 0xffff);
    }

    /**
     * Before sleeping: tells the guest which avail index should kick us (EVENT_IDX), then re-checks,
     * so a request that raced in is not missed. Returns true when more work is already there.
     */
    public boolean armAndRecheck() {
        if (eventIdx) Used.availEvent(used, size, lastAvail);
        VarHandle.fullFence();
        return !broken && availIdx() != lastAvail;
    }
}
