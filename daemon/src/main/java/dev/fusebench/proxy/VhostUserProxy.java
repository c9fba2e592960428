package dev.fusebench.proxy;

import dev.fusebench.sys.FdSender;
import dev.fusebench.sys.Flags;
import dev.fusebench.sys.Libc;
import dev.fusebench.sys.LibcThread;
import dev.fusebench.vhostuser.Message;
import dev.fusebench.vhostuser.MessageChannel;
import dev.fusebench.wire.VhostUserMsg.Header;
import dev.fusebench.wire.VhostUserMsg.U64;
import dev.fusebench.wire.VhostUserMsg.VringFd;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static dev.fusebench.proxy.GuestView.MAX_QUEUES;

/**
 * A vhost-user proxy between a frontend (QEMU) and a daemon we cannot rebuild, so that the daemon
 * negotiates as a variant says. This part forwards: it pumps every message and descriptor both ways,
 * notes the guest's memory and rings ({@link GuestView}), and until the daemon has answered FUSE_INIT
 * gives the daemon an eventfd of ours for each request queue's call fd (observing, for its kick fd
 * too). The {@link SignalRelay} passes the signals on, after the {@link InitRewriter} has rewritten the
 * INIT reply and the {@link RingObserver} has counted the requests; then the daemon gets the real
 * call fds and the proxy steps out of the data path (observing, it stays on it).
 */
public final class VhostUserProxy implements AutoCloseable {
    private final int front, back;
    private final boolean observe;
    private final Arena arena = Arena.ofShared();
    private final Object backLock = new Object();
    private final GuestView guest = new GuestView();
    private final InitRewriter rewriter;
    private final RingObserver observer;
    private final SignalRelay relay;
    private final FdSender sender;
    private final MemorySegment handOverMsg;
    private final Thread toBack, toFront, watcher;
    /** CPU time of the proxy's threads that have ended. */
    private final AtomicLong endedCpuNanos = new AtomicLong();
    private volatile boolean closed;
    private volatile String broken;

    /** Starts proxying between two connected sockets (both closed with the proxy). */
    public VhostUserProxy(int frontendSocket, int daemonSocket, Restriction restriction, boolean observe) {
        this.front = frontendSocket;
        this.back = daemonSocket;
        this.observe = observe;
        this.rewriter = new InitRewriter(arena, restriction);
        this.observer = new RingObserver(arena);
        this.sender = new FdSender(arena);
        this.handOverMsg = arena.allocate(Header.SIZE + U64.SIZE, 8);
        this.relay = new SignalRelay(arena, guest, rewriter, observer, observe, this::giveCallFd);
        toBack = new LibcThread(timed(this::frontendToDaemon), "proxy-to-daemon");
        toFront = new LibcThread(timed(this::daemonToFrontend), "proxy-to-frontend");
        watcher = new LibcThread(timed(relay), "proxy-init-watch");
        for (Thread t : List.of(toBack, toFront, watcher)) { t.setDaemon(true); t.start(); }
    }

    private Runnable timed(Runnable body) {
        return () -> {
            try {
                body.run();
            } finally {
                endedCpuNanos.addAndGet(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
            }
        };
    }

    /** CPU time the proxy's threads have used so far (its cost: forwarding, and under observe the kick path). */
    public long cpuNanos() {
        var mx = ManagementFactory.getThreadMXBean();
        long sum = endedCpuNanos.get();
        for (Thread t : List.of(toBack, toFront, watcher)) {
            long c = t.isAlive() ? mx.getThreadCpuTime(t.threadId()) : -1;
            if (c > 0) sum += c;
        }
        return sum;
    }

    /** What became of the daemon's INIT reply. */
    public InitRewriter rewriter() { return rewriter; }

    /** Request sizes seen on the avail rings (observe mode; empty otherwise). */
    public Observed observed() { return observer.observed(); }

    /** Why the proxy ended the connection itself (a malformed message from either side) or failed to read INIT, or null. */
    public String broken() { return broken != null ? broken : relay.failure(); }

    /** Whether the proxy has left the data path (the daemon holds the real call fds). */
    public boolean steppedOut() { return relay.steppedOut(); }

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
                guest.note(c, c.receivedFds());
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

    /**
     * The descriptors to forward with a frontend message: a request queue's call fd (until INIT is
     * answered) and, observing, its kick fd are kept, and the daemon gets an eventfd of ours instead.
     * Queue 0 carries FORGET and INTERRUPT, never INIT.
     */
    private int[] intercept(MessageChannel c) {
        int[] fds = c.receivedFds();
        int request = c.request();
        if (request != Message.SET_VRING_KICK && request != Message.SET_VRING_CALL) return fds;
        long u = U64.value(c.msg, Header.SIZE);
        int q = VringFd.index(u);
        if (q < 1 || q >= MAX_QUEUES || VringFd.noFd(u) || fds.length != 1) return fds;
        ProxyRing r = guest.ring(q);
        if (request == Message.SET_VRING_KICK) {
            if (!observe) return fds;
            // observe: the guest's kick comes to us; we count what is new on the avail ring, then kick the daemon
            if (r.realKick >= 0) Libc.close(r.realKick);
            r.realKick = fds[0];
            c.fds[0] = -1;
            if (r.proxyKick < 0) r.proxyKick = Libc.eventfd(0, Flags.EFD_CLOEXEC);
            relay.wake();
            return new int[]{r.proxyKick};
        }
        if (relay.steppedOut()) return fds;
        if (r.realCall >= 0) Libc.close(r.realCall);
        r.realCall = fds[0];
        c.fds[0] = -1; // kept: the guest's interrupt
        if (r.proxyCall < 0) r.proxyCall = Libc.eventfd(0, Flags.EFD_CLOEXEC | Flags.EFD_NONBLOCK);
        relay.wake();
        return new int[]{r.proxyCall};
    }

    /** The relay's hand-over: the guest's call fd for queue {@code q}, in a SET_VRING_CALL of the proxy's own. */
    private void giveCallFd(int q, int callFd) {
        Header.write(handOverMsg, Message.SET_VRING_CALL, Message.VERSION, U64.SIZE);
        U64.value(handOverMsg, Header.SIZE, q);
        synchronized (backLock) { sender.send(back, handOverMsg, Header.SIZE + U64.SIZE, Flags.MSG_NOSIGNAL, callFd); }
    }

    private void shutdown() {
        Libc.shutdown(front, Flags.SHUT_RDWR);
        Libc.shutdown(back, Flags.SHUT_RDWR);
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        shutdown();
        relay.stop();
        toBack.join();
        toFront.join();
        watcher.join();
        relay.close();
        guest.unmapAll();
        Libc.close(front);
        Libc.close(back);
        arena.close();
    }
}
