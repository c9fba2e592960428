package dev.fusebench.bench.matrix;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fusebench.bench.results.RunLine;
import dev.fusebench.bench.results.SliceResult;
import dev.fusebench.bench.stats.Analysis;
import dev.fusebench.bench.workload.FioResult;
import dev.fusebench.bench.workload.Workloads;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What the statistics read from a run line of results.jsonl: its cell, arm, block and figure. */
public final class RunLines {
    private RunLines() {}

    /** A cell: one workload on one daemon (with --arms daemons, on the daemons compared) and guest configuration. */
    public record Cell(String workload, String daemon, String guest) {
        public String label() { return workload + " · " + daemon + " · " + guest; }
    }

    /**
     * IOPS for random workloads, bandwidth (MiB/s) for the rest: the figure the seed compared. The
     * metadata workloads count files per second (fio's IOPS of their job); readdir reports entries
     * per second itself.
     */
    public static boolean usesIops(String workload) { return Workloads.usesIops(workload); }

    static boolean isMetadata(String workload) { return Workloads.isMetadata(workload); }

    public static String metricName(String workload) {
        if (Workloads.reportsOwnMetric(workload)) return "entries/s"; // readdir.sh's own figure
        if (isMetadata(workload)) return "files/s";
        return usesIops(workload) ? "IOPS" : "MiB/s";
    }

    /** The direction fio moved data in (read, else write); null when fio gave no result. */
    public static FioResult.Direction direction(RunLine run) {
        FioResult fio = run.result().fio();
        return fio == null ? null : fio.primary();
    }

    public static double bandwidthMiB(RunLine run) {
        FioResult.Direction d = direction(run);
        return d == null ? Double.NaN : d.bandwidthBytesPerSec() / 1048576.0;
    }

    public static double iops(RunLine run) {
        FioResult.Direction d = direction(run);
        return d == null ? Double.NaN : d.iops();
    }

    /** The compared figure of a successful run, NaN for a failed one. */
    public static double value(RunLine run) {
        if (!run.ok()) return Double.NaN;
        if (run.result().metric() != null) return run.result().metric(); // the job's own figure (readdir)
        return usesIops(run.workload()) ? iops(run) : bandwidthMiB(run);
    }

    public static Cell cell(RunLine run) {
        var r = run.result();
        String guest = run.guestKey() != null ? run.guestKey() : r.guest() != null ? r.guest().kernelSeries() : "";
        // --arms daemons: the daemons are the arms of one cell, named for them all
        String daemon = run.cellDaemon() != null ? run.cellDaemon() : r.daemon() == null ? "" : r.daemon().name();
        return new Cell(r.workload(), daemon, guest);
    }

    /** The run lines among the lines of results.jsonl, as records. */
    public static List<RunLine> runs(List<JsonNode> lines) {
        List<RunLine> out = new ArrayList<>();
        for (JsonNode n : lines) if (RunLine.isRun(n)) out.add(RunLine.of(n));
        return out;
    }

    /** The measured (not warm-up) runs among these lines, as the statistics take them. */
    public static List<Analysis.Observation<Cell>> observations(List<JsonNode> lines) {
        List<Analysis.Observation<Cell>> out = new ArrayList<>();
        for (Measured m : measured(lines)) {
            RunLine r = m.run();
            SliceResult s = m.slice();
            out.add(s == null ? new Analysis.Observation<>(cell(r), r.arm(), r.iteration(), r.ok(), value(r))
                    : new Analysis.Observation<>(cell(r), r.arm(), r.iteration(), s.round(), s.ok(), s.ok() ? s.value() : Double.NaN));
        }
        return out;
    }

    /** A measured run of the boots design ({@code slice} null), or one measured slice of an interleaved run (its boot is the block). */
    private record Measured(RunLine run, SliceResult slice) {}

    /** What the statistics take, in line order: measured runs, and the measured slices of interleaved runs. */
    private static List<Measured> measured(List<JsonNode> lines) {
        List<Measured> out = new ArrayList<>();
        for (RunLine r : runs(lines)) {
            if (r.warmup()) continue;
            if (r.result().slices() == null) out.add(new Measured(r, null));
            else for (SliceResult s : r.result().slices()) if (!s.warmup()) out.add(new Measured(r, s));
        }
        return out;
    }

    /** The completion-latency figures a tail comparison takes, in the order a report gives them (fio's percentile keys). */
    public static final List<String> TAILS = List.of("99", "99.9", FioResult.MAX);

    /**
     * The measured runs (or slices) as observations of one completion-latency figure ({@link #TAILS}),
     * in µs: a run or slice without it (failed, or fio gave none) is not ok. Lower is better here.
     */
    public static List<Analysis.Observation<Cell>> tailObservations(List<JsonNode> lines, String key) {
        List<Analysis.Observation<Cell>> out = new ArrayList<>();
        for (Measured m : measured(lines)) {
            RunLine r = m.run();
            SliceResult s = m.slice();
            Map<String, Double> pct;
            if (s == null) {
                FioResult.Direction d = r.ok() ? direction(r) : null;
                pct = d == null ? null : d.clatPercentilesUs();
            } else pct = s.ok() ? s.clatPercentilesUs() : null;
            Double v = pct == null ? null : pct.get(key);
            out.add(new Analysis.Observation<>(cell(r), r.arm(), r.iteration(), s == null ? 0 : s.round(), v != null && v > 0, v != null ? v : Double.NaN));
        }
        return out;
    }
}
