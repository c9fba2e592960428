package dev.fusebench.loadgen;

import dev.fusebench.files.Trees;
import dev.fusebench.fuse.FuseServer;
import dev.fusebench.fuse.NegotiationSettings;
import dev.fusebench.passthrough.CachePolicy;
import dev.fusebench.passthrough.PassthroughFs;
import dev.fusebench.stats.DaemonStats;
import dev.fusebench.sys.Flags;
import dev.fusebench.sys.Libc;
import dev.fusebench.sys.LibcThread;
import dev.fusebench.vhostuser.VhostUserBackend;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Compiles the daemon's hot path before a guest arrives. A fresh JVM interprets and then JIT-compiles
 * the virtqueue and READ/WRITE code while the first guest job runs, and under emulation that CPU is
 * taken from the guest (the Rust virtiofsd has nothing to compile). So before listening, the daemon
 * serves a private copy of itself, through the same vhost-user backend and rings, READs and WRITEs
 * of every size class on a scratch file, and waits for the compiler to go quiet.
 */
public final class WarmUp {
    private WarmUp() {}

    /** What the warm-up did: requests served, wall seconds, and JIT compilation seconds during it. */
    public record Result(long requests, double seconds, double compileSeconds) {}

    private static final int DEPTH = 4;
    private static final double PACED_RATE = 20_000;
    private static final long PACED_REQUESTS = 10_000;
    private static final long CHUNK = 500;
    private static final long FILE_BYTES = 16L << 20;

    public static Result run(NegotiationSettings settings, CachePolicy cache, long requests) throws IOException {
        long t0 = System.nanoTime();
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long compile0 = jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
        Path dir = Files.createTempDirectory("fusebench-warmup-");
        long served = 0;
        try {
            LoadGenerator.prepareFile(dir.resolve(LoadGenerator.FILE_NAME), FILE_BYTES);
            // then a second, shorter session: the first requests of a new connection (INIT on a
            // fresh server, new threads, empty statistics) take paths the first session compiled
            // away, and they should be recompiled here rather than when the guest arrives
            for (long n : new long[]{requests, Math.max(1, requests / 4)}) {
                PassthroughFs fs = new PassthroughFs(dir, cache);
                try {
                    served += serve(new FuseServer(fs, settings, new DaemonStats()), settings, n);
                } finally {
                    fs.close();
                }
            }
        } finally {
            Trees.delete(dir);
        }
        awaitQuietCompiler(jit);
        long compile1 = jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
        return new Result(served, (System.nanoTime() - t0) / 1e9, (compile1 - compile0) / 1e3);
    }

    private static long serve(FuseServer server, NegotiationSettings settings, long requests) throws IOException {
        int front, back;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment pair = a.allocate(8);
            int r = Libc.socketpair(Flags.AF_UNIX, Flags.SOCK_STREAM | Flags.SOCK_CLOEXEC, 0, pair);
            if (r < 0) throw new IOException("socketpair: " + Libc.strerror(r));
            front = pair.get(JAVA_INT, 0);
            back = pair.get(JAVA_INT, 4);
        }
        VhostUserBackend backend = new VhostUserBackend(server);
        Thread serving = new LibcThread(() -> {
            try {
                backend.serve(back);
            } finally {
                backend.release();
            }
        }, "warm-up");
        serving.setDaemon(true);
        serving.start();
        int maxSize = Math.min(1 << 20, settings.largestPayload() & ~(LoadGenerator.PAGE - 1));
        long served = 0;
        try (VhostUserFrontend fe = new VhostUserFrontend(front, 1024, LoadGenerator.memoryFor(maxSize, DEPTH, LoadGenerator.PAGE))) {
            LoadGenerator gen = new LoadGenerator(fe, maxSize, DEPTH, LoadGenerator.PAGE, FILE_BYTES);
            gen.open(serving::isAlive);
            int big = Math.min(gen.limit(), maxSize);
            int[] sizes = {big, LoadGenerator.PAGE, Math.min(128 * 1024, big)};
            LoadGenerator.Op[] ops = LoadGenerator.Op.values();
            long each = Math.max(1, requests / (sizes.length * ops.length));
            // data requests in chunks with a guest's metadata requests between them, so that what
            // the compiler sees includes both (code compiled on READ/WRITE alone is thrown away at
            // the first LOOKUP, and compiled again while the guest waits)
            for (int size : sizes) {
                for (LoadGenerator.Op op : ops) served += phase(gen, op, size, 0, each, serving::isAlive);
            }
            // a guest's pace: the worker sleeps in poll() between requests, a path full speed rarely takes
            for (LoadGenerator.Op op : new LoadGenerator.Op[]{LoadGenerator.Op.WRITE, LoadGenerator.Op.READ}) {
                served += phase(gen, op, Math.min(128 * 1024, big), PACED_RATE, Math.max(each, PACED_REQUESTS), serving::isAlive);
            }
            gen.release(serving::isAlive);
        } finally {
            try {
                serving.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return served;
    }

    private static long phase(LoadGenerator gen, LoadGenerator.Op op, int size, double rate, long requests,
                              BooleanSupplier alive) throws IOException {
        long served = 0;
        while (served < requests) {
            long chunk = Math.min(CHUNK, requests - served);
            LoadGenerator.Outcome o = gen.run(op, size, 120, rate, chunk, size + op.ordinal() + served, alive);
            if (o.error() != null) throw new IOException("warm-up " + op.label() + " of " + size + " bytes: " + o.error());
            served += o.ops();
            gen.metadataRound(alive);
            served += 5;
        }
        return served;
    }

    /** Waits (at most 10 s) until no compilation has happened for 300 ms. */
    private static void awaitQuietCompiler(CompilationMXBean jit) {
        if (!jit.isCompilationTimeMonitoringSupported()) return;
        long deadline = System.nanoTime() + 10_000_000_000L;
        long last = jit.getTotalCompilationTime();
        while (System.nanoTime() < deadline) {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long now = jit.getTotalCompilationTime();
            if (now == last) return;
            last = now;
        }
    }
}
