package dev.fusebench.proxy;

import dev.fusebench.fuse.InitOut;
import dev.fusebench.fuse.Opcode;
import dev.fusebench.stats.JobMarks;
import dev.fusebench.sys.Errno;
import dev.fusebench.sys.FdSender;
import dev.fusebench.sys.Flags;
import dev.fusebench.sys.Libc;
import dev.fusebench.sys.LibcThread;
import dev.fusebench.vhostuser.Message;
import dev.fusebench.vhostuser.MessageChannel;
import dev.fusebench.virtqueue.DescriptorChain;
import dev.fusebench.virtqueue.GuestMemory;
import dev.fusebench.virtqueue.Scatter;
import dev.fusebench.virtqueue.SplitQueue;
import dev.fusebench.wire.FuseIn;
import dev.fusebench.wire.FuseOut;
import dev.fusebench.wire.LibcStructs.Pollfd;
import dev.fusebench.wire.VhostUserMsg.Header;
import dev.fusebench.wire.VhostUserMsg.MemRegionMsg;
import dev.fusebench.wire.VhostUserMsg.MemTable;
import dev.fusebench.wire.VhostUserMsg.U64;
import dev.fusebench.wire.VhostUserMsg.VringAddr;
import dev.fusebench.wire.VhostUserMsg.VringState;
import dev.fusebench.wire.VirtioRing.Used;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A vhost-user proxy between a frontend (QEMU) and a daemon we cannot rebuild, so that the daemon
 * negotiates as a variant says. It forwards every message and descriptor both ways and maps the
 * guest memory it forwards; until the daemon has answered FUSE_INIT it gives the daemon its own
 * eventfd for each request queue's call fd, and when the daemon signals it reads the used ring,
 * rewrites the INIT reply in guest memory (restrictions only: {@link Restriction}) and then signals
 * the guest. After that INIT it hands the daemon the real call fds and steps out of the data path.
 * A refused rewrite answers INIT with EPROTO: the guest's mount fails, and {@link #refusal} says why.
 * Observing ({@code observe}), it stays on the kick and call paths instead and counts the requests
 * on the avail rings by opcode and size, cut into phases at job marks ({@link Observed}).
 */
public final class VhostUserProxy implements AutoCloseable {
    static final int MAX_QUEUES = 16;
    /** After handing over the call fds, signals that raced in on ours are still passed on for this long. */
    static final long GRACE_NANOS = 2_000_000_000L;

    private final int front, back;
    private final Restriction restriction;
    private final Arena arena = Arena.ofShared();
    private final Object backLock = new Object();
    private final dev.fusebench.virtqueue.SharedRegions mapped = new dev.fusebench.virtqueue.SharedRegions();
    private volatile GuestMemory memory = new GuestMemory(List.of());
    /** The regions as the frontend has shared them so far (only the frontend-to-daemon thread changes them). */
    private final List<GuestMemory.Region> regions = new ArrayList<>();
    private final Ring[] rings = new Ring[MAX_QUEUES];
    private final int controlFd;
    private final Thread toBack, toFront, watcher;
    private volatile boolean closed;
    private volatile long handedOverAt;
    /** The daemon has answered FUSE_INIT (the reply is rewritten, or refused). */
    private volatile boolean initAnswered;
    private volatile InitOut daemonReply, givenReply;
    private volatile String refusal;
    private volatile String broken;

    private static final class Ring {
        volatile int num;
        volatile long desc, avail, used;
        volatile int realCall = -1, proxyCall = -1;
        volatile int realKick = -1, proxyKick = -1;
        volatile int lastAvail;
        int lastUsed;
    }

    /** How often the observing proxy scans the avail rings besides at kicks. */
    static final int OBSERVE_SCAN_MS = 1;

    /** With {@code observe}, the proxy stays on each request queue's kick and call paths and counts request sizes. */
    private final boolean observe;
    private final Observed observed = new Observed();

    public VhostUserProxy(int frontendSocket, int daemonSocket, Restriction restriction) {
        this(frontendSocket, daemonSocket, restriction, false);
    }

    /** Starts proxying between two connected sockets (both closed with the proxy). */
    public VhostUserProxy(int frontendSocket, int daemonSocket, Restriction restriction, boolean observe) {
        this.front = frontendSocket;
        this.back = daemonSocket;
        this.restriction = restriction;
        this.observe = observe;
        for (int i = 0; i < MAX_QUEUES; i++) rings[i] = new Ring();
        controlFd = Libc.eventfd(0, Flags.EFD_CLOEXEC | Flags.EFD_NONBLOCK);
        if (controlFd < 0) throw new IllegalStateException("eventfd: " + Libc.strerror(controlFd));
        toBack = new LibcThread(timed(this::frontendToDaemon), "proxy-to-daemon");
        toFront = new LibcThread(timed(this::daemonToFrontend), "proxy-to-frontend");
        watcher = new LibcThread(timed(this::watch), "proxy-init-watch");
        for (Thread t : List.of(toBack, toFront, watcher)) { t.setDaemon(true); t.start(); }
    }

    /** CPU time of the proxy's threads that have ended. */
    private final java.util.concurrent.atomic.AtomicLong endedCpuNanos = new java.util.concurrent.atomic.AtomicLong();

    private Runnable timed(Runnable body) {
        return () -> {
            try {
                body.run();
            } finally {
                endedCpuNanos.addAndGet(java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
            }
        };
    }

    /** CPU time the proxy's threads have used so far (its cost: forwarding, and under observe the kick path). */
    public long cpuNanos() {
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = endedCpuNanos.get();
        for (Thread t : List.of(toBack, toFront, watcher)) {
            long c = t.isAlive() ? mx.getThreadCpuTime(t.threadId()) : -1;
            if (c > 0) sum += c;
        }
        return sum;
    }

    /** The daemon's own INIT reply, once it came. */
    public InitOut daemonReply() { return daemonReply; }

    /** The reply the guest got instead, or null when it was refused (or none came yet). */
    public InitOut givenReply() { return givenReply; }

    /** Why the variant could not be given by rewriting, or null. */
    public String refusal() { return refusal; }

    /** Request sizes seen on the avail rings, per opcode (observe mode; empty otherwise). */
    public java.util.Map<String, java.util.Map<Long, Long>> observedSizes() { return observed.snapshot(); }

    /** Requests the observing proxy could not count (a ring's worth passed between two scans); 0 normally. */
    public long observedMissed() { return observed.missed(); }

    /** Requests it saw but could not read, by reason (the guest had reused their descriptors by then). */
    public java.util.Map<String, Long> observedUnreadable() { return observed.unreadable(); }

    /** The same, per phase between job marks ({@link dev.fusebench.stats.JobMarks}); empty without marks. */
    public java.util.List<Observed.Phase> observedPhases() { return observed.phases(); }

    /** Why the proxy ended the connection itself (a malformed message from either side), or null. */
    public String broken() { return broken; }

    /** Whether the proxy has left the data path (the daemon holds the real call fds). */
    public boolean steppedOut() { return handedOverAt != 0; }

    /** Waits until both directions have ended (either side closed its socket). */
    public void awaitEnd() throws InterruptedException {
        toBack.join();
        toFront.join();
    }

    // ---- messages ----------------------------------------------------------------------------

    private void frontendToDaemon() {
        MessageChannel c = new MessageChannel(arena, front);
        try {
            while (!closed && c.receive()) {
                int[] send = intercept(c);
                boolean ok;
                synchronized (backLock) { ok = c.forward(back, send); }
                c.closeFds();
                if (!ok) break;
            }
            if (c.malformed != null) broken = "the frontend sent a malformed " + c.malformed;
        } catch (RuntimeException e) {
            // a malformed message ends the connection, as a daemon would end it
            broken = "the frontend sent a malformed message " + c.request() + ": " + e.getMessage();
        } finally {
            c.closeFds();
            shutdown();
        }
    }

    private void daemonToFrontend() {
        MessageChannel c = new MessageChannel(arena, back);
        try {
            while (!closed && c.receive()) {
                boolean ok = c.forward(front, c.receivedFds());
                c.closeFds();
                if (!ok) break;
            }
            if (c.malformed != null) broken = "the daemon sent a malformed " + c.malformed;
        } finally {
            c.closeFds();
            shutdown();
        }
    }

    /** Notes what the proxy needs from a frontend message; returns the descriptors to forward with it. */
    private int[] intercept(MessageChannel c) {
        long p = Header.SIZE;
        int[] fds = c.receivedFds();
        switch (c.request()) {
            case Message.SET_MEM_TABLE -> mapMemory(c, fds);
            case Message.ADD_MEM_REG -> addRegion(c, fds);
            case Message.REM_MEM_REG -> {
                if (c.size() >= MemRegionMsg.SIZE) removeRegion(MemRegionMsg.guestPhysAddr(c.msg, p));
            }
            case Message.SET_VRING_NUM -> ring(VringState.index(c.msg, p)).num = VringState.num(c.msg, p);
            case Message.SET_VRING_ADDR -> {
                Ring r = ring(VringAddr.index(c.msg, p));
                r.desc = VringAddr.desc(c.msg, p);
                r.avail = VringAddr.avail(c.msg, p);
                r.used = VringAddr.used(c.msg, p);
            }
            case Message.SET_VRING_BASE -> ring(VringState.index(c.msg, p)).lastAvail = VringState.num(c.msg, p) & 0xffff;
            case Message.SET_VRING_KICK -> {
                long u = U64.value(c.msg, p);
                int q = (int) (u & 0xff);
                // observe: the guest's kick comes to us; we count what is new on the avail ring, then kick the daemon
                if (observe && q >= 1 && q < MAX_QUEUES && (u & 0x100) == 0 && fds.length == 1) {
                    Ring r = rings[q];
                    if (r.realKick >= 0) Libc.close(r.realKick);
                    r.realKick = fds[0];
                    c.fds[0] = -1;
                    if (r.proxyKick < 0) r.proxyKick = Libc.eventfd(0, Flags.EFD_CLOEXEC);
                    wake();
                    return new int[]{r.proxyKick};
                }
            }
            case Message.SET_VRING_CALL -> {
                long u = U64.value(c.msg, p);
                int q = (int) (u & 0xff);
                // request queues only (queue 0 carries FORGET and INTERRUPT, never INIT)
                if (handedOverAt == 0 && q >= 1 && q < MAX_QUEUES && (u & 0x100) == 0 && fds.length == 1) {
                    Ring r = rings[q];
                    if (r.realCall >= 0) Libc.close(r.realCall);
                    r.realCall = fds[0];
                    c.fds[0] = -1; // kept: the guest's interrupt
                    if (r.proxyCall < 0) r.proxyCall = Libc.eventfd(0, Flags.EFD_CLOEXEC | Flags.EFD_NONBLOCK);
                    wake();
                    return new int[]{r.proxyCall};
                }
            }
            default -> { }
        }
        return fds;
    }

    private Ring ring(int index) {
        if (index < 0 || index >= MAX_QUEUES) throw new IllegalArgumentException("no queue " + index);
        return rings[index];
    }

    /** Maps the regions the frontend shares, as the daemon will (the fds go on to it unchanged). */
    private void mapMemory(MessageChannel c, int[] fds) {
        long p = Header.SIZE;
        int n = MemTable.nregions(c.msg, p);
        if (n < 1 || n > MemTable.MAX_REGIONS || n > fds.length || c.size() < MemTable.bytes(n)) return;
        List<GuestMemory.Region> table = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            GuestMemory.Region r = map(fds[i], MemTable.guestPhysAddr(c.msg, p, i), MemTable.memorySize(c.msg, p, i),
                    MemTable.userspaceAddr(c.msg, p, i), MemTable.mmapOffset(c.msg, p, i));
            if (r == null) return;
            table.add(r);
        }
        regions.clear();
        regions.addAll(table);
        memory = new GuestMemory(regions);
    }

    /** ADD_MEM_REG: one more region (QEMU sends these instead of SET_MEM_TABLE to daemons with CONFIGURE_MEM_SLOTS). */
    private void addRegion(MessageChannel c, int[] fds) {
        long p = Header.SIZE;
        if (fds.length < 1 || c.size() < MemRegionMsg.SIZE) return;
        GuestMemory.Region r = map(fds[0], MemRegionMsg.guestPhysAddr(c.msg, p), MemRegionMsg.memorySize(c.msg, p),
                MemRegionMsg.userspaceAddr(c.msg, p), MemRegionMsg.mmapOffset(c.msg, p));
        if (r == null) return;
        regions.add(r);
        memory = new GuestMemory(regions);
    }

    private void removeRegion(long gpa) {
        regions.removeIf(r -> r.guestPhys() == gpa); // the mapping itself stays until close
        memory = new GuestMemory(regions);
    }

    /** A region mapped as the daemon maps it, or null (the daemon refuses it too, and says why). */
    private GuestMemory.Region map(int fd, long gpa, long size, long uva, long offset) {
        try {
            return mapped.map(fd, gpa, size, uva, offset);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    // ---- the INIT reply ----------------------------------------------------------------------

    private void watch() {
        MemorySegment pfds = arena.allocate(Pollfd.LAYOUT, MAX_QUEUES + 1);
        MemorySegment counter = arena.allocate(JAVA_LONG);
        DescriptorChain chain = new DescriptorChain(arena, 1024 + 8);
        MemorySegment header = arena.allocate(FuseIn.Header.SIZE);
        MemorySegment reply = arena.allocate(FuseOut.Header.SIZE + FuseOut.InitOut.SIZE);
        // READ/WRITE arguments, or a LOOKUP's name (a job mark is 32 bytes at most)
        MemorySegment args = arena.allocate(FuseIn.Header.SIZE + Math.max(FuseIn.ReadIn.SIZE, 64));
        int[] queueOf = new int[2 * MAX_QUEUES + 1];
        boolean[] isKick = new boolean[2 * MAX_QUEUES + 1];
        while (!closed) {
            // stepped out (never when observing): after the grace period the proxy's part is done
            if (handedOverAt != 0 && System.nanoTime() - handedOverAt > GRACE_NANOS) break;
            int n = 0;
            Pollfd.write(pfds, n++, controlFd, Flags.POLLIN);
            for (int q = 1; q < MAX_QUEUES; q++) {
                if (rings[q].proxyCall >= 0) {
                    queueOf[n] = q;
                    isKick[n] = false;
                    Pollfd.write(pfds, n++, rings[q].proxyCall, Flags.POLLIN);
                }
                if (rings[q].realKick >= 0) {
                    queueOf[n] = q;
                    isKick[n] = true;
                    Pollfd.write(pfds, n++, rings[q].realKick, Flags.POLLIN);
                }
            }
            // observe: the ring is scanned every millisecond too, not only at kicks. A daemon that keeps
            // finding work polls the ring without asking for kicks (EVENT_IDX), and more than a ring's
            // worth of requests can pass between two kicks: counted at kicks alone, they were lost.
            int timeout = observe ? OBSERVE_SCAN_MS : handedOverAt != 0 ? 100 : -1;
            if (Libc.poll(pfds, n, timeout) < 0) continue;
            if ((Pollfd.revents(pfds, 0) & Flags.POLLIN) != 0) Libc.read(controlFd, counter, 8);
            if (observe) for (int q = 1; q < MAX_QUEUES; q++) if (rings[q].realKick >= 0) scan(rings[q], chain, args);
            for (int i = 1; i < n; i++) {
                if ((Pollfd.revents(pfds, i) & Flags.POLLIN) == 0) continue;
                Ring r = rings[queueOf[i]];
                if (isKick[i]) {
                    Libc.read(r.realKick, counter, 8);
                    scan(r, chain, args);
                    if (r.proxyKick >= 0) signal(r.proxyKick, counter);
                    continue;
                }
                Libc.read(r.proxyCall, counter, 8);
                // the reply is rewritten in guest memory: hand over before the guest hears of it, so a
                // guest that saw INIT complete always finds the proxy out of the call path. Observing,
                // the proxy keeps the call path: the guest frees a request's descriptors once it has
                // seen it completed, so the avail ring is read before each interrupt reaches the guest
                // (requests the guest finds complete without one can still go unread: counted as such)
                if (!initAnswered && inspectSafely(r, chain, header, reply)) {
                    initAnswered = true;
                    if (!observe) handOver();
                }
                if (observe) scan(r, chain, args);
                if (r.realCall >= 0) signal(r.realCall, counter);
            }
        }
        closeCallFds();
        for (Ring r : rings) {
            if (r.realKick >= 0) { Libc.close(r.realKick); r.realKick = -1; }
            if (r.proxyKick >= 0) { Libc.close(r.proxyKick); r.proxyKick = -1; }
        }
    }

    /**
     * Observes a ring; whatever a ring's contents make go wrong is counted, and the watcher goes on
     * relaying kicks and calls (were it to die, the guest would wait for ever).
     */
    private void scan(Ring r, DescriptorChain chain, MemorySegment args) {
        try {
            scanAvail(r, chain, args);
        } catch (RuntimeException e) {
            observed.unreadable("ring scan failed: " + e.getClass().getSimpleName());
        }
    }

    /** {@link #inspect}, a failure recorded as the proxy's error instead of ending the watcher. */
    private boolean inspectSafely(Ring r, DescriptorChain chain, MemorySegment header, MemorySegment reply) {
        try {
            return inspect(r, chain, header, reply);
        } catch (RuntimeException e) {
            if (broken == null) broken = "reading the INIT reply failed: " + e;
            return false;
        }
    }

    /** The daemon holds the guest's call fds now (or the proxy is closing): ours go. */
    private void closeCallFds() {
        for (Ring r : rings) {
            if (r.proxyCall < 0) continue;
            Libc.close(r.proxyCall);
            r.proxyCall = -1;
            if (r.realCall >= 0) { Libc.close(r.realCall); r.realCall = -1; }
        }
    }

    /**
     * Observe: counts the requests made available since the last kick, by opcode and size (READ and
     * WRITE: fuse_read_in/fuse_write_in.size; others: their length). Requests the guest added without
     * a kick are counted at the next one; a descriptor reused by then is counted as its new request.
     */
    private void scanAvail(Ring r, DescriptorChain chain, MemorySegment args) {
        GuestMemory mem = memory;
        int num = r.num;
        if (num <= 0 || mem == null) return;
        MemorySegment desc = mem.sliceFrontend(r.desc, SplitQueue.descBytes(num));
        MemorySegment avail = mem.sliceFrontend(r.avail, SplitQueue.availBytes(num));
        if (desc == null || avail == null) return;
        int idx = dev.fusebench.wire.VirtioRing.Avail.idx(avail);
        VarHandle.acquireFence();
        int added = (idx - r.lastAvail) & 0xffff;
        if (added > num) { // more than a ring's worth since the last scan: their entries are overwritten
            observed.missed(added);
            r.lastAvail = idx;
            return;
        }
        while (r.lastAvail != idx) {
            int head = dev.fusebench.wire.VirtioRing.Avail.ring(avail, r.lastAvail % num);
            r.lastAvail = (r.lastAvail + 1) & 0xffff;
            String bad = chain.walk(mem, desc, num, head);
            if (bad != null) { observed.unreadable(bad); continue; }
            long got = Scatter.gather(mem, chain.readable, 0, args, 0, args.byteSize());
            if (got < FuseIn.Header.SIZE) { observed.unreadable("shorter than a request header"); continue; }
            int opcode = FuseIn.Header.opcode(args, 0);
            long size = (opcode == Opcode.READ || opcode == Opcode.WRITE) && got >= FuseIn.Header.SIZE + FuseIn.ReadIn.SIZE
                    ? FuseIn.ReadIn.size(args, FuseIn.Header.SIZE) : Integer.toUnsignedLong(FuseIn.Header.len(args, 0));
            if (opcode == Opcode.LOOKUP && FuseIn.Header.nodeid(args, 0) == dev.fusebench.fuse.FileSystem.ROOT && got > FuseIn.Header.SIZE) {
                long nul = FuseIn.Header.SIZE;
                while (nul < got && args.get(java.lang.foreign.ValueLayout.JAVA_BYTE, nul) != 0) nul++;
                String mark = JobMarks.label(args, FuseIn.Header.SIZE, nul);
                if (mark != null) observed.mark(mark); // the mark itself counts in the phase it starts, as in the daemon
            }
            observed.add(opcode, size);
        }
    }

    /** Reads the ring's new used entries; rewrites an INIT reply among them. Returns whether INIT was answered. */
    private boolean inspect(Ring r, DescriptorChain chain, MemorySegment header, MemorySegment reply) {
        GuestMemory mem = memory;
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
            if (FuseIn.Header.opcode(header, 0) != Opcode.INIT) continue;
            reply.fill((byte) 0);
            long got = Scatter.gather(mem, chain.writable, 0, reply, 0, reply.byteSize());
            if (got < FuseOut.Header.SIZE) continue;
            int len = FuseOut.Header.len(reply, 0);
            // an error, or the short reply that asks an older kernel to retry with 7.x: nothing to rewrite
            if (FuseOut.Header.error(reply, 0) != 0 || len < FuseOut.Header.SIZE + 24 || FuseOut.InitOut.major(reply, FuseOut.Header.SIZE) != 7) {
                answered |= FuseOut.Header.error(reply, 0) != 0;
                continue;
            }
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
            answered = true;
        }
        return answered;
    }

    /** Gives the daemon the guest's call fds; from now on interrupts go from the daemon to the guest directly. */
    private void handOver() {
        FdSender sender = new FdSender(arena);
        MemorySegment msg = arena.allocate(Header.SIZE + U64.SIZE, 8);
        for (int q = 1; q < MAX_QUEUES; q++) {
            Ring r = rings[q];
            if (r.realCall < 0 || r.proxyCall < 0) continue;
            Header.write(msg, Message.SET_VRING_CALL, Message.VERSION, U64.SIZE);
            U64.value(msg, Header.SIZE, q);
            synchronized (backLock) { sender.send(back, msg, Header.SIZE + U64.SIZE, Flags.MSG_NOSIGNAL, r.realCall); }
        }
        handedOverAt = System.nanoTime();
    }

    private void signal(int fd, MemorySegment scratch) {
        scratch.set(JAVA_LONG, 0, 1);
        Libc.write(fd, scratch, 8);
    }

    private void wake() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment one = a.allocate(JAVA_LONG);
            one.set(JAVA_LONG, 0, 1);
            Libc.write(controlFd, one, 8);
        }
    }

    private void shutdown() {
        Libc.shutdown(front, Flags.SHUT_RDWR);
        Libc.shutdown(back, Flags.SHUT_RDWR);
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        shutdown();
        wake();
        toBack.join();
        toFront.join();
        watcher.join();
        mapped.unmapAll();
        Libc.close(controlFd);
        Libc.close(front);
        Libc.close(back);
        arena.close();
    }
}
