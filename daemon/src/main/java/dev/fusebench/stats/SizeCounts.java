package dev.fusebench.stats;

import org.HdrHistogram.Histogram;

import java.util.Map;

/**
 * Counts per exact request size. A histogram with three significant digits files 131,056 under
 * 131,008 (its 64-byte bucket), which once read as a request size no kernel sends; request sizes
 * are the evidence, so they are kept exact. An open-addressing table, allocation-free once built;
 * beyond {@link #DISTINCT} distinct sizes further new sizes go to a coarse histogram and the
 * counts are marked inexact.
 */
final class SizeCounts {
    static final int DISTINCT = 3072;
    private static final int SLOTS = 4096; // a power of two above DISTINCT
    private final long[] keys = new long[SLOTS]; // size + 1; 0 is an empty slot
    private final long[] counts = new long[SLOTS];
    private int distinct;
    private Histogram overflow;

    void record(long size) {
        long key = size + 1;
        int i = (int) (key * 0x9E3779B97F4A7C15L >>> 52); // 12 bits: the table's index
        for (;;) {
            long k = keys[i];
            if (k == key) { counts[i]++; return; }
            if (k == 0) break;
            i = (i + 1) & (SLOTS - 1);
        }
        if (distinct < DISTINCT) {
            keys[i] = key;
            counts[i] = 1;
            distinct++;
            return;
        }
        if (overflow == null) overflow = new Histogram(OpcodeRecorder.MAX_SIZE, 3);
        overflow.recordValue(Math.min(size, OpcodeRecorder.MAX_SIZE));
    }

    /** Adds these counts into {@code into} (size to count); returns whether they are all exact. */
    boolean addTo(Map<Long, Long> into) {
        for (int i = 0; i < SLOTS; i++) if (keys[i] != 0) into.merge(keys[i] - 1, counts[i], Long::sum);
        if (overflow == null) return true;
        for (var v : overflow.recordedValues())
            into.merge(overflow.lowestEquivalentValue(v.getValueIteratedTo()), v.getCountAtValueIteratedTo(), Long::sum);
        return false;
    }
}
