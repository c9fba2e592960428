package dev.fusebench.loadgen;

import dev.fusebench.sys.FdSender;
import dev.fusebench.sys.Flags;
import dev.fusebench.sys.Libc;
import dev.fusebench.vhostuser.Message;
import dev.fusebench.vhostuser.UnixSocket;
import dev.fusebench.wire.LibcStructs.Pollfd;
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
 * (EVENT_IDX unless turned off, indirect descriptors), and then behaves like Linux's virtio ring
 * driver (kick only when the device asked for it, ask for an interrupt only when waiting). Works
 * with any vhost-user-fs backend, so the Java daemon and the peers get the same requests. The load
 * generator drives it; the daemon's tests build on it with raw control of descriptors and rings.
 */
public final class VhostUserFrontend implements AutoCloseable {
    public static final long GPA = 0x1_0000_0000L;
    public static final int HIPRIO_QUEUE = 0, REQUEST_QUEUE = 1, QUEUES = 2;
    /** Rings live in the first MiB: queue q at q * 64 KiB. */
    private static final long RING_AREA = 1 << 20;
    private static final long F_WANTED = Message.F_VERSION_1 | Message.F_INDIRECT_DESC | Message.F_EVENT_IDX
            | Message.F_PROTOCOL_FEATURES;

    private final Arena arena = Arena.ofShared();
    public final int queueSize;
    public final long memSize;
    /** All of guest memory, guest-physical GPA at offset 0. */
    public MemorySegment mem;
    private long memAddr = -1;
    private final int sock;
    private final boolean eventIdx;
    private boolean replyAck;
    private int memfd = -1;
    private final int[] kick = {-1, -1}, call = {-1, -1};
    private final MemorySegment msg = arena.allocate(4096, 8);
    private final MemorySegment eight = arena.allocate(8, 8);
    private final MemorySegment pollFd = arena.allocate(Pollfd.LAYOUT);
    private final MemorySegment[] descs = new MemorySegment[QUEUES], avails = new MemorySegment[QUEUES], useds = new MemorySegment[QUEUES];
    private final FdSender sender = new FdSender(arena);
    // each queue's driver state (shadow copies)
    private final int[] availIdx = new int[QUEUES], kickedAt = new int[QUEUES], usedSeen = new int[QUEUES];
    /** The length of the used element {@link #nextUsed} took last. */
    public int lastUsedLength;
    /** Kicks sent and waits for an interrupt, as a guest would count them. */
    public long kicks, waits;

    /** Connects to a daemon's socket and completes the handshake; {@code dataBytes} of memory follow the ring area. */
    public static VhostUserFrontend connect(Path socket, int queueSize, long dataBytes) throws IOException {
        return new VhostUserFrontend(UnixSocket.connect(socket, 5_000_000_000L), queueSize, dataBytes, true);
    }

    public VhostUserFrontend(int connectedSocket, int queueSize, long dataBytes) throws IOException {
        this(connectedSocket, queueSize, dataBytes, true);
    }

    /** Takes over a connected socket (closed with the frontend) and completes the handshake. */
    public VhostUserFrontend(int connectedSocket, int queueSize, long dataBytes, boolean eventIdx) throws IOException {
        if (Integer.bitCount(queueSize) != 1 || queueSize > 1024) throw new IllegalArgumentException("queue size must be a power of two up to 1024");
        this.queueSize = queueSize;
        this.eventIdx = eventIdx;
        this.memSize = (RING_AREA + dataBytes + (2 << 20) - 1) & ~((2L << 20) - 1);
        this.sock = connectedSocket;
        try {
            memfd = Libc.memfdCreate(arena.allocateFrom("fusebench-guest"), Flags.MFD_CLOEXEC);
            if (memfd < 0 || Libc.ftruncate(memfd, memSize) < 0) throw new IOException("memfd of " + memSize + " bytes failed");
            long addr = Libc.mmap(memSize, Flags.PROT_READ | Flags.PROT_WRITE, Flags.MAP_SHARED, memfd, 0);
            if (addr < 0) throw new IOException("mmap: " + Libc.strerror((int) addr));
            memAddr = addr;
            mem = MemorySegment.ofAddress(memAddr).reinterpret(memSize);
            for (int q = 0; q < QUEUES; q++) {
                descs[q] = mem.asSlice(ringBase(q), Desc.tableBytes(queueSize));
                avails[q] = mem.asSlice(availOff(q), Avail.bytes(queueSize));
                useds[q] = mem.asSlice(usedOff(q), Used.bytes(queueSize));
            }
            handshake();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** First guest-physical address free for buffers. */
    public static long dataStart() { return GPA + RING_AREA; }

    /** Guest memory at guest-physical [gpa, gpa+len). */
    public MemorySegment at(long gpa, long len) { return mem.asSlice(gpa - GPA, len); }

    // ---- vhost-user messages -----------------------------------------------------------------

    /**
     * Sends a message with its payload and up to one fd; with {@code needReply} (REPLY_ACK)
     * waits for the status and returns it (0: done).
     */
    public long send(int request, MemorySegment payload, long length, boolean needReply, int fd) throws IOException {
        Header.write(msg, request, Message.VERSION | (needReply ? Message.FLAG_NEED_REPLY : 0), (int) length);
        if (length > 0) MemorySegment.copy(payload, 0, msg, Header.SIZE, length);
        long n = fd >= 0 ? sender.send(sock, msg, Header.SIZE + length, Flags.MSG_NOSIGNAL, fd)
                : sender.send(sock, msg, Header.SIZE + length, Flags.MSG_NOSIGNAL);
        if (n != Header.SIZE + length) throw new IOException("vhost-user message " + request + ": the daemon closed the connection");
        return needReply ? replyU64(request) : 0;
    }

    /** Sends a message; with REPLY_ACK negotiated, waits for the daemon's status and fails unless it is 0. */
    private void sendChecked(int request, MemorySegment payload, long length, int fd) throws IOException {
        long status = send(request, payload, length, replyAck, fd);
        if (status != 0) throw new IOException("the daemon refused vhost-user message " + request + " (status " + status + ")");
    }

    /** Reads a reply carrying a u64 (GET_* and REPLY_ACK). */
    private long replyU64(int request) throws IOException {
        long n = 0;
        while (n < Header.SIZE + U64.SIZE) {
            long r = Libc.read(sock, msg.asSlice(n), Header.SIZE + U64.SIZE - n);
            if (r <= 0) throw new IOException("the daemon closed the connection");
            n += r;
        }
        if (Header.request(msg) != request) throw new IOException("reply to message " + Header.request(msg) + ", expected " + request);
        if ((Header.flags(msg) & Message.FLAG_REPLY) == 0) throw new IOException("reply to message " + request + " without the REPLY flag");
        return U64.value(msg, Header.SIZE);
    }

    private long ask(int request) throws IOException {
        send(request, MemorySegment.NULL, 0, false, -1);
        return replyU64(request);
    }

    private MemorySegment u64(long v) {
        MemorySegment s = arena.allocate(U64.LAYOUT);
        U64.value(s, 0, v);
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
        replyAck = (proto & Message.PROTOCOL_REPLY_ACK) != 0;
        send(Message.SET_PROTOCOL_FEATURES, u64(proto & (Message.PROTOCOL_MQ | Message.PROTOCOL_REPLY_ACK)), U64.SIZE, false, -1);
        if ((proto & Message.PROTOCOL_MQ) != 0) ask(Message.GET_QUEUE_NUM);
        sendChecked(Message.SET_OWNER, MemorySegment.NULL, 0, -1);
        sendChecked(Message.SET_FEATURES, u64(eventIdx ? F_WANTED : F_WANTED & ~Message.F_EVENT_IDX), U64.SIZE, -1);
        MemorySegment table = arena.allocate(MemTable.bytes(1), 8);
        MemTable.writeHeader(table, 0, 1);
        MemTable.writeRegion(table, 0, 0, GPA, memSize, memAddr, 0);
        sendChecked(Message.SET_MEM_TABLE, table, MemTable.bytes(1), memfd);
        for (int q = 0; q < QUEUES; q++) {
            kick[q] = Libc.eventfd(0, Flags.EFD_CLOEXEC);
            call[q] = Libc.eventfd(0, Flags.EFD_CLOEXEC | Flags.EFD_NONBLOCK);
            if (kick[q] < 0 || call[q] < 0) throw new IOException("eventfd failed");
            sendChecked(Message.SET_VRING_NUM, state(q, queueSize), VringState.SIZE, -1);
            sendChecked(Message.SET_VRING_BASE, state(q, 0), VringState.SIZE, -1);
            MemorySegment a = arena.allocate(VringAddr.LAYOUT);
            VringAddr.write(a, 0, q, memAddr + ringBase(q), memAddr + usedOff(q), memAddr + availOff(q));
            sendChecked(Message.SET_VRING_ADDR, a, VringAddr.SIZE, -1);
            sendChecked(Message.SET_VRING_KICK, u64(q), U64.SIZE, kick[q]);
            sendChecked(Message.SET_VRING_CALL, u64(q), U64.SIZE, call[q]);
            sendChecked(Message.SET_VRING_ENABLE, state(q, 1), VringState.SIZE, -1);
        }
    }

    /**
     * Gives queue q new kick and call eventfds (SET_VRING_CALL, SET_VRING_KICK, each acked), used
     * from now on; returns the old {kick, call}, still open on our side.
     */
    public int[] replaceKickAndCall(int q) throws IOException {
        int[] old = {kick[q], call[q]};
        int newCall = Libc.eventfd(0, Flags.EFD_CLOEXEC | Flags.EFD_NONBLOCK);
        int newKick = Libc.eventfd(0, Flags.EFD_CLOEXEC);
        if (newCall < 0 || newKick < 0) throw new IOException("eventfd failed");
        sendChecked(Message.SET_VRING_CALL, u64(q), U64.SIZE, newCall);
        call[q] = newCall;
        kick[q] = newKick;
        sendChecked(Message.SET_VRING_KICK, u64(q), U64.SIZE, newKick);
        return old;
    }

    /** The frontend's end of queue q's call eventfd (non-blocking). */
    public int callFd(int q) { return call[q]; }

    // ---- the rings, driver side --------------------------------------------------------------

    /** Writes ring descriptor {@code index} of queue q. */
    public void writeDesc(int q, int index, long addr, int len, int flags, int next) {
        Desc.write(descs[q], (long) Desc.SIZE * index, addr, len, flags, next);
    }

    /** Writes ring descriptor {@code head} of the request queue to point at an indirect table. */
    void indirectHead(int head, long tableGpa, int descriptors) {
        writeDesc(REQUEST_QUEUE, head, tableGpa, Desc.SIZE * descriptors, Desc.F_INDIRECT, 0);
    }

    /** Makes {@code head} available on queue q (not yet visible to the device: see {@link #publish}). */
    public void make(int q, int head) {
        Avail.ring(avails[q], availIdx[q] % queueSize, head);
        availIdx[q] = (availIdx[q] + 1) & 0xffff;
    }

    void make(int head) { make(REQUEST_QUEUE, head); }

    /** Moves queue q's avail index by {@code delta} without filling entries (hostile tests). */
    public void skipAvail(int q, int delta) { availIdx[q] = (availIdx[q] + delta) & 0xffff; }

    /** Publishes queue q's avail index (release). */
    public void publish(int q) {
        VarHandle.releaseFence();
        Avail.idx(avails[q], availIdx[q]);
        VarHandle.fullFence();
    }

    /** Kicks queue q unconditionally. */
    public void kick(int q) {
        kicks++;
        eight.set(JAVA_LONG_UNALIGNED, 0, 1);
        Libc.write(kick[q], eight, 8);
    }

    /** Publishes the request queue and kicks when the device's avail_event asks for it (vring_need_event). */
    void flush() {
        int q = REQUEST_QUEUE;
        publish(q);
        int old = kickedAt[q];
        kickedAt[q] = availIdx[q];
        if (!eventIdx) {
            kick(q);
            return;
        }
        int event = Used.availEvent(useds[q], queueSize);
        if (((availIdx[q] - event - 1) & 0xffff) < ((availIdx[q] - old) & 0xffff)) kick(q);
    }

    /** Takes queue q's next used element: its id (its length in {@link #lastUsedLength}), or -1 when there is none yet. */
    public int nextUsed(int q) {
        int idx = Used.idx(useds[q]);
        if (idx == usedSeen[q]) return -1;
        VarHandle.acquireFence();
        int id = Used.id(useds[q], usedSeen[q] % queueSize);
        lastUsedLength = Used.len(useds[q], usedSeen[q] % queueSize);
        usedSeen[q] = (usedSeen[q] + 1) & 0xffff;
        return id;
    }

    int nextUsed() { return nextUsed(REQUEST_QUEUE); }

    /**
     * Asks for an interrupt at the next used entry of the request queue and sleeps until it comes
     * (or {@code timeoutMs} passes; returns false then). Re-checks after asking, as Linux's
     * virtqueue_enable_cb does.
     */
    boolean awaitUsed(int timeoutMs) {
        int q = REQUEST_QUEUE;
        if (eventIdx) Avail.usedEvent(avails[q], queueSize, usedSeen[q]);
        VarHandle.fullFence();
        if (Used.idx(useds[q]) != usedSeen[q]) return true;
        waits++;
        Pollfd.write(pollFd, 0, call[q], Flags.POLLIN);
        int r = Libc.poll(pollFd, 1, timeoutMs);
        if (r > 0) Libc.read(call[q], eight, 8);
        return r > 0 || Used.idx(useds[q]) != usedSeen[q];
    }

    @Override
    public void close() {
        Libc.close(sock); // the daemon sees the frontend go and exits
        for (int q = 0; q < QUEUES; q++) { if (kick[q] >= 0) Libc.close(kick[q]); if (call[q] >= 0) Libc.close(call[q]); }
        if (memAddr >= 0) Libc.munmap(memAddr, memSize);
        if (memfd >= 0) Libc.close(memfd);
        arena.close();
    }
}
