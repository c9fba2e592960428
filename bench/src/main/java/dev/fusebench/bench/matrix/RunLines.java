package dev.fusebench.bench.matrix;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fusebench.bench.stats.Analysis;

import java.util.ArrayList;
import java.util.List;

/** What the statistics read from a run line of results.jsonl: its cell, arm, block and figure. */
public final class RunLines {
    private RunLines() {}

    /** A cell: one workload on one daemon and guest configuration. */
    public record Cell(String workload, String daemon, String guest) {
        public String label() { return workload + " · " + daemon + " · " + guest; }
    }

    /** IOPS for random workloads, bandwidth (MiB/s) for the rest: the figure the seed compared. */
    public static boolean usesIops(String workload) { return workload.contains("rand"); }

    public static String metricName(String workload) { return usesIops(workload) ? "IOPS" : "MiB/s"; }

    public static boolean ok(JsonNode run) { return "ok".equals(run.path("status").asText()); }

    /** The direction fio moved data in (read, else write). */
    public static JsonNode direction(JsonNode run) {
        JsonNode fio = run.path("fio");
        return fio.path("read").path("ioBytes").asLong() > 0 ? fio.path("read") : fio.path("write");
    }

    public static double bandwidthMiB(JsonNode run) { return direction(run).path("bandwidthBytesPerSec").asDouble(Double.NaN) / 1048576.0; }

    public static double iops(JsonNode run) { return direction(run).path("iops").asDouble(Double.NaN); }

    /** The compared figure of a successful run, NaN for a failed one. */
    public static double value(JsonNode run) {
        if (!ok(run)) return Double.NaN;
        return usesIops(run.path("workload").asText()) ? iops(run) : bandwidthMiB(run);
    }

    public static Cell cell(JsonNode run) {
        return new Cell(run.path("workload").asText(), run.path("daemon").path("name").asText(),
                run.path("guest_key").asText(run.path("guest").path("kernel_series").asText()));
    }

    public static String arm(JsonNode run) { return run.path("arm").asText(run.path("variant").asText()); }

    /** The measured (not warm-up) runs among these lines, as the statistics take them. */
    public static List<Analysis.Observation<Cell>> observations(List<JsonNode> lines) {
        List<Analysis.Observation<Cell>> out = new ArrayList<>();
        for (JsonNode n : lines) {
            if (!"run".equals(n.path("type").asText()) || n.path("warmup").asBoolean()) continue;
            out.add(new Analysis.Observation<>(cell(n), arm(n), n.path("iteration").asInt(), ok(n), value(n)));
        }
        return out;
    }
}
