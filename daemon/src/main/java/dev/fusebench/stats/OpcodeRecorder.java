package dev.fusebench.stats;

import dev.fusebench.fuse.Opcode;
import org.HdrHistogram.Histogram;

/**
 * One worker's counts, exact request sizes and latency histograms per opcode, for one phase of the
 * run ({@link DaemonStats#mark}). Single-writer (its worker), so recording takes no lock and
 * allocates nothing once an opcode's tables exist.
 */
public final class OpcodeRecorder {
    /** The phase this recorder counts in (an index into {@link DaemonStats}' marks). */
    final int phase;
    /** Whose requests it counts: a virtqueue ("queue-1") or a /dev/fuse thread ("worker"). */
    final String source;
    static final long MAX_SIZE = 1L << 30;
    static final long MAX_LATENCY_NS = 3_600_000_000_000L;

    final long[] count = new long[Opcode.TABLE_SIZE];
    final long[] errors = new long[Opcode.TABLE_SIZE];
    final long[] sizeSum = new long[Opcode.TABLE_SIZE];
    final long[] sizeMax = new long[Opcode.TABLE_SIZE];
    final SizeCounts[] sizes = new SizeCounts[Opcode.TABLE_SIZE];
    final Histogram[] latencies = new Histogram[Opcode.TABLE_SIZE];
    long dropped;

    OpcodeRecorder(int phase, String source) {
        this.phase = phase;
        this.source = source;
    }

    /**
     * @param size payload bytes (READ: asked, WRITE: carried), or -1 when the opcode has none
     * @param errno 0 on success
     */
    public void record(int opcode, long size, long latencyNanos, int errno) {
        int s = Opcode.slot(opcode);
        count[s]++;
        if (errno != 0) errors[s]++;
        if (size >= 0) {
            SizeCounts h = sizes[s];
            if (h == null) h = sizes[s] = new SizeCounts();
            h.record(size);
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
