package dev.fusebench.proxy;

import dev.fusebench.sys.EventFd;
import dev.fusebench.sys.Flags;
import dev.fusebench.sys.Libc;
import dev.fusebench.wire.LibcStructs.Pollfd;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.fusebench.proxy.GuestView.MAX_QUEUES;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The proxy's watcher thread: it relays the daemon's calls (on the eventfds the daemon got in place of
 * the guest's) to the guest and, observing, the guest's kicks to the daemon, letting the
 * {@link InitRewriter} and the {@link RingObserver} look at the rings first. Once INIT is answered
 * (and not observing) it hands the daemon the guest's call fds and, after a grace period, ends.
 */
final class SignalRelay implements Runnable {
    /** After handing over the call fds, signals that raced in on ours are still passed on for this long. */
    static final long GRACE_NANOS = 2_000_000_000L;
    /** How often the observing proxy scans the avail rings besides at kicks. */
    static final int OBSERVE_SCAN_MS = 1;

    /** Gives the daemon a queue's call fd (a SET_VRING_CALL of the proxy's own). */
    interface CallFdSender { void send(int queue, int callFd); }

    private final GuestView guest;
    private final InitRewriter rewriter;
    private final RingObserver observer;
    private final boolean observe;
    private final CallFdSender handOver;
    private final MemorySegment pfds, counter;
    private final int controlFd;
    private volatile boolean stopped, initAnswered;
    private volatile long handedOverAt;
    private volatile String failure;

    SignalRelay(Arena arena, GuestView guest, InitRewriter rewriter, RingObserver observer, boolean observe, CallFdSender handOver) {
        this.guest = guest;
        this.rewriter = rewriter;
        this.observer = observer;
        this.observe = observe;
        this.handOver = handOver;
        this.pfds = arena.allocate(Pollfd.LAYOUT, 2 * MAX_QUEUES + 1);
        this.counter = arena.allocate(JAVA_LONG);
        this.controlFd = Libc.eventfd(0, Flags.EFD_CLOEXEC | Flags.EFD_NONBLOCK);
        if (controlFd < 0) throw new IllegalStateException("eventfd: " + Libc.strerror(controlFd));
    }

    /** A ring's fds changed: poll them. */
    void wake() { EventFd.signal(controlFd); }

    /** Ends the thread soon (it closes the fds it holds); {@link #close} after it has ended. */
    void stop() {
        stopped = true;
        wake();
    }

    void close() { Libc.close(controlFd); }

    /** Whether the daemon holds the guest's call fds. */
    boolean steppedOut() { return handedOverAt != 0; }

    /** Why reading the INIT reply failed, or null. */
    String failure() { return failure; }

    @Override
    public void run() {
        int[] queueOf = new int[2 * MAX_QUEUES + 1];
        boolean[] isKick = new boolean[2 * MAX_QUEUES + 1];
        while (!stopped) {
            // stepped out (never when observing): after the grace period the proxy's part is done
            if (handedOverAt != 0 && System.nanoTime() - handedOverAt > GRACE_NANOS) break;
            int n = 0;
            Pollfd.write(pfds, n++, controlFd, Flags.POLLIN);
            for (int q = 1; q < MAX_QUEUES; q++) {
                ProxyRing r = guest.ring(q);
                if (r.proxyCall >= 0) { queueOf[n] = q; isKick[n] = false; Pollfd.write(pfds, n++, r.proxyCall, Flags.POLLIN); }
                if (r.realKick >= 0) { queueOf[n] = q; isKick[n] = true; Pollfd.write(pfds, n++, r.realKick, Flags.POLLIN); }
            }
            // observe: the ring is scanned every millisecond too, not only at kicks. A daemon that keeps
            // finding work polls the ring without asking for kicks (EVENT_IDX), and more than a ring's
            // worth of requests can pass between two kicks: counted at kicks alone, they were lost.
            int timeout = observe ? OBSERVE_SCAN_MS : handedOverAt != 0 ? 100 : -1;
            if (Libc.poll(pfds, n, timeout) < 0) continue;
            if ((Pollfd.revents(pfds, 0) & Flags.POLLIN) != 0) EventFd.drain(controlFd, counter);
            if (observe) for (int q = 1; q < MAX_QUEUES; q++) if (guest.ring(q).realKick >= 0) observer.scan(guest.ring(q), guest.memory());
            for (int i = 1; i < n; i++) if ((Pollfd.revents(pfds, i) & Flags.POLLIN) != 0) relay(guest.ring(queueOf[i]), isKick[i]);
        }
        closeFds();
    }

    /** A guest's kick on to the daemon, or the daemon's call on to the guest, after the observer and rewriter had their look. */
    private void relay(ProxyRing r, boolean kick) {
        if (kick) {
            EventFd.drain(r.realKick, counter);
            observer.scan(r, guest.memory());
            if (r.proxyKick >= 0) EventFd.signal(r.proxyKick, counter);
            return;
        }
        EventFd.drain(r.proxyCall, counter);
        // the reply is rewritten in guest memory: hand over before the guest hears of it, so a guest
        // that saw INIT complete always finds the proxy out of the call path. Observing, the proxy keeps
        // the call path: the guest frees a request's descriptors once it has seen it completed, so the
        // avail ring is read before each interrupt reaches the guest (requests the guest finds complete
        // without one can still go unread: counted as such)
        if (!initAnswered && inspectSafely(r)) {
            initAnswered = true;
            if (!observe) handOver();
        }
        if (observe) observer.scan(r, guest.memory());
        if (r.realCall >= 0) EventFd.signal(r.realCall, counter);
    }

    /** The rewriter's look at the used ring, a failure recorded instead of ending the relay (the guest would wait for ever). */
    private boolean inspectSafely(ProxyRing r) {
        try {
            return rewriter.inspect(r, guest.memory());
        } catch (RuntimeException e) {
            if (failure == null) failure = "reading the INIT reply failed: " + e;
            return false;
        }
    }

    /** Gives the daemon the guest's call fds; from now on interrupts go from the daemon to the guest directly. */
    private void handOver() {
        for (int q = 1; q < MAX_QUEUES; q++) {
            ProxyRing r = guest.ring(q);
            if (r.realCall >= 0 && r.proxyCall >= 0) handOver.send(q, r.realCall);
        }
        handedOverAt = System.nanoTime();
    }

    /** The relay's end: the daemon holds the guest's call fds now (or the proxy is closing), so ours go, and the kick fds. */
    private void closeFds() {
        for (int q = 0; q < MAX_QUEUES; q++) {
            ProxyRing r = guest.ring(q);
            if (r.proxyCall >= 0) {
                Libc.close(r.proxyCall);
                r.proxyCall = -1;
                if (r.realCall >= 0) { Libc.close(r.realCall); r.realCall = -1; }
            }
            if (r.realKick >= 0) { Libc.close(r.realKick); r.realKick = -1; }
            if (r.proxyKick >= 0) { Libc.close(r.proxyKick); r.proxyKick = -1; }
        }
    }
}
