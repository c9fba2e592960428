package dev.fusebench.jmh;

import dev.fusebench.fuse.InitInArgs;
import dev.fusebench.fuse.Names;
import dev.fusebench.fuse.Request;
import dev.fusebench.wire.FuseIn.ForgetIn;
import dev.fusebench.wire.FuseIn.GetattrIn;
import dev.fusebench.wire.FuseIn.Header;
import dev.fusebench.wire.FuseIn.OpenIn;
import dev.fusebench.wire.FuseIn.ReadIn;
import dev.fusebench.wire.FuseIn.WriteIn;
import dev.fusebench.sys.IoVecs;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * Decoding the frequent requests with the dispatcher's own decoders, from kernel-captured bytes:
 * the header into the reused {@link Request} ({@link Request#parseHeader}), then each opcode's
 * fixed arguments through the {@link dev.fusebench.wire.FuseIn} accessors its handler calls (and,
 * for names, {@link Names#checkName}). Every figure is consumed; nothing is allocated.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ParseBenchmark {
    Arena arena;
    Request read, write, init, lookup, getattr, open, readdirplus, forget, batchForget;
    final InitInArgs initArgs = new InitInArgs();

    private Request request(MemorySegment bytes) {
        Request r = new Request(new IoVecs(arena, 4));
        r.setContiguous(bytes, Header.len(bytes, 0));
        return r;
    }

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        read = request(KernelRequests.load(arena, "READ-0"));
        write = request(KernelRequests.load(arena, "WRITE-1"));
        init = request(KernelRequests.load(arena, "INIT-0"));
        lookup = request(KernelRequests.load(arena, "LOOKUP-0"));
        getattr = request(KernelRequests.load(arena, "GETATTR-0"));
        open = request(KernelRequests.load(arena, "OPEN-0"));
        readdirplus = request(KernelRequests.load(arena, "READDIRPLUS-0"));
        forget = request(KernelRequests.load(arena, "FORGET-0"));
        batchForget = request(KernelRequests.batchForget(arena, 32));
    }

    @TearDown(Level.Trial)
    public void tearDown() { arena.close(); }

    private static void header(Request r, Blackhole bh) {
        bh.consume(r.parseHeader());
        bh.consume(r.headerLength == r.totalLength);
        bh.consume(r.opcode);
        bh.consume(r.unique);
        bh.consume(r.nodeid);
    }

    private static final int ARGS = Header.SIZE;

    @Benchmark
    public void read(Blackhole bh) {
        header(read, bh);
        bh.consume(read.totalLength - ARGS >= ReadIn.SIZE);
        bh.consume(ReadIn.fh(read.in, ARGS));
        bh.consume(ReadIn.offset(read.in, ARGS));
        bh.consume(ReadIn.size(read.in, ARGS));
    }

    @Benchmark
    public void writeHeader(Blackhole bh) {
        header(write, bh);
        bh.consume(write.inLength - ARGS >= WriteIn.SIZE);
        bh.consume(WriteIn.fh(write.in, ARGS));
        bh.consume(WriteIn.offset(write.in, ARGS));
        bh.consume(WriteIn.writeFlags(write.in, ARGS));
        bh.consume(WriteIn.size(write.in, ARGS) == write.inLength - ARGS - WriteIn.SIZE);
    }

    @Benchmark
    public void init(Blackhole bh) {
        header(init, bh);
        bh.consume(initArgs.parse(init.in, ARGS, init.totalLength - ARGS));
        bh.consume(initArgs.major);
        bh.consume(initArgs.minor);
        bh.consume(initArgs.flags);
        bh.consume(initArgs.maxReadahead);
    }

    @Benchmark
    public void lookup(Blackhole bh) {
        header(lookup, bh);
        bh.consume(Names.checkName(lookup.in, ARGS, lookup.totalLength, true));
    }

    @Benchmark
    public void getattr(Blackhole bh) {
        header(getattr, bh);
        bh.consume(GetattrIn.getattrFlags(getattr.in, ARGS));
        bh.consume(GetattrIn.fh(getattr.in, ARGS));
    }

    @Benchmark
    public void open(Blackhole bh) {
        header(open, bh);
        bh.consume(OpenIn.flags(open.in, ARGS));
        bh.consume(OpenIn.openFlags(open.in, ARGS));
    }

    @Benchmark
    public void readdirplus(Blackhole bh) {
        header(readdirplus, bh);
        bh.consume(ReadIn.fh(readdirplus.in, ARGS));
        bh.consume(ReadIn.offset(readdirplus.in, ARGS));
        bh.consume(ReadIn.size(readdirplus.in, ARGS));
    }

    @Benchmark
    public void forget(Blackhole bh) {
        header(forget, bh);
        bh.consume(ForgetIn.nlookup(forget.in, ARGS));
    }

    @Benchmark
    public void batchForget32(Blackhole bh) {
        header(batchForget, bh);
        MemorySegment in = batchForget.in;
        long n = Math.min(ForgetIn.batchCount(in, ARGS), (batchForget.totalLength - ARGS - ForgetIn.BATCH_SIZE) / ForgetIn.ONE_SIZE);
        for (long i = 0; i < n; i++) {
            long e = ARGS + ForgetIn.BATCH_SIZE + i * ForgetIn.ONE_SIZE;
            bh.consume(ForgetIn.oneNodeid(in, e));
            bh.consume(ForgetIn.oneNlookup(in, e));
        }
    }
}
