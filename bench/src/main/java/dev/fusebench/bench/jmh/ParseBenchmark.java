package dev.fusebench.bench.jmh;

import dev.fusebench.fuse.FuseServer;
import dev.fusebench.fuse.InitInArgs;
import dev.fusebench.fuse.ReadWriteIn;
import dev.fusebench.fuse.Request;
import dev.fusebench.fuse.Wire;
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
 * Parsing the frequent requests as the daemon does on its hot path, from kernel-captured bytes:
 * the header into the reused {@link Request}, then each opcode's fixed arguments (and, for
 * names, the bounds and '/' checks). Every figure is consumed; nothing is allocated.
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
    final ReadWriteIn rw = new ReadWriteIn();
    final InitInArgs initArgs = new InitInArgs();

    private Request request(MemorySegment bytes) {
        Request r = new Request(new IoVecs(arena, 4));
        r.setContiguous(bytes, Wire.u32(bytes, Wire.H_LEN));
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

    @Benchmark
    public void read(Blackhole bh) {
        header(read, bh);
        bh.consume(rw.parse(read.in, read.totalLength));
        bh.consume(rw.fh);
        bh.consume(rw.offset);
        bh.consume(rw.size);
    }

    @Benchmark
    public void writeHeader(Blackhole bh) {
        header(write, bh);
        bh.consume(rw.parse(write.in, write.inLength));
        bh.consume(rw.fh);
        bh.consume(rw.offset);
        bh.consume(rw.size == write.inLength - Wire.IN_HEADER - Wire.WRITE_IN);
    }

    @Benchmark
    public void init(Blackhole bh) {
        header(init, bh);
        long len = init.totalLength - Wire.IN_HEADER;
        bh.consume(initArgs.parse(init.in, Wire.IN_HEADER, len));
        bh.consume(initArgs.major);
        bh.consume(initArgs.minor);
        bh.consume(initArgs.flags);
        bh.consume(initArgs.maxReadahead);
    }

    @Benchmark
    public void lookup(Blackhole bh) {
        header(lookup, bh);
        bh.consume(FuseServer.checkName(lookup.in, Wire.IN_HEADER, lookup.totalLength, true));
    }

    @Benchmark
    public void getattr(Blackhole bh) {
        header(getattr, bh);
        bh.consume(Wire.u32(getattr.in, Wire.IN_HEADER));
        bh.consume(Wire.u64(getattr.in, Wire.IN_HEADER + 8));
    }

    @Benchmark
    public void open(Blackhole bh) {
        header(open, bh);
        bh.consume(Wire.u32(open.in, Wire.IN_HEADER));
    }

    @Benchmark
    public void readdirplus(Blackhole bh) {
        header(readdirplus, bh);
        bh.consume(rw.parse(readdirplus.in, readdirplus.totalLength));
        bh.consume(rw.fh);
        bh.consume(rw.offset);
        bh.consume(rw.size);
    }

    @Benchmark
    public void forget(Blackhole bh) {
        header(forget, bh);
        bh.consume(Wire.u64(forget.in, Wire.IN_HEADER));
    }

    @Benchmark
    public void batchForget32(Blackhole bh) {
        header(batchForget, bh);
        MemorySegment in = batchForget.in;
        long n = Math.min(Integer.toUnsignedLong(Wire.u32(in, Wire.IN_HEADER)),
                (batchForget.totalLength - Wire.IN_HEADER - Wire.BATCH_FORGET_IN) / Wire.FORGET_ONE);
        for (long i = 0; i < n; i++) {
            long e = Wire.IN_HEADER + Wire.BATCH_FORGET_IN + i * Wire.FORGET_ONE;
            bh.consume(Wire.u64(in, e));
            bh.consume(Wire.u64(in, e + 8));
        }
    }
}
