package dev.fusebench.testing;

import dev.fusebench.fuse.FuseServer;
import dev.fusebench.loadgen.VhostUserFrontend;
import dev.fusebench.proxy.Restriction;
import dev.fusebench.proxy.VhostUserProxy;
import dev.fusebench.sys.Flags;
import dev.fusebench.sys.Libc;
import dev.fusebench.vhostuser.VhostUserBackend;
import dev.fusebench.wire.VirtioRing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * An in-process vhost-user frontend, as QEMU would be: the load generator's frontend
 * ({@link VhostUserFrontend}) on one end of a socketpair, a {@link VhostUserBackend} serving the
 * other on its own thread. Tests place FUSE requests in descriptor chains of any shape (including
 * hostile ones) and read the used ring.
 */
public final class VhostFrontend implements AutoCloseable {
    public static final long GPA = VhostUserFrontend.GPA;
    public static final long MEM = 64L << 20;
    public static final int QSIZE = 256;

    private final Arena arena = Arena.ofShared();
    private final VhostUserFrontend core;
    public final MemorySegment mem;
    private long bump = VhostUserFrontend.dataStart() - GPA;
    public final VhostUserBackend backend;
    /** The proxy between us and the backend, when one was asked for. */
    public final VhostUserProxy proxy;
    private final Thread serving;

    public VhostFrontend(FuseServer server, boolean eventIdx) { this(server, eventIdx, null); }

    /** With {@code proxied} non-null, a {@link VhostUserProxy} applying it sits between this frontend and the backend. */
    public VhostFrontend(FuseServer server, boolean eventIdx, Restriction proxied) { this(server, eventIdx, proxied, false); }

    /** As above, the proxy also counting request sizes on the kick path when {@code observe}. */
    public VhostFrontend(FuseServer server, boolean eventIdx, Restriction proxied, boolean observe) {
        int[] pair = socketPair();
        int frontendFd = pair[0];
        int backendFd = pair[1];
        if (proxied != null) {
            int[] second = socketPair();
            proxy = new VhostUserProxy(pair[1], second[0], proxied, observe);
            backendFd = second[1];
        } else {
            proxy = null;
        }
        int served = backendFd;
        backend = new VhostUserBackend(server);
        serving = new Thread(() -> { backend.serve(served); backend.release(); }, "backend");
        serving.start();
        try {
            core = new VhostUserFrontend(frontendFd, QSIZE, MEM - (VhostUserFrontend.dataStart() - GPA), eventIdx);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (core.memSize != MEM) throw new IllegalStateException("guest memory of " + core.memSize + " bytes");
        mem = core.mem;
    }

    private int[] socketPair() {
        MemorySegment pair = arena.allocate(8);
        int r = Libc.socketpair(Flags.AF_UNIX, Flags.SOCK_STREAM | Flags.SOCK_CLOEXEC, 0, pair);
        if (r < 0) throw new IllegalStateException("socketpair: " + Libc.strerror(r));
        return new int[]{pair.get(JAVA_INT_UNALIGNED, 0), pair.get(JAVA_INT_UNALIGNED, 4)};
    }

    // ---- messages --------------------------------------------------------------------------

    /** Sends a message with an optional fd; with needReply, waits for the u64 ack and returns it. */
    public long send(int request, byte[] payload, boolean needReply, int... fds) {
        if (fds.length > 1) throw new IllegalArgumentException("one fd at most");
        try {
            MemorySegment p = arena.allocate(Math.max(payload.length, 1));
            MemorySegment.copy(MemorySegment.ofArray(payload), 0, p, 0, payload.length);
            return core.send(request, p, payload.length, needReply, fds.length == 1 ? fds[0] : -1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- guest memory and rings --------------------------------------------------------------

    /** Allocates guest memory; returns its guest-physical address. */
    public long alloc(long size) {
        long off = (bump + 63) & ~63L;
        if (off + size > MEM) off = VhostUserFrontend.dataStart() - GPA;
        bump = off + size;
        return GPA + off;
    }

    public MemorySegment at(long gpa, long len) { return core.at(gpa, len); }

    /** A descriptor as the guest writes it. */
    public record Desc(long addr, long len, int flags, int next) {}

    /** Writes a descriptor into queue q's ring ({@code inRing}) or into the indirect table at {@code tableGpa}. */
    public void writeDesc(long tableGpa, int index, Desc d, boolean inRing, int q) {
        if (inRing) core.writeDesc(q, index, d.addr(), (int) d.len(), d.flags(), d.next());
        else VirtioRing.Desc.write(at(tableGpa, VirtioRing.Desc.tableBytes(index + 1)), (long) VirtioRing.Desc.SIZE * index,
                d.addr(), (int) d.len(), d.flags(), d.next());
    }

    /** Puts head on the avail ring and kicks. */
    public void post(int q, int head) {
        core.make(q, head);
        core.publish(q);
        core.kick(q);
    }

    /** Moves the avail index by {@code delta} without filling entries (for hostile tests). */
    public void bumpAvail(int q, int delta) {
        core.skipAvail(q, delta);
        core.publish(q);
        core.kick(q);
    }

    public void kick(int q) { core.kick(q); }

    /** One used element. */
    public record Used(int id, int len) {}

    /**
     * Waits for the next used element of queue q; null after the timeout. Without a proxy it polls
     * the used ring (the call eventfd is left to the test); behind a proxy it first waits for the
     * interrupt, as a guest does, since the proxy rewrites INIT's reply before it signals.
     */
    public Used awaitUsed(int q, long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        if (proxy != null && !awaitInterrupt(q, timeoutMs)) return null;
        while (System.currentTimeMillis() < deadline) {
            int id = core.nextUsed(q);
            if (id >= 0) return new Used(id, core.lastUsedLength);
            try {
                Thread.sleep(1);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    /** Waits until queue q's call eventfd is signalled (and drains it); false after the timeout. */
    public boolean awaitInterrupt(int q, long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            if (drain(core.callFd(q)) > 0) return true;
            try {
                Thread.sleep(1);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /**
     * Sends one FUSE request on queue q: the request split into readable descriptors of at most
     * {@code readChunk} bytes, then {@code replyCapacity} bytes of writable descriptors of at most
     * {@code writeChunk}; through an indirect table when {@code indirect}. Returns the reply bytes
     * (empty when the used length is 0), or null when no used element came back.
     */
    public byte[] call(int q, byte[] request, int readChunk, int replyCapacity, int writeChunk, boolean indirect) {
        List<Desc> descs = new java.util.ArrayList<>();
        long reqGpa = alloc(request.length);
        MemorySegment.copy(MemorySegment.ofArray(request), 0, mem, reqGpa - GPA, request.length);
        for (int off = 0; off < request.length; off += readChunk) {
            descs.add(new Desc(reqGpa + off, Math.min(readChunk, request.length - off), 0, 0));
        }
        long replyGpa = alloc(Math.max(replyCapacity, 1));
        at(replyGpa, Math.max(replyCapacity, 1)).fill((byte) 0);
        for (int off = 0; off < replyCapacity; off += writeChunk) {
            descs.add(new Desc(replyGpa + off, Math.min(writeChunk, replyCapacity - off), VirtioRing.Desc.F_WRITE, 0));
        }
        int head = postChain(q, descs, indirect);
        Used u = awaitUsed(q, 10_000);
        if (u == null) return null;
        if (u.id() != head) throw new IllegalStateException("used id " + u.id() + ", expected " + head);
        return at(replyGpa, u.len()).toArray(JAVA_BYTE);
    }

    private int nextHead;

    /** Links the descriptors (NEXT flags) into the ring or an indirect table and posts the chain. */
    public int postChain(int q, List<Desc> descs, boolean indirect) {
        int n = descs.size();
        int next = VirtioRing.Desc.F_NEXT;
        if (indirect) {
            long table = alloc((long) VirtioRing.Desc.SIZE * n);
            for (int i = 0; i < n; i++) {
                Desc d = descs.get(i);
                writeDesc(table, i, new Desc(d.addr(), d.len(), d.flags() | (i + 1 < n ? next : 0), i + 1), false, q);
            }
            int head = nextHead;
            nextHead = (nextHead + 1) % QSIZE;
            writeDesc(0, head, new Desc(table, (long) VirtioRing.Desc.SIZE * n, VirtioRing.Desc.F_INDIRECT, 0), true, q);
            post(q, head);
            return head;
        }
        if (n > QSIZE) throw new IllegalArgumentException("chain longer than the ring");
        if (nextHead + n > QSIZE) nextHead = 0;
        int head = nextHead;
        for (int i = 0; i < n; i++) {
            Desc d = descs.get(i);
            writeDesc(0, head + i, new Desc(d.addr(), d.len(), d.flags() | (i + 1 < n ? next : 0), head + i + 1), true, q);
        }
        nextHead = (head + n) % QSIZE;
        post(q, head);
        return head;
    }

    public boolean backendAlive() { return serving.isAlive(); }

    /** The frontend's end of queue q's call eventfd (non-blocking). */
    public int callFd(int q) { return core.callFd(q); }

    /**
     * Gives queue q new kick and call eventfds (SET_VRING_CALL, SET_VRING_KICK, each acked) and
     * kicks through the new one from now on; returns the old {kick, call}, still open on our side.
     */
    public int[] replaceKickAndCall(int q) {
        try {
            return core.replaceKickAndCall(q);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads an eventfd's counter (0 when nothing was signalled; the fd must be non-blocking). */
    public long drain(int eventFd) {
        MemorySegment v = arena.allocate(8, 8);
        long n = Libc.read(eventFd, v, 8);
        return n == 8 ? v.get(JAVA_LONG_UNALIGNED, 0) : 0;
    }

    @Override
    public void close() throws InterruptedException {
        core.close(); // the backend (through the proxy, if any) sees the frontend go and stops
        serving.join(10_000);
        if (proxy != null) proxy.close();
        arena.close();
    }
}
