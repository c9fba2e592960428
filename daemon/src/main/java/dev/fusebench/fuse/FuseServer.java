package dev.fusebench.fuse;

import dev.fusebench.stats.DaemonStats;
import dev.fusebench.sys.Errno;
import dev.fusebench.wire.FuseIn.Header;
import dev.fusebench.wire.FuseIn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import static dev.fusebench.fuse.Handlers.OUT;

/**
 * The FUSE core shared by both transports. For each request it checks the header, looks the
 * opcode's handler up in one table ({@link Handlers}: decode, call, encode), sends the reply and
 * records statistics. A malformed request gets an errno reply; one too short to carry its unique
 * id is dropped and counted. INIT and DESTROY, which start and end sessions, are handled here.
 */
public final class FuseServer {
    private static final Logger LOG = Logger.getLogger(FuseServer.class.getName());

    private final FileSystem fs;
    private final NegotiationSettings settings;
    private volatile Stall stall;
    private final DaemonStats stats;
    private final Handlers.Handler[] table = new Handlers.Handler[Opcode.TABLE_SIZE];
    private volatile Negotiation negotiation;
    private final AtomicBoolean destroyed = new AtomicBoolean();
    private final AtomicBoolean loggedFailure = new AtomicBoolean();
    private final AtomicLong internalFailures = new AtomicLong();
    private final AtomicInteger sessions = new AtomicInteger();

    /** The kernel's fs.fuse.max_pages_limit, which caps max_pages (256 in the guests here). */
    private final int pagesLimit;
    /** Set by a transport that can register backing files (/dev/fuse); without it PASSTHROUGH is never replied. */
    private volatile BackingFiles backing;
    /** Set by a transport that can take requests over io_uring (/dev/fuse); without it OVER_IO_URING is never replied. */
    private volatile boolean ringCapable;

    public FuseServer(FileSystem fs, NegotiationSettings settings, DaemonStats stats) {
        this(fs, settings, stats, NegotiationSettings.KERNEL_MAX_PAGES);
    }

    public FuseServer(FileSystem fs, NegotiationSettings settings, DaemonStats stats, int pagesLimit) {
        this.pagesLimit = pagesLimit;
        this.fs = fs;
        this.settings = settings.validated();
        this.stats = stats;
        new Handlers(fs, this).register();
        table[Opcode.INIT.code] = this::init; // the server's own, beside the table's entry point
        table[Opcode.DESTROY.code] = this::destroy;
    }

    /**
     * The dispatch table's entry for one opcode (null: ENOSYS again), set before serving. This is how
     * {@link Handlers#register} fills it, and how a test adds an opcode; INIT and DESTROY stay the server's.
     */
    void route(Opcode opcode, Handlers.Handler handler) {
        if (opcode.code >= Opcode.OTHER || opcode == Opcode.INIT || opcode == Opcode.DESTROY)
            throw new IllegalArgumentException("not an opcode a handler can take: " + opcode);
        table[opcode.code] = handler;
    }

    /** Bytes a transport reads first to learn what a request needs ({@link #contiguousPrefix}). */
    public static final int PEEK = Header.SIZE;
    private static final long WRITE_ARGS = Header.SIZE + FuseIn.WriteIn.SIZE;

    /**
     * How many leading bytes of a request of {@code total} bytes the server wants in one buffer,
     * given its first {@link #PEEK} bytes: all of them, but of a WRITE only the header and
     * fuse_write_in; the data may stay in the transport's buffers ({@link Request#payload}).
     */
    public static long contiguousPrefix(MemorySegment first, long total) {
        return Header.opcode(first, 0) == Opcode.WRITE.code && total >= WRITE_ARGS ? WRITE_ARGS : total;
    }

    public RequestScratch newScratch(Arena arena) { return newScratch(arena, "worker"); }

    /** A worker whose requests the statistics count under {@code source} (e.g. its virtqueue, "queue-1"). */
    public RequestScratch newScratch(Arena arena, String source) { return new RequestScratch(arena, stats.newRecorder(source)); }

    public Negotiation negotiation() { return negotiation; }

    public NegotiationSettings settings() { return settings; }

    public void backingFiles(BackingFiles b) { this.backing = b; }

    /** A fault for harness checks ({@link Stall}): some large READs and WRITEs wait before their reply. */
    public void stall(Stall s) { this.stall = s; }

    public void ringCapable(boolean capable) { this.ringCapable = capable; }

    /** Bytes a transport's request buffer needs under this kernel's page limit. */
    public int requestBufferSize() { return settings.requestBufferSize(pagesLimit); }

    public boolean destroyed() { return destroyed.get(); }

    public DaemonStats stats() { return stats; }

    /** INITs after the first: the guest mounted the share again. */
    public int reinits() { return sessions.get(); }

    /** Requests that failed with an unexpected exception (answered EIO). */
    public long internalFailures() { return internalFailures.get(); }

    /**
     * Serves the request the transport put into {@code w.request}, replying through {@code out}.
     * @return false when the session has ended (DESTROY)
     */
    public boolean handle(RequestScratch w, ReplySink out) {
        Request r = w.request;
        if (!r.parseHeader()) {
            w.recorder.dropped();
            return true;
        }
        long start = System.nanoTime();
        w.sink = out;
        w.out = out.buffer();
        w.payloadSize = -1;
        Outcome outcome;
        try {
            if (r.headerLength != r.totalLength) outcome = w.outcome.error(Errno.EINVAL);
            else if (negotiation == null && r.opcode != Opcode.INIT.code) outcome = w.outcome.error(Errno.EIO);
            else outcome = dispatch(w);
        } catch (ProtocolException e) {
            outcome = w.outcome.error(e.errno());
        } catch (RuntimeException | StackOverflowError e) {
            // A bug of ours, not of the request: answered with EIO, counted, logged once.
            internalFailures.incrementAndGet();
            if (loggedFailure.compareAndSet(false, true)) LOG.log(Level.WARNING, "request failed: " + Opcode.name(r.opcode), e);
            outcome = w.outcome.error(Errno.EIO);
        }
        if (stall != null && outcome.kind() != Outcome.Kind.ERROR) stall.before(r.opcode, w.payloadSize);
        send(outcome, r.unique, w.out, out);
        w.recorder = stats.current(w.recorder); // a job mark (LOOKUP) may have started a new phase
        w.recorder.record(r.opcode, w.payloadSize, System.nanoTime() - start, outcome.kind() == Outcome.Kind.ERROR ? (int) outcome.value() : 0);
        return r.opcode != Opcode.DESTROY.code || outcome.kind() == Outcome.Kind.ERROR;
    }

    private static void send(Outcome outcome, long unique, MemorySegment buf, ReplySink out) {
        switch (outcome.kind()) {
            case ERROR -> {
                Replies.header(buf, OUT, (int) -outcome.value(), unique);
                out.send(OUT);
            }
            case ARGS -> {
                Replies.header(buf, (int) (OUT + outcome.value()), 0, unique);
                out.send((int) (OUT + outcome.value()));
            }
            case DATA -> {
                Replies.header(buf, (int) (OUT + outcome.value()), 0, unique);
                out.sendData(outcome.value());
            }
            case NONE -> { }
        }
    }

    private Outcome dispatch(RequestScratch w) {
        Request r = w.request;
        boolean write = r.opcode == Opcode.WRITE.code;
        // only WRITE may leave part of itself (its data) outside the contiguous buffer
        if (!write && r.inLength != r.totalLength) throw new ProtocolException(Errno.EINVAL, "request not contiguous");
        w.end = write ? r.inLength : argsEnd(r);
        Handlers.Handler h = r.opcode >= 0 && r.opcode < table.length ? table[r.opcode] : null;
        return h == null ? w.outcome.error(Errno.ENOSYS) : h.serve(w);
    }

    /** End of the arguments: the header's length less any request extensions. */
    private static long argsEnd(Request r) {
        long end = r.totalLength - Header.totalExtlen(r.in, 0) * 8L;
        if (end < Header.SIZE) throw new ProtocolException(Errno.EINVAL, "extensions longer than the request");
        return end;
    }

    private Outcome destroy(RequestScratch w) {
        if (destroyed.compareAndSet(false, true)) fs.destroy();
        return w.outcome.args(0);
    }

    /**
     * INIT starts a session. A second one (the guest unmounted and mounts again, or its kernel was
     * reset without a DESTROY) starts a new session: node ids and handles of the old one are
     * forgotten, as the kernel has forgotten them, and the negotiation is made afresh.
     */
    private Outcome init(RequestScratch w) {
        InitInArgs args = w.initIn;
        if (!args.parse(w.request.in, Handlers.ARGS, w.end - Handlers.ARGS)) return w.outcome.error(Errno.EINVAL);
        if (args.major > 7) {
            // Newer major: answer with ours only; the kernel retries with 7.x (fuse protocol rule).
            new InitOut(7, Negotiation.OUR_MINOR, 0, 0, 0, 0, 0, 0, 0).encode(w.out, OUT);
            return w.outcome.args(8);
        }
        BackingFiles b = backing;
        // FUSE passthrough needs backing files: a transport without them (virtio-fs) never replies it
        NegotiationSettings offer = b == null && (settings.flags() & InitFlag.PASSTHROUGH.mask) != 0 ? settings.withFlag("PASSTHROUGH", false) : settings;
        // and one that cannot take requests over io_uring (virtio-fs) never replies OVER_IO_URING
        if (!ringCapable && (offer.flags() & InitFlag.OVER_IO_URING.mask) != 0) offer = offer.withFlag("OVER_IO_URING", false);
        Negotiation n = Negotiation.negotiate(args.toRecord(), offer, pagesLimit);
        if (negotiation != null) {
            if (destroyed.compareAndSet(false, true)) fs.destroy();
            sessions.incrementAndGet();
        }
        destroyed.set(false);
        int len = Replies.init(w.out, OUT, n.reply());
        negotiation = n;
        stats.negotiated(n);
        fs.init(n, (n.reply().flags() & InitFlag.PASSTHROUGH.mask) != 0 ? b : null);
        return w.outcome.args(len);
    }
}
