package dev.fusebench.stats;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fusebench.fuse.InitFlag;
import dev.fusebench.fuse.Negotiation;
import dev.fusebench.fuse.Opcode;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
    private final Map<String, Object> context = new LinkedHashMap<>();
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

    /** Free-form facts about the run (transport, settings, shared dir), written under "daemon". */
    public synchronized void put(String key, Object value) { context.put(key, value); }

    /** A context value {@link #put} earlier, or null. */
    public synchronized Object get(String key) { return context.get(key); }

    /** Merged per-opcode statistics of all phases; call after workers stopped for exact figures. */
    public synchronized Map<String, OpcodeSummary> summary() { return summary(-1); }

    /** Merged per-opcode statistics of one phase (an index into {@link #phases}), or of all ({@code -1}). */
    public synchronized Map<String, OpcodeSummary> summary(int onlyPhase) {
        Map<String, OpcodeSummary> out = new LinkedHashMap<>();
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
            SizeSummary ss = sizes == null ? null : SizeSummary.of(sizes, sum, max, exact);
            LatencySummary ls = lat == null ? null : new LatencySummary(
                    lat.getValueAtPercentile(50) / 1000.0, lat.getValueAtPercentile(99) / 1000.0,
                    lat.getMaxValue() / 1000.0);
            out.put(Opcode.name(s), new OpcodeSummary(count, errors, ss, ls));
        }
        return out;
    }

    public synchronized long dropped() {
        long d = 0;
        for (OpcodeRecorder r : recorders) d += r.dropped;
        return d;
    }

    /**
     * Request sizes of one opcode: exact unless more than {@link SizeCounts#DISTINCT} distinct sizes
     * came (then the rest are counted in 3-digit histogram buckets).
     * @param histogram count per size, ascending
     */
    public record SizeSummary(long max, long p50, long p99, double mean, long samples, boolean exact, Map<Long, Long> histogram) {
        static SizeSummary of(TreeMap<Long, Long> sizes, long sum, long max, boolean exact) {
            long samples = 0;
            for (long c : sizes.values()) samples += c;
            return new SizeSummary(max, percentile(sizes, samples, 0.50), percentile(sizes, samples, 0.99),
                    (double) sum / samples, samples, exact, sizes);
        }

        /** The smallest size with at least {@code q} of the samples at or below it. */
        private static long percentile(TreeMap<Long, Long> sizes, long samples, double q) {
            long need = (long) Math.ceil(q * samples), seen = 0;
            for (var e : sizes.entrySet()) if ((seen += e.getValue()) >= need) return e.getKey();
            return sizes.lastKey();
        }
    }

    public record LatencySummary(double p50, double p99, double max) {}
    public record OpcodeSummary(long count, long errors, SizeSummary size, LatencySummary latencyUs) {}

    public synchronized Map<String, Object> toJsonTree() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("daemon", new LinkedHashMap<>(context));
        root.put("uptime_s", (System.nanoTime() - startNanos) / 1e9);
        Negotiation n = negotiation;
        if (n != null) {
            Map<String, Object> neg = new LinkedHashMap<>();
            neg.put("settings", n.settingsName());
            neg.put("protocol_major", n.offered().major());
            neg.put("protocol_minor", n.offered().minor());
            neg.put("reply_minor", n.reply().minor());
            neg.put("kernel_flags", n.offered().flags());
            neg.put("kernel_flag_names", InitFlag.names(n.offered().flags()));
            neg.put("kernel_max_readahead", n.offered().maxReadahead());
            neg.put("reply_flags", n.reply().flags());
            neg.put("reply_flag_names", InitFlag.names(n.reply().flags()));
            neg.put("max_pages", n.reply().maxPages());
            neg.put("max_write", n.reply().maxWrite());
            neg.put("max_readahead", n.reply().maxReadahead());
            neg.put("max_background", n.reply().maxBackground());
            neg.put("congestion_threshold", n.reply().congestionThreshold());
            neg.put("time_gran", n.reply().timeGran());
            // under virtio-fs the queue size caps it too
            int pages = n.effectiveMaxPages();
            if (context.get("queue_size") instanceof Integer q) {
                neg.put("virtqueue_max_pages", dev.fusebench.fuse.InitOut.virtqueueMaxPages(q));
                pages = Math.min(pages, dev.fusebench.fuse.InitOut.virtqueueMaxPages(q));
            }
            neg.put("max_pages_limit", n.pagesLimit());
            neg.put("effective_max_pages", pages);
            neg.put("effective_max_write", n.effectiveMaxWrite());
            root.put("negotiation", neg);
        } else {
            root.put("negotiation", null);
        }
        root.put("opcodes", opcodesJson(summary()));
        if (phases.size() > 1) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (int i = 0; i < phases.size(); i++) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("mark", phases.get(i));
                p.put("opcodes", opcodesJson(summary(i)));
                list.add(p);
            }
            root.put("phases", list);
        }
        Map<String, Long> queues = requestsPerQueue();
        if (!queues.isEmpty()) root.put("requests_per_queue", queues);
        root.put("dropped_requests", dropped());
        if (marksIgnored > 0) root.put("marks_ignored", marksIgnored);
        return root;
    }

    private static Map<String, Object> opcodesJson(Map<String, OpcodeSummary> summary) {
        Map<String, Object> ops = new LinkedHashMap<>();
        for (var e : summary.entrySet()) {
            OpcodeSummary s = e.getValue();
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("count", s.count());
            o.put("errors", s.errors());
            if (s.size() != null) {
                Map<String, Object> size = new LinkedHashMap<>();
                size.put("max", s.size().max());
                size.put("p50", s.size().p50());
                size.put("p99", s.size().p99());
                size.put("mean", s.size().mean());
                size.put("exact", s.size().exact());
                Map<String, Long> h = new LinkedHashMap<>();
                s.size().histogram().forEach((k, v) -> h.put(Long.toString(k), v));
                size.put("histogram", h);
                o.put("size", size);
            }
            if (s.latencyUs() != null) {
                o.put("latency_us", Map.of("p50", s.latencyUs().p50(), "p99", s.latencyUs().p99(), "max", s.latencyUs().max()));
            }
            ops.put(e.getKey(), o);
        }
        return ops;
    }

    /** Writes the JSON atomically (temp file + rename), so a reader never sees half a file. */
    public void writeJson(Path file) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        dev.fusebench.files.PrivateFiles.write(file, mapper.writeValueAsBytes(toJsonTree()));
    }
}
