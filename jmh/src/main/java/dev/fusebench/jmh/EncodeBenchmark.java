package dev.fusebench.jmh;

import dev.fusebench.fuse.Attr;
import dev.fusebench.fuse.Entry;
import dev.fusebench.fuse.InitIn;
import dev.fusebench.fuse.InitOut;
import dev.fusebench.fuse.Negotiation;
import dev.fusebench.fuse.NegotiationSettings;
import dev.fusebench.fuse.Replies;
import dev.fusebench.sys.Flags;
import dev.fusebench.sys.Libc;
import dev.fusebench.sys.StatBuf;
import dev.fusebench.wire.FuseOut;
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
    Entry entry;
    Attr attr;
    static final int OUT = FuseOut.Header.SIZE;
    InitOut initOut;
    long unique = 7;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        out = arena.allocate(4096, 4096);
        entry = new Entry(arena);
        attr = new Attr(arena);
        for (var st : new StatBuf[]{entry.stat, attr.stat}) {
            if (Libc.fstatat(Flags.AT_FDCWD, arena.allocateFrom("/etc/hostname"), st.seg, 0) < 0) {
                Libc.fstatat(Flags.AT_FDCWD, arena.allocateFrom("/"), st.seg, 0);
            }
        }
        entry.nodeid = 42;
        entry.timeoutSeconds = 1;
        attr.timeoutSeconds = 1;
        initOut = Negotiation.negotiate(new InitIn(7, 38, 131072, 0x73ffffffL), NegotiationSettings.MAX_PAGES).reply();
    }

    @TearDown(Level.Trial)
    public void tearDown() { arena.close(); }

    @Benchmark
    public void entry(Blackhole bh) {
        int n = Replies.entry(out, OUT, entry);
        Replies.header(out, OUT + n, 0, unique);
        bh.consume(FuseOut.Attr.ino(out, OUT + FuseOut.EntryOut.ATTR));
    }

    @Benchmark
    public void attr(Blackhole bh) {
        int n = Replies.attrOut(out, OUT, attr);
        Replies.header(out, OUT + n, 0, unique);
        bh.consume(FuseOut.Attr.ino(out, OUT + FuseOut.AttrOut.ATTR));
    }

    @Benchmark
    public void writeOut(Blackhole bh) {
        int n = Replies.writeOut(out, OUT, 1 << 20);
        Replies.header(out, OUT + n, 0, unique);
        bh.consume(FuseOut.WriteOut.size(out, OUT));
    }

    @Benchmark
    public void errorHeader(Blackhole bh) {
        Replies.header(out, OUT, -2, unique);
        bh.consume(FuseOut.Header.error(out, 0));
    }

    @Benchmark
    public void init(Blackhole bh) {
        int n = Replies.init(out, OUT, initOut);
        Replies.header(out, OUT + n, 0, unique);
        bh.consume(FuseOut.InitOut.maxPages(out, OUT));
    }
}
