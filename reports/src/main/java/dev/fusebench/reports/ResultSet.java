package dev.fusebench.reports;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fusebench.bench.matrix.ResultsStore;
import dev.fusebench.bench.stats.Comparison;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A matrix's raw results, read back from results.jsonl alone: the environment, every run, and the
 * cells (workload x daemon x guest configuration) with their arms' measured values. Warm-ups are
 * kept for the record and left out of every statistic; failed runs are counted, never averaged.
 */
public final class ResultSet {
    /** One run as the report needs it. */
    public record Run(String unit, int iteration, boolean warmup, String workload, String daemon, String arm, String guest,
                      boolean ok, String failure, double value, double bandwidthMiB, double iops,
                      double clatP50Us, double clatP99Us, double daemonCpuS, double qemuCpuS, JsonNode daemonStats) {}

    /** A cell: one workload on one daemon and guest configuration. */
    public record CellKey(String workload, String daemon, String guest) {
        public String label() { return workload + " · " + daemon + " · " + guest; }
    }

    public final Path dir;
    public final JsonNode environment;
    public final List<Run> runs = new ArrayList<>();
    public final String reference;
    public final List<String> arms = new ArrayList<>();

    public ResultSet(Path dir) throws IOException {
        this.dir = dir;
        ResultsStore store = new ResultsStore(dir);
        if (!store.exists()) throw new IOException("no " + ResultsStore.FILE + " in " + dir);
        List<JsonNode> lines = store.read(false);
        JsonNode env = null;
        Set<String> armSet = new LinkedHashSet<>();
        for (JsonNode n : lines) {
            String type = n.path("type").asText();
            if (type.equals("environment")) env = n;
            else if (type.equals("run")) {
                Run r = toRun(n);
                runs.add(r);
                armSet.add(r.arm());
            }
        }
        if (env == null) throw new IOException(store.file() + " has no environment line");
        this.environment = env;
        String ref = env.path("reference_variant").asText("");
        this.reference = ref.isEmpty() ? armSet.stream().findFirst().orElse("") : ref;
        if (armSet.contains(reference)) arms.add(reference);
        for (String a : armSet) if (!a.equals(reference)) arms.add(a);
    }

    /** IOPS for random workloads, bandwidth (MiB/s) for the rest: the figure the seed compared. */
    public static boolean usesIops(String workload) { return workload.contains("rand"); }

    public static String metricName(String workload) { return usesIops(workload) ? "IOPS" : "MiB/s"; }

    static Run toRun(JsonNode n) {
        String workload = n.path("workload").asText();
        boolean ok = "ok".equals(n.path("status").asText());
        JsonNode fio = n.path("fio");
        JsonNode dir = fio.path("read").path("ioBytes").asLong() > 0 ? fio.path("read") : fio.path("write");
        double bw = dir.path("bandwidthBytesPerSec").asDouble(Double.NaN) / 1048576.0;
        double iops = dir.path("iops").asDouble(Double.NaN);
        JsonNode pct = dir.path("clatPercentilesUs");
        return new Run(n.path("unit").asText(), n.path("iteration").asInt(), n.path("warmup").asBoolean(), workload,
                n.path("daemon").path("name").asText(), n.path("arm").asText(n.path("variant").asText()),
                n.path("guest_key").asText(n.path("guest").path("kernel_series").asText()),
                ok, ok ? null : n.path("failure").asText("failed"),
                ok ? (usesIops(workload) ? iops : bw) : Double.NaN, bw, iops,
                pct.path("50").asDouble(Double.NaN), pct.path("99").asDouble(Double.NaN),
                n.path("cpu_s").path("daemon_s").asDouble(Double.NaN), n.path("cpu_s").path("qemu_s").asDouble(Double.NaN),
                n.has("daemon_stats") ? n.get("daemon_stats") : null);
    }

    /** Cells in first-seen order. */
    public List<CellKey> cells() {
        Set<CellKey> s = new LinkedHashSet<>();
        for (Run r : runs) s.add(new CellKey(r.workload(), r.daemon(), r.guest()));
        return new ArrayList<>(s);
    }

    /** Measured runs (no warm-ups) of a cell and arm. */
    public List<Run> measured(CellKey c, String arm) {
        List<Run> out = new ArrayList<>();
        for (Run r : runs) {
            if (!r.warmup() && r.arm().equals(arm) && r.workload().equals(c.workload()) && r.daemon().equals(c.daemon())
                    && r.guest().equals(c.guest())) out.add(r);
        }
        return out;
    }

    public static double[] values(List<Run> runs) {
        return runs.stream().filter(Run::ok).mapToDouble(Run::value).toArray();
    }

    public static long failures(List<Run> runs) { return runs.stream().filter(r -> !r.ok()).count(); }

    public double threshold() { return environment.path("threshold_pct").asDouble(3); }

    public long seed() { return environment.path("seed").asLong(1); }

    /** Arm {@code arm} against the reference in cell c; null when either has no runs. */
    public Comparison compare(CellKey c, String arm) {
        double[] a = values(measured(c, reference)), b = values(measured(c, arm));
        if (a.length == 0 || b.length == 0) return null;
        return Comparison.of(a, b, threshold(), seed() ^ c.hashCode() ^ arm.hashCode());
    }

    /** Arms that ran in a cell (peers run only their own). */
    public List<String> armsOf(CellKey c) {
        List<String> out = new ArrayList<>();
        for (String a : arms) if (!measured(c, a).isEmpty()) out.add(a);
        return out;
    }

    public List<Run> failed() {
        return runs.stream().filter(r -> !r.ok()).toList();
    }

    /**
     * READ or WRITE request sizes of an arm: size -> count, summed over its measured guest boots.
     * The daemon's statistics cover a whole boot (all its workloads), so each boot counts once.
     */
    public Map<Long, Long> requestSizes(String opcode, String arm) {
        Map<Long, Long> m = new java.util.TreeMap<>();
        Set<String> seen = new java.util.HashSet<>();
        for (Run r : runs) {
            if (r.warmup() || !r.arm().equals(arm) || r.daemonStats() == null || !seen.add(r.unit())) continue;
            JsonNode h = r.daemonStats().path("opcodes").path(opcode).path("size").path("histogram");
            h.fields().forEachRemaining(e -> m.merge(Long.parseLong(e.getKey()), e.getValue().asLong(), Long::sum));
        }
        return m;
    }

    /** The negotiation a run of this arm recorded (the same for every run of an arm). */
    public JsonNode negotiation(String arm) {
        for (Run r : runs) if (r.arm().equals(arm) && r.daemonStats() != null) return r.daemonStats().path("negotiation");
        return null;
    }
}
