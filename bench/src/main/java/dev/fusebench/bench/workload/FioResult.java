package dev.fusebench.bench.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The figures of one fio job (fio's JSON output), per direction. */
public record FioResult(String job, int error, Direction read, Direction write, String fioVersion) {

    /**
     * One direction of I/O; {@code clatPercentilesUs} maps "50", "99", ... to completion latency in µs;
     * {@code ios} is the number of I/Os fio issued (its total_ios; 0 in results written before it was kept).
     */
    public record Direction(long ioBytes, double bandwidthBytesPerSec, double iops, long runtimeMs,
                            double clatMeanUs, Map<String, Double> clatPercentilesUs, long ios) {
        public Direction(long ioBytes, double bandwidthBytesPerSec, double iops, long runtimeMs, double clatMeanUs, Map<String, Double> clatPercentilesUs) {
            this(ioBytes, bandwidthBytesPerSec, iops, runtimeMs, clatMeanUs, clatPercentilesUs, 0);
        }

        public boolean active() { return ioBytes > 0; }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public static FioResult parse(String json) throws IOException { return parse(json, null); }

    /**
     * The job named {@code job} when fio ran several (a setup job before the measured one, as the
     * meta-stat and meta-delete workloads have), else the first.
     */
    public static FioResult parse(String json, String job) throws IOException {
        int start = json.indexOf('{');
        if (start < 0) throw new IOException("no JSON object in fio output");
        JsonNode root = JSON.readTree(json.substring(start));
        JsonNode jobs = root.path("jobs");
        if (!jobs.isArray() || jobs.isEmpty()) throw new IOException("fio output has no jobs");
        JsonNode j = jobs.get(0);
        for (JsonNode each : jobs) if (job != null && job.equals(each.path("jobname").asText())) j = each;
        return new FioResult(j.path("jobname").asText(), j.path("error").asInt(0),
                direction(j.path("read")), direction(j.path("write")), root.path("fio version").asText(""));
    }

    private static Direction direction(JsonNode d) {
        Map<String, Double> pct = new LinkedHashMap<>();
        JsonNode p = d.path("clat_ns").path("percentile");
        for (String k : new String[]{"50.000000", "90.000000", "99.000000", "99.900000"}) {
            if (p.has(k)) pct.put(k.substring(0, k.indexOf('.')) + (k.startsWith("99.9") ? ".9" : ""), p.get(k).asDouble() / 1000.0);
        }
        // the longest completion beside the percentiles (a stall hides above p99.9 in a short job)
        if (d.path("clat_ns").has("max") && d.path("total_ios").asLong() > 0) pct.put(MAX, d.path("clat_ns").path("max").asDouble() / 1000.0);
        return new Direction(d.path("io_bytes").asLong(), d.path("bw_bytes").asDouble(), d.path("iops").asDouble(),
                d.path("runtime").asLong(), d.path("clat_ns").path("mean").asDouble() / 1000.0, pct, d.path("total_ios").asLong());
    }

    /** The key of the longest completion in {@link Direction#clatPercentilesUs}. */
    public static final String MAX = "max";

    public boolean ok() { return error == 0 && (read.active() || write.active()); }

    /** The direction the job moved data in: read, else write. */
    public Direction primary() { return read != null && read.active() ? read : write; }

    /**
     * Several fio results of one job taken together (an interleaved arm's measured slices): bytes, I/Os
     * and time added, rates over the total time, each latency percentile the median of the parts', the
     * longest completion the longest of all.
     */
    public static FioResult together(String job, List<FioResult> parts) {
        if (parts.isEmpty()) return null;
        return new FioResult(job, 0, together(parts.stream().map(FioResult::read).toList()),
                together(parts.stream().map(FioResult::write).toList()), parts.getFirst().fioVersion());
    }

    private static Direction together(List<Direction> parts) {
        long bytes = 0, ios = 0, ms = 0;
        double clatSum = 0;
        Map<String, List<Double>> pct = new LinkedHashMap<>();
        for (Direction d : parts) {
            if (d == null) continue;
            bytes += d.ioBytes();
            ios += d.ios();
            ms += d.runtimeMs();
            clatSum += d.clatMeanUs() * d.ios();
            if (d.active() && d.clatPercentilesUs() != null) d.clatPercentilesUs().forEach((k, v) -> pct.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
        }
        Map<String, Double> medians = new LinkedHashMap<>();
        pct.forEach((k, v) -> {
            double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            medians.put(k, k.equals(MAX) ? a[a.length - 1] : a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2);
        });
        double secs = ms / 1000.0;
        return new Direction(bytes, secs > 0 ? bytes / secs : 0, secs > 0 ? ios / secs : 0, ms, ios > 0 ? clatSum / ios : 0, medians, ios);
    }
}
