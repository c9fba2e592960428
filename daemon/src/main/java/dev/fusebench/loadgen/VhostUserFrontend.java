package dev.fusebench.loadgen;

import dev.fusebench.sys.Errno;
import dev.fusebench.sys.FdSender;
import dev.fusebench.sys.Flags;
import dev.fusebench.sys.Libc;
import dev.fusebench.vhostuser.Message;
import dev.fusebench.wire.LibcStructs.Pollfd;
import dev.fusebench.wire.LibcStructs.SockaddrUn;
import dev.fusebench.wire.VhostUserMsg.Header;
import dev.fusebench.wire.VhostUserMsg.MemTable;
import dev.fusebench.wire.VhostUserMsg.U64;
import dev.fusebench.wire.VhostUserMsg.VringAddr;
import dev.fusebench.wire.VhostUserMsg.VringState;
import dev.fusebench.wire.VirtioRing.Avail;
import dev.fusebench.wire.VirtioRing.Desc;
import dev.fusebench.wire.VirtioRing.Used;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * The frontend side of vhost-user, as QEMU plays it for a guest, without a guest: connects to a
 * daemon's socket, shares memfd "guest memory", lays out the hiprio queue and one request queue
 * with EVENT_IDX and indirect descriptors, and then behaves like Linux's virtio ring driver
 * (kick only when the device asked for it, ask for an interrupt only when waiting). Works with
 * any vhost-user-fs backend, so the Java daemon and the peers get the same requests.
 */
public final class VhostUserFrontend implements AutoCloseable {
    static final long GPA = 0x1_0000_0000L;
    static final int REQUEST_QUEUE = 1;
    private static final long RING_AREA = 1 << 20;
    private static final long F_WANTED = Message.F_VERSION_1 | Message.F_INDIRECT_DESC | Message.F_EVENT_IDX
            | Message.F_PROTOCOL_FEATURES;

    private final Arena arena = Arena.ofShared();
    public final int queueSize;
    final long memSize;
    MemorySegment mem;
    private long memAddr = -1;
    private final int sock;
    private int memfd = -1;
    private final int[] kick = {-1, -1}, call = {-1, -1};
    private final MemorySegment msg = arena.allocate(4096, 8);
    private final MemorySegment eight = arena.allocate(8, 8);
    private final MemorySegment pollFd = arena.allocate(Pollfd.LAYOUT);
    /** The request queue's avail and used rings. */
    private MemorySegment requestAvail, requestUsed;
    private final FdSender sender = new FdSender(arena);
    // request queue state (the driver's shadow copies)
    private int availIdx, kickedAt, usedSeen;
    /** Kicks sent and waits for an interrupt, as a guest would count them. */
    public long kicks, waits;

    /** Connects to a daemon's socket and completes the handshake; {@code dataBytes} of memory follow the ring area. */
    public static VhostUserFrontend connect(Path socket, int queueSize, long dataBytes) throws IOException {
        int sock = Libc.socket(Flags.AF_UNIX, Flags.SOCK_STREAM | Flags.SOCK_CLOEXEC, 0);
        if (sock < 0) throw new IOException("socket: " + Libc.strerror(sock));
        byte[] p = socket.toString().getBytes();
        if (p.length >= 108) { Libc.close(sock); throw new IOException("socket path too long: " + socket); }
        int r;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment addr = a.allocate(SockaddrUn.LAYOUT);
            SockaddrUn.family(addr, Flags.AF_UNIX);
            MemorySegment.copy(MemorySegment.ofArray(p), 0, addr, SockaddrUn.PATH, p.length);
            // a daemon may create its socket file a moment before it listens: retry for a while
            long deadline = System.nanoTime() + 5_000_000_000L;
            while ((r = Libc.connect(sock, addr, SockaddrUn.PATH + p.length + 1)) < 0 && System.nanoTime() < deadline
                    && (r == -Errno.ECONNREFUSED || r == -Errno.ENOENT)) {
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
            }
        }
        if (r < 0) { Libc.close(sock); throw new IOException("connect " + socket + ": " + Libc.strerror(r)); }
        return new VhostUserFrontend(sock, queueSize, dataBytes);
    }

    /** Takes over a connected socket (closed with the frontend) and completes the handshake. */
    public VhostUserFrontend(int connectedSocket, int queueSize, long dataBytes) throws IOException {
        if (Integer.bitCount(queueSize) != 1 || queueSize > 1024) throw new IllegalArgumentException("queue size must be a power of two up to 1024");
        this.queueSize = queueSize;
        this.memSize = (RING_AREA + dataBytes + (2 << 20) - 1) & ~((2L << 20) - 1);
        this.sock = connectedSocket;
        try {
            memfd = Libc.memfdCreate(arena.allocateFrom("fusebench-load"), Flags.MFD_CLOEXEC);
            if (memfd < 0 || Libc.ftruncate(memfd, memSize) < 0) throw new IOException("memfd of " + memSize + " bytes failed");
            long addr = Libc.mmap(memSize, Flags.PROT_READ | Flags.PROT_WRITE, Flags.MAP_SHARED, memfd, 0);
            if (addr < 0) throw new IOException("mmap: " + Libc.strerror((int) addr));
            memAddr = addr;
            mem = MemorySegment.ofAddress(memAddr).reinterpret(memSize);
            requestAvail = mem.asSlice(availOff(REQUEST_QUEUE), Avail.bytes(queueSize));
            requestUsed = mem.asSlice(usedOff(REQUEST_QUEUE), Used.bytes(queueSize));
            handshake();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** First guest-physical address free for buffers. */
    static long dataStart() { return GPA + RING_AREA; }

    MemorySegment at(long gpa, long len) { return mem.asSlice(gpa - GPA, len); }

    // ---- vhost-user messages -----------------------------------------------------------------

    private void send(int request, MemorySegment payload, long length, boolean needReply, int fd) throws IOException {
        Header.write(msg, request, Message.VERSION | (needReply ? Message.FLAG_NEED_REPLY : 0), (int) length);
        if (length > 0) MemorySegment.copy(payload, 0, msg, Header.SIZE, length);
        long n = fd >= 0 ? sender.send(sock, msg, Header.SIZE + length, Flags.MSG_NOSIGNAL, fd)
                : sender.send(sock, msg, Header.SIZE + length, Flags.MSG_NOSIGNAL);
        if (n != Header.SIZE + length) throw new IOException("vhost-user message " + request + ": the daemon closed the connection");
        if (needReply) {
            long status = replyU64(request);
            if (status != 0) throw new IOException("the daemon refused vhost-user message " + request + " (status " + status + ")");
        }
    }

    private long replyU64(int request) throws IOException {
        long n = 0;
        while (n < Header.SIZE + U64.SIZE) {
            long r = Libc.read(sock, msg.asSlice(n), Header.SIZE + U64.SIZE - n);
            if (r <= 0) throw new IOException("the daemon closed the connection during the handshake");
            n += r;
        }
        if (Header.request(msg) != request) throw new IOException("reply to message " + Header.request(msg) + ", expected " + request);
        return U64.value(msg, Header.SIZE);
    }

    private long ask(int request) throws IOException {
        send(request, MemorySegment.NULL, 0, false, -1);
        return replyU64(request);
    }

    private MemorySegment payload(long... words) {
        MemorySegment s = arena.allocate((long) U64.SIZE * words.length, 8);
        for (int i = 0; i < words.length; i++) U64.value(s, (long) U64.SIZE * i, words[i]);
        return s;
    }

    private MemorySegment state(int index, int num) {
        MemorySegment s = arena.allocate(VringState.LAYOUT);
        VringState.write(s, 0, index, num);
        return s;
    }

    private long ringBase(int q) { return q * 65536L; }
    private long availOff(int q) { return ringBase(q) + Desc.tableBytes(queueSize); }
    private long usedOff(int q) { return (availOff(q) + Avail.bytes(queueSize) + 4095) & ~4095L; }

    private void handshake() throws IOException {
        long offered = ask(Message.GET_FEATURES);
        long missing = F_WANTED & ~offered;
        if (missing != 0) throw new IOException("the daemon lacks virtio features 0x" + Long.toHexString(missing) + " (needs VERSION_1, INDIRECT_DESC, EVENT_IDX, PROTOCOL_FEATURES)");
        long proto = ask(Message.GET_PROTOCOL_FEATURES);
        boolean replyAck = (proto & Message.PROTOCOL_REPLY_ACK) != 0;
        send(Message.SET_PROTOCOL_FEATURES, payload(proto & (Message.PROTOCOL_MQ | Message.PROTOCOL_REPLY_ACK)), 8, false, -1);
        send(Message.SET_OWNER, MemorySegment.NULL, 0, replyAck, -1);
        send(Message.SET_FEATURES, payload(F_WANTED), 8, replyAck, -1);
        MemorySegment table = arena.allocate(MemTable.bytes(1), 8);
        MemTable.writeHeader(table, 0, 1);
        MemTable.writeRegion(table, 0, 0, GPA, memSize, memAddr, 0);
        send(Message.SET_MEM_TABLE, table, MemTable.bytes(1), replyAck, memfd);
        for (int q = 0; q < 2; q++) {
            kick[q] = Libc.eventfd(0, Flags.EFD_CLOEXEC);
            call[q] = Libc.eventfd(0, Flags.EFD_CLOEXEC | Flags.EFD_NONBLOCK);
            if (kick[q] < 0 || call[q] < 0) throw new IOException("eventfd failed");
            send(Message.SET_VRING_NUM, state(q, queueSize), VringState.SIZE, replyAck, -1);
            send(Message.SET_VRING_BASE, state(q, 0), VringState.SIZE, replyAck, -1);
            MemorySegment a = arena.allocate(VringAddr.LAYOUT);
            VringAddr.write(a, 0, q, memAddr + ringBase(q), memAddr + usedOff(q), memAddr + availOff(q));
            send(Message.SET_VRING_ADDR, a, VringAddr.SIZE, replyAck, -1);
            send(Message.SET_VRING_KICK, payload(q), U64.SIZE, replyAck, kick[q]);
            send(Message.SET_VRING_CALL, payload(q), U64.SIZE, replyAck, call[q]);
            send(Message.SET_VRING_ENABLE, state(q, 1), VringState.SIZE, replyAck, -1);
        }
    }

    // ---- the request queue, driver side --------------------------------------------------------

    /** Writes ring descriptor {@code head} of the request queue to point at an indirect table. */
    void indirectHead(int head, long tableGpa, int descriptors) {
        Desc.write(mem, ringBase(REQUEST_QUEUE) + (long) Desc.SIZE * head, tableGpa, Desc.SIZE * descriptors, Desc.F_INDIRECT, 0);
    }

    /** Makes {@code head} available (not yet visible to the device: see {@link #flush}). */
    void make(int head) {
        Avail.ring(requestAvail, availIdx % queueSize, head);
        availIdx = (availIdx + 1) & 0xffff;
    }

    /** Publishes the avail index and kicks when the device's avail_event asks for it (vring_need_event). */
    void flush() {
        VarHandle.releaseFence();
        Avail.idx(requestAvail, availIdx);
        VarHandle.fullFence();
        int event = Used.availEvent(requestUsed, queueSize);
        int old = kickedAt;
        kickedAt = availIdx;
        if (((availIdx - event - 1) & 0xffff) < ((availIdx - old) & 0xffff)) {
            kicks++;
            eight.set(JAVA_LONG_UNALIGNED, 0, 1);
            Libc.write(kick[REQUEST_QUEUE], eight, 8);
        }
    }

    /** Takes the next used ring entry: its id (its length in {@link #lastUsedLength}), or -1 when there is none yet. */
    int nextUsed() {
        int idx = Used.idx(requestUsed);
        if (idx == usedSeen) return -1;
        VarHandle.acquireFence();
        int id = Used.id(requestUsed, usedSeen % queueSize);
        lastUsedLength = Used.len(requestUsed, usedSeen % queueSize);
        usedSeen = (usedSeen + 1) & 0xffff;
        return id;
    }

    int lastUsedLength;

    /**
     * Asks for an interrupt at the next used entry and sleeps until it comes (or {@code timeoutMs}
     * passes; returns false then). Re-checks after asking, as Linux's virtqueue_enable_cb does.
     */
    boolean awaitUsed(int timeoutMs) {
        Avail.usedEvent(requestAvail, queueSize, usedSeen);
        VarHandle.fullFence();
        if (Used.idx(requestUsed) != usedSeen) return true;
        waits++;
        Pollfd.write(pollFd, 0, call[REQUEST_QUEUE], Flags.POLLIN);
        int r = Libc.poll(pollFd, 1, timeoutMs);
        if (r > 0) Libc.read(call[REQUEST_QUEUE], eight, 8);
        return r > 0 || Used.idx(requestUsed) != usedSeen;
    }

    @Override
    public void close() {
        Libc.close(sock); // the daemon sees the frontend go and exits
        for (int q = 0; q < 2; q++) { if (kick[q] >= 0) Libc.close(kick[q]); if (call[q] >= 0) Libc.close(call[q]); }
        if (memAddr >= 0) Libc.munmap(memAddr, memSize);
        if (memfd >= 0) Libc.close(memfd);
        arena.close();
    }
}
