package dev.fusebench.proxy;

import dev.fusebench.fuse.FileSystem;
import dev.fusebench.fuse.Opcode;
import dev.fusebench.stats.JobMarks;
import dev.fusebench.virtqueue.DescriptorChain;
import dev.fusebench.virtqueue.GuestMemory;
import dev.fusebench.virtqueue.Scatter;
import dev.fusebench.virtqueue.SplitQueue;
import dev.fusebench.wire.FuseIn;
import dev.fusebench.wire.VirtioRing.Avail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Observe mode: counts the requests the guest makes available on a ring, by opcode and size (READ and
 * WRITE: fuse_read_in/fuse_write_in.size; others: their length), cut into phases at job marks
 * ({@link Observed}). Requests the guest added without a kick are counted at the next scan; a
 * descriptor reused by then is counted as its new request. Used by the watcher thread alone.
 */
final class RingObserver {
    private final Observed observed = new Observed();
    private final DescriptorChain chain;
    /** READ/WRITE arguments, or a LOOKUP's name (a job mark is 32 bytes at most). */
    private final MemorySegment args;

    RingObserver(Arena arena) {
        this.chain = new DescriptorChain(arena, DescriptorChain.segmentsFor(GuestView.MAX_QUEUE_SIZE));
        this.args = arena.allocate(FuseIn.Header.SIZE + Math.max(FuseIn.ReadIn.SIZE, 64));
    }

    Observed observed() { return observed; }

    /**
     * Counts what is new on the ring. Whatever a ring's contents make go wrong is counted, and the
     * watcher goes on relaying kicks and calls (were it to die, the guest would wait for ever).
     */
    void scan(ProxyRing r, GuestMemory mem) {
        try {
            scanAvail(r, mem);
        } catch (RuntimeException e) {
            observed.unreadable("ring scan failed: " + e.getClass().getSimpleName());
        }
    }

    private void scanAvail(ProxyRing r, GuestMemory mem) {
        int num = r.num;
        if (num <= 0 || mem == null) return;
        MemorySegment desc = mem.sliceFrontend(r.desc, SplitQueue.descBytes(num));
        MemorySegment avail = mem.sliceFrontend(r.avail, SplitQueue.availBytes(num));
        if (desc == null || avail == null) return;
        int idx = Avail.idx(avail);
        VarHandle.acquireFence();
        int added = (idx - r.lastAvail) & 0xffff;
        if (added > num) { // more than a ring's worth since the last scan: their entries are overwritten
            observed.missed(added);
            r.lastAvail = idx;
            return;
        }
        while (r.lastAvail != idx) {
            int head = Avail.ring(avail, r.lastAvail % num);
            r.lastAvail = (r.lastAvail + 1) & 0xffff;
            String bad = chain.walk(mem, desc, num, head);
            if (bad != null) { observed.unreadable(bad); continue; }
            long got = Scatter.gather(mem, chain.readable, 0, args, 0, args.byteSize());
            if (got < FuseIn.Header.SIZE) { observed.unreadable("shorter than a request header"); continue; }
            int opcode = FuseIn.Header.opcode(args, 0);
            long size = (opcode == Opcode.READ.code || opcode == Opcode.WRITE.code) && got >= FuseIn.Header.SIZE + FuseIn.ReadIn.SIZE
                    ? FuseIn.ReadIn.size(args, FuseIn.Header.SIZE) : Integer.toUnsignedLong(FuseIn.Header.len(args, 0));
            if (opcode == Opcode.LOOKUP.code && FuseIn.Header.nodeid(args, 0) == FileSystem.ROOT && got > FuseIn.Header.SIZE) markIfOne(got);
            observed.add(opcode, size);
        }
    }

    /** A LOOKUP of the root's name that is a job mark starts a phase (the mark itself counts in it, as in the daemon). */
    private void markIfOne(long got) {
        long nul = FuseIn.Header.SIZE;
        while (nul < got && args.get(JAVA_BYTE, nul) != 0) nul++;
        String mark = JobMarks.label(args, FuseIn.Header.SIZE, nul);
        if (mark != null) observed.mark(mark);
    }
}
