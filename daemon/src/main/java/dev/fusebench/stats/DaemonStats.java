package dev.fusebench.stats;

import dev.fusebench.fuse.Negotiation;
import dev.fusebench.fuse.Opcode;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * All workers' recorders, the INIT exchange, and the JSON the daemon writes with --stats.
 * A run is cut into phases by marks ({@link JobMarks}: the guest looks up a marker name before
 * each job): every request is counted in exactly one phase, so the phases add up to the total.
 */
public final class DaemonStats {
    /** The phase before the first mark. */
    public static final String FIRST_PHASE = "boot";
    private final List<OpcodeRecorder> recorders = new ArrayList<>();
    private final List<String> phases = new ArrayList<>(List.of(FIRST_PHASE));
    private volatile int phase;
    private volatile Negotiation negotiation;
    private final DaemonFacts facts = new DaemonFacts();
    private final long startNanos = System.nanoTime();

    public OpcodeRecorder newRecorder() { return newRecorder("worker"); }

    public synchronized OpcodeRecorder newRecorder(String source) {
        OpcodeRecorder r = new OpcodeRecorder(phase, source);
        recorders.add(r);
        return r;
    }

    /**
     * The recorder a worker should count its next request in: {@code r} itself while the phase has
     * not changed (one volatile read), else a new one for the current phase.
     */
    public OpcodeRecorder current(OpcodeRecorder r) { return r.phase == phase ? r : newRecorder(r.source); }

    /**
     * Requests per queue, all phases: per virtqueue ("queue-N": what the guest used), or per
     * io_uring queue ("uring-N", one per host CPU) beside those read from /dev/fuse ("dev-fuse");
     * empty for /dev/fuse alone.
     */
    public synchronized Map<String, Long> requestsPerQueue() {
        Map<String, Long> out = new TreeMap<>();
        long device = 0;
        for (OpcodeRecorder r : recorders) {
            long n = 0;
            for (long c : r.count) n += c;
            if (r.source.startsWith("queue-") || r.source.startsWith("uring-")) out.merge(r.source, n, Long::sum);
            else device += n;
        }
        if (out.keySet().stream().anyMatch(k -> k.startsWith("uring-"))) out.put("dev-fuse", device);
        return out;
    }

    /** Marks past {@link JobMarks#MAX_PHASES}, ignored. */
    private long marksIgnored;

    /**
     * Starts a new phase named {@code label}: requests from now on count in it. Bounded
     * ({@link JobMarks#MAX_PHASES}); a repeat of the current label continues the current phase.
     */
    public synchronized void mark(String label) {
        if (label.equals(phases.getLast())) return;
        if (phases.size() >= JobMarks.MAX_PHASES) { marksIgnored++; return; }
        phases.add(label);
        phase = phases.size() - 1;
    }

    public synchronized List<String> phases() { return List.copyOf(phases); }

    public void negotiated(Negotiation n) { this.negotiation = n; }

    public Negotiation negotiation() { return negotiation; }

    /** Facts about the run (transport, settings, shared dir, ...), written under "daemon": set them where they become known. */
    public DaemonFacts facts() { return facts; }

    /** Merged per-opcode statistics of all phases; call after workers stopped for exact figures. */
    public synchronized Map<String, StatsFile.OpcodeFigures> summary() { return summary(-1); }

    /** Merged per-opcode statistics of one phase (an index into {@link #phases}), or of all ({@code -1}). */
    public synchronized Map<String, StatsFile.OpcodeFigures> summary(int onlyPhase) {
        Map<String, StatsFile.OpcodeFigures> out = new LinkedHashMap<>();
        for (int s = 0; s < Opcode.TABLE_SIZE; s++) {
            long count = 0, errors = 0, sum = 0, max = 0;
            TreeMap<Long, Long> sizes = null;
            boolean exact = true;
            Histogram lat = null;
            for (OpcodeRecorder r : recorders) {
                if (onlyPhase >= 0 && r.phase != onlyPhase) continue;
                count += r.count[s];
                errors += r.errors[s];
                sum += r.sizeSum[s];
                max = Math.max(max, r.sizeMax[s]);
                if (r.sizes[s] != null) { if (sizes == null) sizes = new TreeMap<>(); exact &= r.sizes[s].addTo(sizes); }
                if (r.latencies[s] != null) { if (lat == null) lat = new Histogram(OpcodeRecorder.MAX_LATENCY_NS, 2); lat.add(r.latencies[s]); }
            }
            if (count == 0) continue;
            StatsFile.Sizes ss = sizes == null ? null : sizes(sizes, sum, max, exact);
            StatsFile.Latency ls = lat == null ? null : new StatsFile.Latency(
                    lat.getValueAtPercentile(50) / 1000.0, lat.getValueAtPercentile(99) / 1000.0,
                    lat.getMaxValue() / 1000.0);
            out.put(Opcode.name(s), new StatsFile.OpcodeFigures(count, errors, ss, ls));
        }
        return out;
    }

    private static StatsFile.Sizes sizes(TreeMap<Long, Long> sizes, long sum, long max, boolean exact) {
        long samples = 0;
        for (long c : sizes.values()) samples += c;
        return new StatsFile.Sizes(max, percentile(sizes, samples, 0.50), percentile(sizes, samples, 0.99), (double) sum / samples, exact, sizes);
    }

    /** The smallest size with at least {@code q} of the samples at or below it. */
    private static long percentile(TreeMap<Long, Long> sizes, long samples, double q) {
        long need = (long) Math.ceil(q * samples), seen = 0;
        for (var e : sizes.entrySet()) if ((seen += e.getValue()) >= need) return e.getKey();
        return sizes.lastKey();
    }

    public synchronized long dropped() {
        long d = 0;
        for (OpcodeRecorder r : recorders) d += r.dropped;
        return d;
    }

    /** The statistics file's tree as it stands. */
    public synchronized StatsFile snapshot() {
        Negotiation n = negotiation;
        List<StatsFile.Phase> byPhase = null;
        if (phases.size() > 1) {
            byPhase = new ArrayList<>();
            for (int i = 0; i < phases.size(); i++) byPhase.add(new StatsFile.Phase(phases.get(i), summary(i)));
        }
        Map<String, Long> queues = requestsPerQueue();
        return new StatsFile(facts, (System.nanoTime() - startNanos) / 1e9, n == null ? null : StatsFile.Negotiated.of(n, facts.queueSize),
                summary(), byPhase, queues.isEmpty() ? null : queues, dropped(), marksIgnored > 0 ? marksIgnored : null);
    }

    /** Writes the statistics file atomically (temp file + rename), so a reader never sees half a file. */
    public void writeJson(Path file) throws IOException { snapshot().write(file); }
}
