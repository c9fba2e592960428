package dev.fusebench.virtqueue;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * A split virtqueue in guest memory, device side: pops available chains and pushes used ones.
 * The avail index is read with acquire ordering and the used index published with release
 * ordering; with EVENT_IDX the guest is only notified when it asked to be.
 */
public final class SplitQueue {
    /** Everything addressable: ring fields are accessed at host addresses already bounds-checked. */
    static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private final GuestMemory mem;
    private final int size;
    private final long desc, avail, used;
    private final boolean eventIdx;
    private int lastAvail;
    private int usedIdx;
    private int lastSignalledUsed;
    private boolean broken;

    /** Addresses are host addresses of the three areas, already translated and checked. */
    public SplitQueue(GuestMemory mem, int size, long desc, long avail, long used, boolean eventIdx, int lastAvail) {
        this.mem = mem;
        this.size = size;
        this.desc = desc;
        this.avail = avail;
        this.used = used;
        this.eventIdx = eventIdx;
        this.lastAvail = lastAvail & 0xffff;
        this.usedIdx = Short.toUnsignedInt(ALL.get(JAVA_SHORT_UNALIGNED, used + 2));
        this.lastSignalledUsed = usedIdx;
    }

    public static long descBytes(int size) { return 16L * size; }
    public static long availBytes(int size) { return 6L + 2L * size; }
    public static long usedBytes(int size) { return 6L + 8L * size; }

    public int size() { return size; }
    public int lastAvail() { return lastAvail; }
    public boolean broken() { return broken; }

    private int availIdx() {
        int idx = Short.toUnsignedInt(ALL.get(JAVA_SHORT_UNALIGNED, avail + 2));
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
        int head = Short.toUnsignedInt(ALL.get(JAVA_SHORT_UNALIGNED, avail + 4 + 2L * (lastAvail % size)));
        lastAvail = (lastAvail + 1) & 0xffff;
        String why = chain.walk(mem, ALL, desc, size, head);
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
        long e = used + 4 + 8L * (usedIdx % size);
        ALL.set(JAVA_INT_UNALIGNED, e, head);
        ALL.set(JAVA_INT_UNALIGNED, e + 4, len);
        usedIdx = (usedIdx + 1) & 0xffff;
    }

    /** Publishes the used index (release); returns whether the guest wants an interrupt now. */
    public boolean publish() {
        VarHandle.releaseFence();
        ALL.set(JAVA_SHORT_UNALIGNED, used + 2, (short) usedIdx);
        VarHandle.fullFence();
        int old = lastSignalledUsed;
        if (old == usedIdx) return false;
        if (!eventIdx) {
            lastSignalledUsed = usedIdx;
            int flags = Short.toUnsignedInt(ALL.get(JAVA_SHORT_UNALIGNED, avail));
            return (flags & 1) == 0; // VRING_AVAIL_F_NO_INTERRUPT
        }
        int usedEvent = Short.toUnsignedInt(ALL.get(JAVA_SHORT_UNALIGNED, avail + 4 + 2L * size));
        lastSignalledUsed = usedIdx;
        // vring_need_event(event, new, old): (u16)(new - event - 1) < (u16)(new - old)
        return ((usedIdx - usedEvent - 1) & 0xffff) < ((usedIdx - old) & 0xffff);
    }

    /**
     * Before sleeping: tells the guest which avail index should kick us (EVENT_IDX), then re-checks,
     * so a request that raced in is not missed. Returns true when more work is already there.
     */
    public boolean armAndRecheck() {
        if (eventIdx) {
            ALL.set(JAVA_SHORT_UNALIGNED, used + 4 + 8L * size, (short) lastAvail);
        }
        VarHandle.fullFence();
        return !broken && availIdx() != lastAvail;
    }
}
