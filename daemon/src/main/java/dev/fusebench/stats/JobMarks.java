package dev.fusebench.stats;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Job boundaries, marked in band: before each job the guest (or the host-fuse runner) looks up
 * {@code .fusebench-job-N} in the share's root, and {@code .fusebench-end} after the last. The
 * lookup travels the same queue as the job's requests, after the previous job's data was synced,
 * so a daemon (or the observing proxy) that sees it knows exactly which requests belong to which
 * job, with no clock or side channel to race. The name does not exist; the lookup fails as any
 * other would.
 */
public final class JobMarks {
    private JobMarks() {}

    public static final String PREFIX = ".fusebench-";
    /**
     * The most phases a run keeps. Anyone in the guest can look a marker name up, and each phase
     * holds its own histograms (some 40 KB a worker): past this, marks are counted and ignored, and
     * requests count in the last phase. A mark that repeats the current phase's label starts none.
     * The controller's longest runs mark a few hundred jobs and slices.
     */
    public static final int MAX_PHASES = 1024;
    private static final byte[] PREFIX_BYTES = PREFIX.getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_LABEL = 32;

    /** The marker name looked up before job {@code n} (1-based). */
    public static String beforeJob(int n) { return PREFIX + jobLabel(n); }

    /** The phase label of job {@code n} (1-based). */
    public static String jobLabel(int n) { return "job-" + n; }

    /** The marker name looked up after the last job. */
    public static final String END = PREFIX + "end";

    /**
     * The label of the marker name in {@code name[from, end)} (no NUL), or null when it is none.
     * Allocates only for a marker.
     */
    public static String label(MemorySegment name, long from, long end) {
        long n = end - from;
        if (n <= PREFIX_BYTES.length || n > PREFIX_BYTES.length + MAX_LABEL) return null;
        for (int i = 0; i < PREFIX_BYTES.length; i++) if (name.get(JAVA_BYTE, from + i) != PREFIX_BYTES[i]) return null;
        byte[] label = new byte[(int) (n - PREFIX_BYTES.length)];
        for (int i = 0; i < label.length; i++) {
            byte b = name.get(JAVA_BYTE, from + PREFIX_BYTES.length + i);
            if (!(b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '-')) return null;
            label[i] = b;
        }
        return new String(label, StandardCharsets.US_ASCII);
    }
}
