package dev.fusebench.proxy;

import dev.fusebench.fuse.InitOut;
import dev.fusebench.fuse.Opcode;
import dev.fusebench.sys.Errno;
import dev.fusebench.virtqueue.DescriptorChain;
import dev.fusebench.virtqueue.GuestMemory;
import dev.fusebench.virtqueue.Scatter;
import dev.fusebench.virtqueue.SplitQueue;
import dev.fusebench.wire.FuseIn;
import dev.fusebench.wire.FuseOut;
import dev.fusebench.wire.VirtioRing.Used;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * Finds the daemon's FUSE_INIT reply among a ring's new used entries and rewrites it in guest memory
 * before the guest hears of it: restricted as the variant says ({@link Restriction}), or, when a
 * restriction cannot be given, turned into EPROTO so that the guest's mount fails ({@link #refusal}
 * says why). Used by the watcher thread alone.
 */
public final class InitRewriter {
    private final Restriction restriction;
    private final DescriptorChain chain;
    private final MemorySegment header, reply;
    private volatile InitOut daemonReply, givenReply;
    private volatile String refusal;

    InitRewriter(Arena arena, Restriction restriction) {
        this.restriction = restriction;
        this.chain = new DescriptorChain(arena, DescriptorChain.segmentsFor(GuestView.MAX_QUEUE_SIZE));
        this.header = arena.allocate(FuseIn.Header.SIZE);
        this.reply = arena.allocate(FuseOut.Header.SIZE + FuseOut.InitOut.SIZE);
    }

    /** The daemon's own INIT reply, once it came. */
    public InitOut daemonReply() { return daemonReply; }

    /** The reply the guest got instead, or null when it was refused (or none came yet). */
    public InitOut givenReply() { return givenReply; }

    /** Why the variant could not be given by rewriting, or null. */
    public String refusal() { return refusal; }

    /** Reads the ring's new used entries and rewrites an INIT reply among them. Returns whether INIT was answered. */
    boolean inspect(ProxyRing r, GuestMemory mem) {
        int num = r.num;
        if (num <= 0) return false;
        MemorySegment desc = mem.sliceFrontend(r.desc, SplitQueue.descBytes(num));
        MemorySegment used = mem.sliceFrontend(r.used, SplitQueue.usedBytes(num));
        if (desc == null || used == null) return false;
        int idx = Used.idx(used);
        VarHandle.acquireFence();
        boolean answered = false;
        while (r.lastUsed != idx) {
            int head = Used.id(used, r.lastUsed % num);
            r.lastUsed = (r.lastUsed + 1) & 0xffff;
            if (chain.walk(mem, desc, num, head) != null) continue;
            if (Scatter.gather(mem, chain.readable, 0, header, 0, FuseIn.Header.SIZE) < FuseIn.Header.SIZE) continue;
            if (FuseIn.Header.opcode(header, 0) != Opcode.INIT.code) continue;
            answered |= rewrite(mem);
        }
        return answered;
    }

    /** The INIT reply in {@link #chain}'s writable buffers: rewritten or refused. Returns whether it answered INIT. */
    private boolean rewrite(GuestMemory mem) {
        reply.fill((byte) 0);
        long got = Scatter.gather(mem, chain.writable, 0, reply, 0, reply.byteSize());
        if (got < FuseOut.Header.SIZE) return false;
        int len = FuseOut.Header.len(reply, 0);
        // an error, or the short reply that asks an older kernel to retry with 7.x: nothing to rewrite
        if (FuseOut.Header.error(reply, 0) != 0 || len < FuseOut.Header.SIZE + 24 || FuseOut.InitOut.major(reply, FuseOut.Header.SIZE) != 7)
            return FuseOut.Header.error(reply, 0) != 0;
        InitOut d = InitOut.decode(reply, FuseOut.Header.SIZE);
        daemonReply = d;
        Restriction.Rewrite w = restriction.apply(d);
        if (w.refusal() != null) {
            refusal = w.refusal();
            FuseOut.Header.write(reply, 0, FuseOut.Header.SIZE, -Errno.EPROTO, FuseOut.Header.unique(reply, 0));
            Scatter.scatter(mem, reply, FuseOut.Header.SIZE, chain.writable);
        } else {
            InitOut g = w.reply();
            givenReply = g;
            FuseOut.InitOut.restrict(reply, FuseOut.Header.SIZE, g.maxReadahead(), g.flags(), g.maxBackground(),
                    g.congestionThreshold(), g.maxWrite(), g.maxPages());
            Scatter.scatter(mem, reply, got, chain.writable);
        }
        return true;
    }
}
