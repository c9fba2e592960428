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

/** All workers' recorders, the INIT exchange, and the JSON the daemon writes with --stats. */
public final class DaemonStats {
    private final List<OpcodeRecorder> recorders = new ArrayList<>();
    private volatile Negotiation negotiation;
    private final Map<String, Object> context = new LinkedHashMap<>();
    private final long startNanos = System.nanoTime();

    public synchronized OpcodeRecorder newRecorder() {
        OpcodeRecorder r = new OpcodeRecorder();
        recorders.add(r);
        return r;
    }

    public void negotiated(Negotiation n) { this.negotiation = n; }

    public Negotiation negotiation() { return negotiation; }

    /** Free-form facts about the run (transport, settings, shared dir), written under "daemon". */
    public synchronized void put(String key, Object value) { context.put(key, value); }

    /** Merged per-opcode statistics; call after workers stopped for exact figures. */
    public synchronized Map<String, OpcodeSummary> summary() {
        Map<String, OpcodeSummary> out = new LinkedHashMap<>();
        for (int s = 0; s < Opcode.TABLE_SIZE; s++) {
            long count = 0, errors = 0, sum = 0, max = 0;
            Histogram size = null, lat = null;
            for (OpcodeRecorder r : recorders) {
                count += r.count[s];
                errors += r.errors[s];
                sum += r.sizeSum[s];
                max = Math.max(max, r.sizeMax[s]);
                if (r.sizes[s] != null) { if (size == null) size = new Histogram(OpcodeRecorder.MAX_SIZE, 3); size.add(r.sizes[s]); }
                if (r.latencies[s] != null) { if (lat == null) lat = new Histogram(OpcodeRecorder.MAX_LATENCY_NS, 2); lat.add(r.latencies[s]); }
            }
            if (count == 0) continue;
            SizeSummary ss = size == null ? null : new SizeSummary(max,
                    size.lowestEquivalentValue(size.getValueAtPercentile(50)),
                    size.lowestEquivalentValue(size.getValueAtPercentile(99)),
                    (double) sum / size.getTotalCount(), size.getTotalCount());
            LatencySummary ls = lat == null ? null : new LatencySummary(
                    lat.getValueAtPercentile(50) / 1000.0, lat.getValueAtPercentile(99) / 1000.0,
                    lat.getMaxValue() / 1000.0);
            out.put(Opcode.name(s), new OpcodeSummary(count, errors, ss, ls, size == null ? null : histogramBuckets(size)));
        }
        return out;
    }

    public synchronized long dropped() {
        long d = 0;
        for (OpcodeRecorder r : recorders) d += r.dropped;
        return d;
    }

    public record SizeSummary(long max, long p50, long p99, double mean, long samples) {}
    public record LatencySummary(double p50, double p99, double max) {}
    public record OpcodeSummary(long count, long errors, SizeSummary size, LatencySummary latencyUs, Map<String, Long> sizeBuckets) {}

    /** Counts per distinct size (lower bound of each recorded bucket), the evidence of request sizes. */
    private static Map<String, Long> histogramBuckets(Histogram h) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (var v : h.recordedValues()) out.put(Long.toString(h.lowestEquivalentValue(v.getValueIteratedTo())), v.getCountAtValueIteratedTo());
        return out;
    }

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
                pages = n.reply().effectiveMaxPages(q);
            }
            neg.put("effective_max_pages", pages);
            neg.put("effective_max_write", n.effectiveMaxWrite());
            root.put("negotiation", neg);
        } else {
            root.put("negotiation", null);
        }
        Map<String, Object> ops = new LinkedHashMap<>();
        for (var e : summary().entrySet()) {
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
                size.put("histogram", s.sizeBuckets());
                o.put("size", size);
            }
            if (s.latencyUs() != null) {
                o.put("latency_us", Map.of("p50", s.latencyUs().p50(), "p99", s.latencyUs().p99(), "max", s.latencyUs().max()));
            }
            ops.put(e.getKey(), o);
        }
        root.put("opcodes", ops);
        root.put("dropped_requests", dropped());
        return root;
    }

    /** Writes the JSON atomically (temp file + rename), so a reader never sees half a file. */
    public void writeJson(Path file) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        dev.fusebench.files.PrivateFiles.write(file, mapper.writeValueAsBytes(toJsonTree()));
    }
}
