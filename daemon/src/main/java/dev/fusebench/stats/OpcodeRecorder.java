package dev.fusebench.stats;

import dev.fusebench.fuse.Opcode;
import org.HdrHistogram.Histogram;

/**
 * One worker's counts and histograms per opcode. Single-writer (its worker), so recording takes no
 * lock and allocates nothing once an opcode's histograms exist.
 */
public final class OpcodeRecorder {
    static final long MAX_SIZE = 1L << 30;
    static final long MAX_LATENCY_NS = 3_600_000_000_000L;

    final long[] count = new long[Opcode.TABLE_SIZE];
    final long[] errors = new long[Opcode.TABLE_SIZE];
    final long[] sizeSum = new long[Opcode.TABLE_SIZE];
    final long[] sizeMax = new long[Opcode.TABLE_SIZE];
    final Histogram[] sizes = new Histogram[Opcode.TABLE_SIZE];
    final Histogram[] latencies = new Histogram[Opcode.TABLE_SIZE];
    long dropped;

    /**
     * @param size payload bytes (READ: asked, WRITE: carried), or -1 when the opcode has none
     * @param errno 0 on success
     */
    public void record(int opcode, long size, long latencyNanos, int errno) {
        int s = Opcode.slot(opcode);
        count[s]++;
        if (errno != 0) errors[s]++;
        if (size >= 0) {
            Histogram h = sizes[s];
            if (h == null) h = sizes[s] = new Histogram(MAX_SIZE, 3);
            h.recordValue(Math.min(size, MAX_SIZE));
            sizeSum[s] += size;
            if (size > sizeMax[s]) sizeMax[s] = size;
        }
        Histogram l = latencies[s];
        if (l == null) l = latencies[s] = new Histogram(MAX_LATENCY_NS, 2);
        l.recordValue(Math.max(0, Math.min(latencyNanos, MAX_LATENCY_NS)));
    }

    /** A request that could not be answered at all (too short to carry a unique id). */
    public void dropped() { dropped++; }
}
