package dev.fusebench.testing;

import dev.fusebench.fuse.FuseServer;
import dev.fusebench.sys.FdSender;
import dev.fusebench.sys.Flags;
import dev.fusebench.sys.Libc;
import dev.fusebench.vhostuser.Message;
import dev.fusebench.vhostuser.VhostUserBackend;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * An in-process vhost-user frontend, as QEMU would be: a socketpair to the backend, memfd-backed
 * "guest memory", split rings laid out in it, eventfds for kicks and calls. Tests place FUSE
 * requests in descriptor chains of any shape (including hostile ones) and read the used ring.
 */
public final class VhostFrontend implements AutoCloseable {
    public static final long GPA = 0x100000;
    public static final long MEM = 64L << 20;
    public static final int QSIZE = 256;
    static final long RING_AREA = 0;           // queue q at q * 64 KiB
    static final long DATA_AREA = 1L << 20;    // buffers from here

    private final Arena arena = Arena.ofShared();
    public final MemorySegment mem;
    private final long memAddr;
    private final int sock;
    private final int memfd;
    private final int[] kick = new int[2], call = new int[2];
    private final int[] availIdx = new int[2], usedSeen = new int[2];
    private long bump = DATA_AREA;
    public final VhostUserBackend backend;
    private final Thread serving;

    public VhostFrontend(FuseServer server, boolean eventIdx) {
        MemorySegment pair = arena.allocate(8);
        check(Libc.socketpair(Flags.AF_UNIX, Flags.SOCK_STREAM | Flags.SOCK_CLOEXEC, 0, pair), "socketpair");
        sock = pair.get(JAVA_INT_UNALIGNED, 0);
        int backendFd = pair.get(JAVA_INT_UNALIGNED, 4);
        memfd = check(Libc.memfdCreate(arena.allocateFrom("guest"), Flags.MFD_CLOEXEC), "memfd");
        check(Libc.ftruncate(memfd, MEM), "ftruncate");
        memAddr = Libc.mmap(MEM, Flags.PROT_READ | Flags.PROT_WRITE, Flags.MAP_SHARED, memfd, 0);
        if (memAddr < 0) throw new IllegalStateException("mmap " + memAddr);
        mem = MemorySegment.ofAddress(memAddr).reinterpret(MEM);
        backend = new VhostUserBackend(server);
        serving = new Thread(() -> { backend.serve(backendFd); backend.release(); }, "backend");
        serving.start();
        handshake(eventIdx);
    }

    private static int check(int r, String what) {
        if (r < 0) throw new IllegalStateException(what + ": " + Libc.strerror(r));
        return r;
    }

    // ---- messages --------------------------------------------------------------------------

    private final MemorySegment buf = arena.allocate(4096, 8);
    private final FdSender sender = new FdSender(arena);

    /** Sends a message with optional fds; with needReply, waits for the u64 ack and returns it. */
    public long send(int request, byte[] payload, boolean needReply, int... fds) {
        buf.set(JAVA_INT_UNALIGNED, 0, request);
        buf.set(JAVA_INT_UNALIGNED, 4, Message.VERSION | (needReply ? Message.FLAG_NEED_REPLY : 0));
        buf.set(JAVA_INT_UNALIGNED, 8, payload.length);
        MemorySegment.copy(MemorySegment.ofArray(payload), 0, buf, 12, payload.length);
        long n = sender.send(sock, buf, 12 + payload.length, Flags.MSG_NOSIGNAL, fds);
        if (n != 12 + payload.length) throw new IllegalStateException("sendmsg " + n);
        return needReply ? readReplyU64(request) : 0;
    }

    /** Reads a reply carrying a u64 (GET_* and REPLY_ACK). */
    public long readReplyU64(int request) {
        long n = 0;
        while (n < 20) {
            long r = Libc.read(sock, buf.asSlice(n), 20 - n);
            if (r <= 0) throw new IllegalStateException("backend closed the connection");
            n += r;
        }
        if (buf.get(JAVA_INT_UNALIGNED, 0) != request) throw new IllegalStateException("reply to " + buf.get(JAVA_INT_UNALIGNED, 0));
        if ((buf.get(JAVA_INT_UNALIGNED, 4) & Message.FLAG_REPLY) == 0) throw new IllegalStateException("no REPLY flag");
        return buf.get(JAVA_LONG_UNALIGNED, 12);
    }

    static byte[] u64(long v) { return Requests.longs(v); }

    static byte[] state(int index, int num) { return Requests.ints(index, num); }

    public long ringBase(int q) { return RING_AREA + q * 65536L; }

    private void handshake(boolean eventIdx) {
        long features = send(Message.GET_FEATURES, new byte[0], false);
        features = readReplyU64(Message.GET_FEATURES);
        if (!eventIdx) features &= ~Message.F_EVENT_IDX;
        send(Message.SET_FEATURES, u64(features), false);
        send(Message.GET_PROTOCOL_FEATURES, new byte[0], false);
        long proto = readReplyU64(Message.GET_PROTOCOL_FEATURES);
        send(Message.SET_PROTOCOL_FEATURES, u64(proto & (Message.PROTOCOL_MQ | Message.PROTOCOL_REPLY_ACK)), false);
        send(Message.GET_QUEUE_NUM, new byte[0], false);
        readReplyU64(Message.GET_QUEUE_NUM);
        ack(send(Message.SET_OWNER, new byte[0], true));
        byte[] table = concat(Requests.ints(1, 0), Requests.longs(GPA, MEM, memAddr, 0));
        ack(send(Message.SET_MEM_TABLE, table, true, memfd));
        for (int q = 0; q < 2; q++) {
            kick[q] = check(Libc.eventfd(0, Flags.EFD_CLOEXEC), "eventfd");
            call[q] = check(Libc.eventfd(0, Flags.EFD_CLOEXEC | Flags.EFD_NONBLOCK), "eventfd");
            long base = ringBase(q);
            ack(send(Message.SET_VRING_NUM, state(q, QSIZE), true));
            ack(send(Message.SET_VRING_BASE, state(q, 0), true));
            long desc = memAddr + base, avail = desc + 16L * QSIZE, used = memAddr + base + 32768;
            ack(send(Message.SET_VRING_ADDR, concat(Requests.ints(q, 0), Requests.longs(desc, used, avail, 0)), true));
            ack(send(Message.SET_VRING_KICK, u64(q), true, kick[q]));
            ack(send(Message.SET_VRING_CALL, u64(q), true, call[q]));
            ack(send(Message.SET_VRING_ENABLE, state(q, 1), true));
        }
    }

    private static void ack(long status) {
        if (status != 0) throw new IllegalStateException("backend refused a message: " + status);
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) { System.arraycopy(p, 0, out, at, p.length); at += p.length; }
        return out;
    }

    // ---- guest memory and rings --------------------------------------------------------------

    /** Allocates guest memory; returns its guest-physical address. */
    public long alloc(long size) {
        long off = (bump + 63) & ~63L;
        bump = off + size;
        if (bump > MEM) { bump = DATA_AREA; off = DATA_AREA; bump = off + size; }
        return GPA + off;
    }

    public MemorySegment at(long gpa, long len) { return mem.asSlice(gpa - GPA, len); }

    /** A descriptor as the guest writes it. */
    public record Desc(long addr, long len, int flags, int next) {}

    public void writeDesc(long tableGpaOrRing, int index, Desc d, boolean inRing, int q) {
        long off = inRing ? ringBase(q) + 16L * index : tableGpaOrRing - GPA + 16L * index;
        mem.set(JAVA_LONG_UNALIGNED, off, d.addr());
        mem.set(JAVA_INT_UNALIGNED, off + 8, (int) d.len());
        mem.set(JAVA_SHORT_UNALIGNED, off + 12, (short) d.flags());
        mem.set(JAVA_SHORT_UNALIGNED, off + 14, (short) d.next());
    }

    /** Puts head on the avail ring and kicks. */
    public void post(int q, int head) {
        long avail = ringBase(q) + 16L * QSIZE;
        mem.set(JAVA_SHORT_UNALIGNED, avail + 4 + 2L * (availIdx[q] % QSIZE), (short) head);
        java.lang.invoke.VarHandle.releaseFence();
        availIdx[q] = (availIdx[q] + 1) & 0xffff;
        mem.set(JAVA_SHORT_UNALIGNED, avail + 2, (short) availIdx[q]);
        kick(q);
    }

    /** Moves the avail index by {@code delta} without filling entries (for hostile tests). */
    public void bumpAvail(int q, int delta) {
        long avail = ringBase(q) + 16L * QSIZE;
        availIdx[q] = (availIdx[q] + delta) & 0xffff;
        mem.set(JAVA_SHORT_UNALIGNED, avail + 2, (short) availIdx[q]);
        kick(q);
    }

    public void kick(int q) {
        MemorySegment one = arena.allocate(8, 8);
        one.set(JAVA_LONG_UNALIGNED, 0, 1);
        Libc.write(kick[q], one, 8);
    }

    /** One used element. */
    public record Used(int id, int len) {}

    /** Waits for the next used element of queue q; null after the timeout. */
    public Used awaitUsed(int q, long timeoutMs) {
        long used = ringBase(q) + 32768;
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            int idx = Short.toUnsignedInt(mem.get(JAVA_SHORT_UNALIGNED, used + 2));
            if (idx != usedSeen[q]) {
                java.lang.invoke.VarHandle.acquireFence();
                long e = used + 4 + 8L * (usedSeen[q] % QSIZE);
                usedSeen[q] = (usedSeen[q] + 1) & 0xffff;
                return new Used(mem.get(JAVA_INT_UNALIGNED, e), mem.get(JAVA_INT_UNALIGNED, e + 4));
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(1);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
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
            descs.add(new Desc(replyGpa + off, Math.min(writeChunk, replyCapacity - off), 2, 0));
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
        if (indirect) {
            long table = alloc(16L * n);
            for (int i = 0; i < n; i++) {
                Desc d = descs.get(i);
                writeDesc(table, i, new Desc(d.addr(), d.len(), d.flags() | (i + 1 < n ? 1 : 0), i + 1), false, q);
            }
            int head = nextHead;
            nextHead = (nextHead + 1) % QSIZE;
            writeDesc(0, head, new Desc(table, 16L * n, 4, 0), true, q);
            post(q, head);
            return head;
        }
        if (n > QSIZE) throw new IllegalArgumentException("chain longer than the ring");
        if (nextHead + n > QSIZE) nextHead = 0;
        int head = nextHead;
        for (int i = 0; i < n; i++) {
            Desc d = descs.get(i);
            writeDesc(0, head + i, new Desc(d.addr(), d.len(), d.flags() | (i + 1 < n ? 1 : 0), head + i + 1), true, q);
        }
        nextHead = (head + n) % QSIZE;
        post(q, head);
        return head;
    }

    public boolean backendAlive() { return serving.isAlive(); }

    /** The frontend's end of queue q's call eventfd (non-blocking). */
    public int callFd(int q) { return call[q]; }

    /**
     * Gives queue q new kick and call eventfds (SET_VRING_CALL, SET_VRING_KICK, each acked) and
     * kicks through the new one from now on; returns the old {kick, call}, still open on our side.
     */
    public int[] replaceKickAndCall(int q) {
        int[] old = {kick[q], call[q]};
        int newCall = check(Libc.eventfd(0, Flags.EFD_CLOEXEC | Flags.EFD_NONBLOCK), "eventfd");
        int newKick = check(Libc.eventfd(0, Flags.EFD_CLOEXEC), "eventfd");
        ack(send(Message.SET_VRING_CALL, u64(q), true, newCall));
        call[q] = newCall;
        kick[q] = newKick;
        ack(send(Message.SET_VRING_KICK, u64(q), true, newKick));
        return old;
    }

    /** Reads an eventfd's counter (0 when nothing was signalled; the fd must be non-blocking). */
    public long drain(int eventFd) {
        MemorySegment v = arena.allocate(8, 8);
        long n = Libc.read(eventFd, v, 8);
        return n == 8 ? v.get(JAVA_LONG_UNALIGNED, 0) : 0;
    }

    @Override
    public void close() throws InterruptedException {
        Libc.close(sock); // the backend sees the frontend go and stops
        serving.join(10_000);
        for (int q = 0; q < 2; q++) { Libc.close(kick[q]); Libc.close(call[q]); }
        Libc.munmap(memAddr, MEM);
        Libc.close(memfd);
        arena.close();
    }
}
