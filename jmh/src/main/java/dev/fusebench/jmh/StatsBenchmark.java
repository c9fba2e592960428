package dev.fusebench.jmh;

import dev.fusebench.fuse.Opcode;
import dev.fusebench.stats.DaemonStats;
import dev.fusebench.stats.OpcodeRecorder;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Recording one request in a worker's statistics as the server does: the phase check (one volatile
 * read), then counts, the exact size and the latency histogram.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class StatsBenchmark {
    DaemonStats stats;
    OpcodeRecorder recorder;
    long latency = 12_345;

    @Setup(Level.Trial)
    public void setUp() {
        stats = new DaemonStats();
        recorder = stats.newRecorder("queue-1");
        recorder.record(Opcode.READ.code, 1 << 20, latency, 0); // tables exist from the first request on
    }

    @Benchmark
    public void recordRead() {
        latency = (latency * 1103515245 + 12345) & 0xfffff; // varying, like real latencies
        recorder = stats.current(recorder);
        recorder.record(Opcode.READ.code, 1 << 20, latency, 0);
    }
}
