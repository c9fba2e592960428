package dev.fusebench.vhostuser;

import dev.fusebench.fuse.FuseServer;
import dev.fusebench.fuse.ReplySink;
import dev.fusebench.fuse.RequestScratch;
import dev.fusebench.sys.EventFd;
import dev.fusebench.sys.Flags;
import dev.fusebench.sys.IoVecs;
import dev.fusebench.sys.Libc;
import dev.fusebench.sys.LibcThread;
import dev.fusebench.sys.WorkerDeath;
import dev.fusebench.virtqueue.DescriptorChain;
import dev.fusebench.virtqueue.GuestMemory;
import dev.fusebench.virtqueue.Scatter;
import dev.fusebench.virtqueue.SplitQueue;
import dev.fusebench.wire.FuseOut;
import dev.fusebench.wire.LibcStructs.Pollfd;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Logger;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One thread per virtqueue (the Rust virtiofsd's default model): waits for a kick, serves every
 * available chain through the FUSE core, publishes the used ring and notifies the guest. Request
 * headers and arguments are gathered into a small buffer; WRITE data and READ destinations stay in
 * guest memory and go to pwritev/preadv as scatter lists.
 */
final class QueueWorker implements Runnable {
    private static final Logger LOG = Logger.getLogger(QueueWorker.class.getName());

    private static final int NONE = Integer.MIN_VALUE;

    final int index;
    private final SplitQueue queue;
    private final FuseServer server;
    /** The kick and call eventfds: the serving thread's own, swapped and closed only by it. */
    private int kickFd, callFd;
    /** New kick/call fds from the frontend, waiting for the serving thread to take them (NONE: none). */
    private final AtomicInteger nextKick = new AtomicInteger(NONE), nextCall = new AtomicInteger(NONE);
    /** Wakes the serving thread for a stop, an fd swap or an enable. */
    private final int controlFd;
    private volatile boolean enabled;
    private volatile boolean stopping;
    private final Thread thread;
    private final int argsBufferSize;
    long refusedChains;

    QueueWorker(int index, SplitQueue queue, FuseServer server, int kickFd, int callFd, boolean enabled, int argsBufferSize) {
        this.index = index;
        this.queue = queue;
        this.server = server;
        this.kickFd = kickFd;
        this.callFd = callFd;
        this.enabled = enabled;
        this.argsBufferSize = argsBufferSize;
        this.controlFd = Libc.eventfd(0, Flags.EFD_CLOEXEC);
        if (controlFd < 0) throw new IllegalStateException("eventfd: " + Libc.strerror(controlFd));
        this.thread = new LibcThread(this, "virtq-" + index);
        thread.setDaemon(true);
    }

    void start() { thread.start(); }

    /**
     * SET_VRING_CALL on a running ring: the serving thread switches to {@code fd} between requests
     * and closes the old one itself, so no notification is ever written to a closed (or reused) number.
     */
    void swapCallFd(int fd) { hand(nextCall, fd); }

    /** SET_VRING_KICK on a running ring: as {@link #swapCallFd}, for the fd the thread polls. */
    void swapKickFd(int fd) { hand(nextKick, fd); }

    /**
     * Hands {@code fd} to the serving thread and waits until it has taken it (between two requests,
     * or at once when it sleeps), so once the frontend's message is acknowledged the old fd is
     * no longer used.
     */
    private void hand(AtomicInteger slot, int fd) {
        int superseded = slot.getAndSet(fd);
        if (superseded >= 0) Libc.close(superseded); // never taken by the thread
        EventFd.signal(controlFd);
        while (slot.get() != NONE && thread.isAlive()) LockSupport.parkNanos(20_000);
    }

    /**
     * The serving thread (or, once it has ended, {@link #stop}) takes any fds handed to it: two
     * volatile reads when there are none, so it runs before every request.
     */
    private void takeHandedFds() {
        if (nextCall.get() != NONE) {
            int fd = nextCall.getAndSet(NONE);
            if (fd != NONE) { closeIfOpen(callFd); callFd = fd; }
        }
        if (nextKick.get() != NONE) {
            int fd = nextKick.getAndSet(NONE);
            if (fd != NONE) { closeIfOpen(kickFd); kickFd = fd; }
        }
    }

    private static void closeIfOpen(int fd) { if (fd >= 0) Libc.close(fd); }

    void setEnabled(boolean on) {
        enabled = on;
        EventFd.signal(controlFd);
    }

    /**
     * Stops the thread, waiting for it however long its request takes, and returns the next avail
     * index it would have served. The ring's kick and call fds are the caller's again after.
     */
    int stop() {
        stopping = true;
        EventFd.signal(controlFd);
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        takeHandedFds();
        Libc.close(controlFd);
        return queue.lastAvail();
    }

    /** After {@link #stop}: the kick fd the ring had last. */
    int kickFd() { return kickFd; }

    /** After {@link #stop}: the call fd the ring had last. */
    int callFd() { return callFd; }

    // the serving thread's buffers, set up when it starts
    private DescriptorChain chain;
    private RequestScratch fuse;
    private VirtioReply reply;
    private MemorySegment in, pollFds, counter, one;
    private final StringBuilder why = new StringBuilder();

    /**
     * The loop itself only sleeps and calls {@link #drain}: the per-request work lives in methods
     * that are called again and again, so the JIT compiles them once (in the daemon's warm-up) and
     * every later thread runs that code; a long loop here would be compiled anew in each thread.
     */
    @Override
    public void run() {
        try (Arena arena = Arena.ofConfined()) {
            chain = new DescriptorChain(arena, DescriptorChain.segmentsFor(queue.size()));
            fuse = server.newScratch(arena, "queue-" + index);
            reply = new VirtioReply(queue.memory(), arena.allocate(argsBufferSize + FuseOut.Header.SIZE, 4096), chain.writable);
            in = arena.allocate(argsBufferSize, 4096);
            pollFds = arena.allocate(Pollfd.LAYOUT, 2);
            counter = arena.allocate(8, 8);
            one = arena.allocate(8, 8);
            one.set(JAVA_LONG, 0, 1);
            while (!stopping) {
                takeHandedFds();
                if (enabled && drain()) continue;
                if (!sleep()) return;
            }
        } catch (RuntimeException | Error e) {
            if (!stopping) WorkerDeath.died("queue " + index + " worker", e);
            throw e;
        }
    }

    /** Serves every available chain; returns true when more arrived while arming the next kick. */
    private boolean drain() {
        while (!stopping && queue.pop(chain, why)) {
            takeHandedFds();
            int written = why.isEmpty() ? serveOrRefuse() : refuse(why);
            queue.push(chain.head, written);
            // complete each request at once: the guest refills its queue depth sooner
            if (queue.publish()) signal(one);
        }
        if (queue.broken() && why.length() > 0) refuse(why);
        return queue.armAndRecheck();
    }

    /**
     * Sleeps until kicked or woken (stop, fd swap, enable); false when the kick fd is broken. A
     * ring without a kick fd (-1: the frontend polls) sleeps until woken.
     */
    private boolean sleep() {
        Pollfd.write(pollFds, 0, kickFd, Flags.POLLIN);
        Pollfd.write(pollFds, 1, controlFd, Flags.POLLIN);
        int r = Libc.poll(pollFds, 2, -1);
        if (r < 0) return true;
        int revents = Pollfd.revents(pollFds, 0);
        if ((revents & Flags.POLLIN) != 0) EventFd.drain(kickFd, counter);
        if ((Pollfd.revents(pollFds, 1) & Flags.POLLIN) != 0) EventFd.drain(controlFd, counter);
        if ((revents & (Flags.POLLHUP | Flags.POLLERR | Flags.POLLNVAL)) != 0) {
            LOG.warning("queue " + index + ": kick fd " + kickFd + " failed (revents " + revents + "); the queue stops");
            return false;
        }
        return true;
    }

    private int refuse(StringBuilder why) {
        refusedChains++;
        if (refusedChains <= 3) LOG.warning("queue " + index + ": refused a descriptor chain: " + why);
        why.setLength(0);
        return 0;
    }

    private void signal(MemorySegment one) {
        if (callFd >= 0) EventFd.signal(callFd, one);
    }

    /**
     * Serves the popped chain. An access outside guest memory (FFM's bounds checks behind
     * translation) fails that request alone: it is used with nothing written, and counted.
     */
    private int serveOrRefuse() {
        try {
            return serve(chain, fuse, in, reply);
        } catch (IndexOutOfBoundsException e) {
            why.append("access outside guest memory: ").append(e.getMessage());
            return refuse(why);
        }
    }

    /**
     * Presents the chain's readable part as a FUSE request and writes the reply into its writable
     * part. The leading bytes the server asks for are gathered into one buffer; the rest (WRITE
     * data) stays in guest memory and goes to the file by pwritev.
     */
    private int serve(DescriptorChain chain, RequestScratch w, MemorySegment in, VirtioReply reply) {
        var req = w.request;
        long total = chain.readableBytes;
        long got = Scatter.gather(queue.memory(), chain.readable, 0, in, 0, Math.min(total, FuseServer.PEEK));
        if (got == FuseServer.PEEK) {
            long want = Math.min(FuseServer.contiguousPrefix(in, total), in.byteSize());
            if (want > got) got += Scatter.gather(queue.memory(), chain.readable, got, in, got, want - got);
        }
        req.in = in;
        req.inLength = got;
        req.totalLength = total;
        if (got < total) Scatter.slice(chain.readable, got, Long.MAX_VALUE, req.payload);
        else req.payload.clear();
        reply.reset();
        server.handle(w, reply);
        return (int) reply.written;
    }

    /**
     * Replies go into the chain's writable buffers: header and arguments copied from a small
     * buffer; READ data placed there directly by preadv.
     */
    static final class VirtioReply implements ReplySink {
        private final GuestMemory mem;
        private final MemorySegment buf;
        private final IoVecs writable;
        long written;

        VirtioReply(GuestMemory mem, MemorySegment buf, IoVecs writable) {
            this.mem = mem;
            this.buf = buf;
            this.writable = writable;
        }

        void reset() { written = 0; }

        @Override public MemorySegment buffer() { return buf; }

        @Override public void send(int length) { written = Scatter.scatter(mem, buf, length, writable); }

        @Override
        public IoVecs dataTarget(IoVecs into, long maxBytes) {
            Scatter.slice(writable, FuseOut.Header.SIZE, maxBytes, into);
            return into;
        }

        @Override
        public void sendData(long dataBytes) {
            long header = Scatter.scatter(mem, buf, FuseOut.Header.SIZE, writable);
            written = header < FuseOut.Header.SIZE ? header : header + dataBytes;
        }
    }
}
