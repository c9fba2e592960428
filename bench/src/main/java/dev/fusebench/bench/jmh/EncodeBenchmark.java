package dev.fusebench.bench.jmh;

import dev.fusebench.fuse.InitIn;
import dev.fusebench.fuse.InitOut;
import dev.fusebench.fuse.Negotiation;
import dev.fusebench.fuse.NegotiationSettings;
import dev.fusebench.fuse.Replies;
import dev.fusebench.fuse.Wire;
import dev.fusebench.sys.Flags;
import dev.fusebench.sys.Libc;
import dev.fusebench.sys.StatBuf;
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

/** Encoding the frequent replies into the reply buffer, from a real host {@code struct stat}. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class EncodeBenchmark {
    Arena arena;
    MemorySegment out;
    StatBuf st;
    InitOut initOut;
    long unique = 7;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        out = arena.allocate(4096, 4096);
        st = new StatBuf(arena);
        if (Libc.fstatat(Flags.AT_FDCWD, arena.allocateFrom("/etc/hostname"), st.seg, 0) < 0) {
            Libc.fstatat(Flags.AT_FDCWD, arena.allocateFrom("/"), st.seg, 0);
        }
        initOut = Negotiation.negotiate(new InitIn(7, 38, 131072, 0x73ffffffL), NegotiationSettings.MAX_PAGES).reply();
    }

    @TearDown(Level.Trial)
    public void tearDown() { arena.close(); }

    @Benchmark
    public void entry(Blackhole bh) {
        int n = Replies.entry(out, Wire.OUT_HEADER, 42, 1, st);
        Wire.outHeader(out, Wire.OUT_HEADER + n, 0, unique);
        bh.consume(out.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, Wire.OUT_HEADER + 40));
    }

    @Benchmark
    public void attr(Blackhole bh) {
        int n = Replies.attrOut(out, Wire.OUT_HEADER, 1, st);
        Wire.outHeader(out, Wire.OUT_HEADER + n, 0, unique);
        bh.consume(out.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, Wire.OUT_HEADER + 16));
    }

    @Benchmark
    public void writeOut(Blackhole bh) {
        int n = Replies.writeOut(out, Wire.OUT_HEADER, 1 << 20);
        Wire.outHeader(out, Wire.OUT_HEADER + n, 0, unique);
        bh.consume(out.get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, Wire.OUT_HEADER));
    }

    @Benchmark
    public void errorHeader(Blackhole bh) {
        Wire.outHeader(out, Wire.OUT_HEADER, -2, unique);
        bh.consume(out.get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 4));
    }

    @Benchmark
    public void init(Blackhole bh) {
        initOut.encode(out, Wire.OUT_HEADER);
        Wire.outHeader(out, Wire.OUT_HEADER + InitOut.SIZE, 0, unique);
        bh.consume(out.get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, Wire.OUT_HEADER + 12));
    }
}
