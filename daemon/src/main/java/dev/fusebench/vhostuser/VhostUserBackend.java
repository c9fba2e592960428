package dev.fusebench.vhostuser;

import dev.fusebench.fuse.FuseServer;
import dev.fusebench.sys.Flags;
import dev.fusebench.sys.Libc;
import dev.fusebench.virtqueue.GuestMemory;
import dev.fusebench.virtqueue.SharedRegions;
import dev.fusebench.virtqueue.SplitQueue;
import dev.fusebench.wire.VhostUserMsg.Header;
import dev.fusebench.wire.VhostUserMsg.MemTable;
import dev.fusebench.wire.VhostUserMsg.U64;
import dev.fusebench.wire.VhostUserMsg.VringAddr;
import dev.fusebench.wire.VhostUserMsg.VringFd;
import dev.fusebench.wire.VhostUserMsg.VringState;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.logging.Logger;


/**
 * A vhost-user virtio-fs device backend: takes one frontend connection (QEMU's
 * vhost-user-fs-pci), answers its messages, maps the guest memory it shares and runs one
 * {@link QueueWorker} per started virtqueue. Queue 0 is the high-priority queue (FORGET,
 * INTERRUPT), queues 1.. carry requests. Serving ends when the frontend disconnects.
 */
public final class VhostUserBackend implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(VhostUserBackend.class.getName());
    public static final int MAX_QUEUES = 9;
    /** Mappings stay until the connection ends (workers may still use an old table): bound them. */
    static final long FEATURES = Message.F_VERSION_1 | Message.F_INDIRECT_DESC | Message.F_EVENT_IDX | Message.F_PROTOCOL_FEATURES
            | Message.F_ACCESS_PLATFORM;
    static final long PROTOCOL_FEATURES = Message.PROTOCOL_MQ | Message.PROTOCOL_REPLY_ACK | Message.PROTOCOL_BACKEND_REQ;

    private final FuseServer server;
    private final int argsBufferSize;
    private final Arena arena = Arena.ofShared();
    /** The frontend's messages, and the buffer replies are built in; set when serving starts. */
    private MessageChannel in;
    private MemorySegment msg;

    private int conn = -1;
    private int backendReqFd = -1;
    private long ackedFeatures;
    private long ackedProtocol;
    private GuestMemory memory = new GuestMemory(List.of());
    private final SharedRegions mapped = new SharedRegions();
    private final Vring[] rings = new Vring[MAX_QUEUES];
    private volatile boolean closed;

    /** What the frontend told us about one ring, and its worker once started. */
    private static final class Vring {
        int num;
        long descUva, availUva, usedUva;
        int base;
        int kickFd = -1, callFd = -1, errFd = -1;
        boolean enabled;
        QueueWorker worker;
    }

    public VhostUserBackend(FuseServer server) {
        this.server = server;
        this.argsBufferSize = server.requestBufferSize();
        for (int i = 0; i < MAX_QUEUES; i++) rings[i] = new Vring();
    }

    /** Serves one already-connected frontend until it disconnects or {@link #close} is called. */
    public void serve(int connection) {
        this.conn = connection;
        this.in = new MessageChannel(arena, connection);
        this.msg = in.msg;
        server.stats().facts().transport = "vhost-user";
        while (!closed) {
            int request = receive();
            try {
                if (request < 0) break;
                handle(request);
            } catch (RuntimeException e) {
                LOG.warning("vhost-user message " + request + " failed: " + e.getMessage());
                if (needsReply()) ack(1);
            } finally {
                in.closeFds(); // fds the message brought and nothing took, also those of a message cut short
            }
        }
        stopAll();
    }

    private int flags() { return Header.flags(msg); }

    private int size() { return Header.size(msg); }

    private boolean needsReply() { return (flags() & Message.FLAG_NEED_REPLY) != 0 && (ackedProtocol & Message.PROTOCOL_REPLY_ACK) != 0; }

    /** Takes a received fd out of the message, so it is not closed after handling. */
    private int takeFd(int i) {
        if (i >= in.nfds) return -1;
        int fd = in.fds[i];
        in.fds[i] = -1;
        return fd;
    }

    /** Reads one message (header, fds, payload); returns its request type or -1 when the connection ended. */
    private int receive() {
        if (in.receive()) return in.request();
        if (in.malformed != null) LOG.warning("vhost-user " + in.malformed + ": closing the connection");
        return -1;
    }

    private void reply(int request, int size) {
        Header.write(msg, request, Message.VERSION | Message.FLAG_REPLY, size);
        long r = Libc.write(conn, msg, Header.SIZE + size);
        if (r < 0) LOG.warning("vhost-user reply: " + Libc.strerror((int) r));
    }

    private void replyU64(int request, long value) {
        U64.value(msg, Header.SIZE, value);
        reply(request, U64.SIZE);
    }

    /** REPLY_ACK: 0 for success. */
    private void ack(long status) { replyU64(Header.request(msg), status); }

    /** Refuses a message whose payload is shorter than its fields (the buffer holds stale bytes past it). */
    private void need(int bytes) {
        if (size() < bytes) throw new IllegalArgumentException("payload of " + size() + " bytes, at least " + bytes + " needed");
    }

    private void handle(int request) {
        boolean acked = false;
        long p = Header.SIZE;
        switch (request) {
            case Message.SET_FEATURES, Message.SET_PROTOCOL_FEATURES, Message.SET_VRING_KICK, Message.SET_VRING_CALL,
                 Message.SET_VRING_ERR -> need(U64.SIZE);
            case Message.SET_VRING_NUM, Message.SET_VRING_BASE, Message.GET_VRING_BASE, Message.SET_VRING_ENABLE -> need(VringState.SIZE);
            case Message.SET_VRING_ADDR -> need(VringAddr.SIZE);
            case Message.SET_MEM_TABLE -> need(MemTable.HEADER_SIZE);
            default -> { }
        }
        switch (request) {
            case Message.GET_FEATURES -> { replyU64(request, FEATURES); acked = true; }
            case Message.SET_FEATURES -> ackedFeatures = U64.value(msg, p) & FEATURES;
            case Message.SET_OWNER, Message.RESET_OWNER -> { }
            case Message.GET_PROTOCOL_FEATURES -> { replyU64(request, PROTOCOL_FEATURES); acked = true; }
            case Message.SET_PROTOCOL_FEATURES -> ackedProtocol = U64.value(msg, p) & PROTOCOL_FEATURES;
            case Message.GET_QUEUE_NUM -> { replyU64(request, MAX_QUEUES); acked = true; }
            case Message.SET_MEM_TABLE -> setMemTable(p);
            case Message.SET_VRING_NUM -> {
                Vring v = ring(VringState.index(msg, p));
                int num = VringState.num(msg, p);
                if (num <= 0 || num > 32768 || Integer.bitCount(num) != 1) throw new IllegalArgumentException("bad ring size " + num);
                v.num = num;
            }
            case Message.SET_VRING_ADDR -> {
                Vring v = ring(VringAddr.index(msg, p));
                v.descUva = VringAddr.desc(msg, p);
                v.usedUva = VringAddr.used(msg, p);
                v.availUva = VringAddr.avail(msg, p);
            }
            case Message.SET_VRING_BASE -> ring(VringState.index(msg, p)).base = VringState.num(msg, p) & 0xffff;
            case Message.GET_VRING_BASE -> {
                int index = VringState.index(msg, p);
                Vring v = ring(index);
                int base = v.base;
                if (v.worker != null) base = stopWorker(v);
                v.base = base;
                v.enabled = false;
                closeFd(v.kickFd);
                v.kickFd = -1;
                VringState.write(msg, p, index, base);
                reply(request, VringState.SIZE);
                acked = true;
            }
            case Message.SET_VRING_KICK, Message.SET_VRING_CALL, Message.SET_VRING_ERR -> {
                long u = U64.value(msg, p);
                Vring v = ring(VringFd.index(u));
                int fd = VringFd.noFd(u) ? -1 : takeFd(0);
                // a running ring's worker owns its fds: it swaps and closes them itself
                if (request == Message.SET_VRING_KICK) {
                    if (v.worker != null) v.worker.swapKickFd(fd);
                    else closeFd(v.kickFd);
                    v.kickFd = fd;
                    startIfReady(VringFd.index(u));
                } else if (request == Message.SET_VRING_CALL) {
                    if (v.worker != null) v.worker.swapCallFd(fd);
                    else closeFd(v.callFd);
                    v.callFd = fd;
                } else {
                    closeFd(v.errFd);
                    v.errFd = fd;
                }
            }
            case Message.SET_BACKEND_REQ_FD -> {
                int fd = takeFd(0);
                if (fd < 0) throw new IllegalArgumentException("SET_BACKEND_REQ_FD without an fd");
                closeFd(backendReqFd);
                backendReqFd = fd; // kept (the frontend expects it open), never written
            }
            case Message.SET_VRING_ENABLE -> {
                Vring v = ring(VringState.index(msg, p));
                v.enabled = VringState.num(msg, p) != 0;
                if (v.worker != null) v.worker.setEnabled(v.enabled);
            }
            default -> {
                LOG.fine("unhandled vhost-user message " + request);
                if (needsReply()) { ack(1); return; }
            }
        }
        if (!acked && needsReply()) ack(0);
    }

    private Vring ring(int index) {
        if (index < 0 || index >= MAX_QUEUES) throw new IllegalArgumentException("no queue " + index);
        return rings[index];
    }

    private void setMemTable(long p) {
        List<GuestMemory.Region> regions = mapped.mapTable(msg, p, size(), in.fds, in.nfds);
        // Workers started later see the new table; mappings stay until close, so none is used after unmap.
        memory = new GuestMemory(regions);
        server.stats().facts().guestMemoryRegions = regions.size();
    }

    private void startIfReady(int index) {
        Vring v = rings[index];
        if (v.worker != null || v.kickFd < 0 || v.num == 0) return;
        MemorySegment desc = memory.sliceFrontend(v.descUva, SplitQueue.descBytes(v.num));
        MemorySegment avail = memory.sliceFrontend(v.availUva, SplitQueue.availBytes(v.num));
        MemorySegment used = memory.sliceFrontend(v.usedUva, SplitQueue.usedBytes(v.num));
        if (desc == null || avail == null || used == null) {
            throw new IllegalArgumentException("queue " + index + " rings lie outside guest memory");
        }
        boolean eventIdx = (ackedFeatures & Message.F_EVENT_IDX) != 0;
        SplitQueue q = new SplitQueue(memory, v.num, desc, avail, used, eventIdx, v.base);
        // Without protocol features a ring is enabled as soon as it starts; with them, SET_VRING_ENABLE decides.
        boolean enabled = (ackedFeatures & Message.F_PROTOCOL_FEATURES) == 0 || v.enabled;
        v.worker = new QueueWorker(index, q, server, v.kickFd, v.callFd, enabled, argsBufferSize);
        v.worker.start();
        server.stats().facts().queuesStarted = countStarted();
        server.stats().facts().queueSize = v.num;
    }

    private int countStarted() {
        int c = 0;
        for (Vring v : rings) if (v.worker != null) c++;
        return c;
    }

    private static void closeFd(int fd) { if (fd >= 0) Libc.close(fd); }

    /** Stops a ring's worker; its kick and call fds are the ring's again. Returns the next avail index. */
    private static int stopWorker(Vring v) {
        int base = v.worker.stop();
        v.kickFd = v.worker.kickFd();
        v.callFd = v.worker.callFd();
        v.worker = null;
        return base;
    }

    private void stopAll() {
        for (Vring v : rings) {
            if (v.worker != null) stopWorker(v);
            closeFd(v.kickFd);
            closeFd(v.callFd);
            closeFd(v.errFd);
            v.kickFd = v.callFd = v.errFd = -1;
        }
    }

    /** Ends serving: wakes the message loop (shutdown of the connection) and stops the workers. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (conn >= 0) Libc.shutdown(conn, Flags.SHUT_RDWR);
    }

    /** Releases mappings and the connection after {@link #serve} returned. */
    public void release() {
        stopAll();
        mapped.unmapAll();
        if (conn >= 0) { Libc.close(conn); conn = -1; }
        closeFd(backendReqFd);
        backendReqFd = -1;
        arena.close();
    }
}
