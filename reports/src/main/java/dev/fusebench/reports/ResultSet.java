package dev.fusebench.reports;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fusebench.bench.matrix.Precision;
import dev.fusebench.bench.matrix.ResultsStore;
import dev.fusebench.bench.matrix.RunLines;
import dev.fusebench.bench.results.ExtensionLine;
import dev.fusebench.bench.results.JobRequests;
import dev.fusebench.bench.results.RunLine;
import dev.fusebench.bench.results.RunResult;
import dev.fusebench.bench.results.SliceResult;
import dev.fusebench.bench.stats.Analysis;
import dev.fusebench.bench.stats.Comparison;
import dev.fusebench.bench.workload.FioResult;
import dev.fusebench.stats.DaemonFacts;
import dev.fusebench.stats.StatsFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A matrix's raw results, read back from results.jsonl alone: the environment, every run, and the
 * cells (workload x daemon x guest configuration) with their arms' measured values. Warm-ups are
 * kept for the record and left out of every statistic; failed runs are counted, never averaged.
 */
public final class ResultSet {
    /**
     * One run as the report needs it; {@code position} is its place in its block, {@code host} the machine it ran on,
     * {@code requests} its job's own FUSE requests (when recorded), {@code fio} its fio result.
     */
    public record Run(String unit, int iteration, boolean warmup, String workload, String daemon, String arm, String guest,
                      boolean ok, String failure, double value, double bandwidthMiB, double iops,
                      double clatP50Us, double clatP99Us, double daemonCpuS, double qemuCpuS, StatsFile daemonStats,
                      int position, String host, RunResult.HostNoise noise, JobRequests requests, FioResult fio) {
        public RunLines.Cell cell() { return new RunLines.Cell(workload, daemon, guest); }
    }

    /** Jobs whose host steal exceeded this share get a warning. */
    public static final double STEAL_WARNING = 0.10;

    public final Path dir;
    public final JsonNode environment;
    public final List<Run> runs = new ArrayList<>();
    public final String reference;
    public final List<String> arms = new ArrayList<>();
    /** The precision rule's decisions (iterations auto), in order. */
    public final List<ExtensionLine> extensions = new ArrayList<>();
    private final List<JsonNode> lines;
    private Analysis<RunLines.Cell> analysis;
    private Analysis<Tails.Key> tails;

    public ResultSet(Path dir) throws IOException {
        this.dir = dir;
        ResultsStore store = new ResultsStore(dir);
        if (!store.exists()) throw new IOException("no " + ResultsStore.FILE + " in " + dir);
        this.lines = store.read(false);
        JsonNode env = null;
        Set<String> armSet = new LinkedHashSet<>();
        for (JsonNode n : lines) {
            String type = n.path("type").asText();
            if (type.equals("environment")) env = n;
            else if (type.equals("run")) {
                Run r = toRun(n);
                runs.add(r);
                armSet.add(r.arm());
            } else if (ExtensionLine.isExtension(n)) extensions.add(ExtensionLine.of(n));
        }
        if (env == null) throw new IOException(store.file() + " has no environment line");
        this.environment = env;
        String ref = env.path("reference_variant").asText("");
        this.reference = ref.isEmpty() ? armSet.stream().findFirst().orElse("") : ref;
        if (armSet.contains(reference)) arms.add(reference);
        for (String a : armSet) if (!a.equals(reference)) arms.add(a);
    }

    public static String metricName(String workload) { return RunLines.metricName(workload); }

    static Run toRun(JsonNode n) {
        RunLine line = RunLine.of(n);
        RunResult r = line.result();
        boolean ok = r.ok();
        FioResult.Direction d = RunLines.direction(line);
        Map<String, Double> pct = d == null || d.clatPercentilesUs() == null ? Map.of() : d.clatPercentilesUs();
        RunResult.CpuSeconds cpu = r.cpuS();
        RunResult.HostNoise h = r.hostNoise();
        RunLines.Cell c = RunLines.cell(line);
        return new Run(line.unit(), line.iteration(), line.warmup(), c.workload(), c.daemon(), line.arm(), c.guest(), ok,
                ok ? null : r.failure() == null ? "failed" : r.failure(),
                RunLines.value(line), RunLines.bandwidthMiB(line), RunLines.iops(line),
                pct.getOrDefault("50", Double.NaN), pct.getOrDefault("99", Double.NaN),
                cpu == null ? Double.NaN : cpu.daemonS(), cpu == null ? Double.NaN : cpu.qemuS(),
                r.daemonStats(), line.position(), line.hostName() == null ? "" : line.hostName(),
                h == null ? RunResult.HostNoise.NONE : h, r.requests(), r.fio());
    }

    /** Cells in first-seen order. */
    public List<RunLines.Cell> cells() {
        Set<RunLines.Cell> s = new LinkedHashSet<>();
        for (Run r : runs) s.add(r.cell());
        return new ArrayList<>(s);
    }

    /** Measured runs (no warm-ups) of a cell and arm. */
    public List<Run> measured(RunLines.Cell c, String arm) {
        List<Run> out = new ArrayList<>();
        for (Run r : runs) if (!r.warmup() && r.arm().equals(arm) && r.cell().equals(c)) out.add(r);
        return out;
    }

    /** The paired statistics of every comparison in this result set, one family. */
    public synchronized Analysis<RunLines.Cell> analysis() {
        if (analysis == null) {
            Set<String> primary = primaryWorkloads();
            analysis = Analysis.of(observations(), reference, threshold(), c -> primary == null || primary.contains(c.workload()));
        }
        return analysis;
    }

    /**
     * The workloads the question is about: the run's --primary, else the workloads its claims name, else
     * null (every cell is primary). Their cells form the Benjamini-Hochberg family the verdicts come from.
     */
    public Set<String> primaryWorkloads() {
        if (environment.path("primary").isArray() && !environment.path("primary").isEmpty()) {
            Set<String> s = new LinkedHashSet<>();
            environment.path("primary").forEach(n -> s.add(n.asText()));
            return s;
        }
        List<Claims.Claim> claims = claimsKept();
        if (claims == null) return null;
        Set<String> s = new LinkedHashSet<>();
        for (Claims.Claim c : claims) s.add(c.workload());
        return s;
    }

    /** The claims kept in this directory ({@link Claims#FILE}), or null when it has none. */
    private List<Claims.Claim> claimsKept() {
        Path f = dir.resolve(Claims.FILE);
        if (!Files.exists(f)) return null;
        try {
            return Claims.read(f);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException(f + ": " + e.getMessage(), e);
        }
    }

    /** The tail-latency comparisons (p99, p99.9, longest) of every cell and arm, one family of their own. */
    public synchronized Analysis<Tails.Key> tails() {
        if (tails == null) tails = Tails.analysis(lines, reference, threshold());
        return tails;
    }

    /** The claims kept in this directory ({@link Claims#FILE}) judged on this run, or null when it has none. */
    public List<Claims.Judgement> claims() {
        List<Claims.Claim> claims = claimsKept();
        return claims == null ? null : Claims.judge(this, claims);
    }

    private List<Analysis.Observation<RunLines.Cell>> observations;
    private List<RunLine> runLines;

    /** The measured runs (or slices) as the statistics take them, read from the lines once. */
    private synchronized List<Analysis.Observation<RunLines.Cell>> observations() {
        if (observations == null) observations = RunLines.observations(lines);
        return observations;
    }

    /** The run lines as records, read once. */
    private synchronized List<RunLine> runLines() {
        if (runLines == null) runLines = RunLines.runs(lines);
        return runLines;
    }

    /**
     * The paired log-ratios arm/reference of a cell, in pair order: by block (boots design) or by boot
     * and round (interleaved), where both arms' runs or slices succeeded.
     */
    public List<Double> logRatios(RunLines.Cell c, String arm) {
        return pairs(c, arm).stream().map(Pair::logRatio).toList();
    }

    /** One pair of a cell: its block (boot), its round (0 in the boots design) and the log-ratio arm/reference. */
    public record Pair(int block, int round, double logRatio) {}

    /** The pairs of a cell and arm in pair order (see {@link #logRatios}). */
    public synchronized List<Pair> pairs(RunLines.Cell c, String arm) {
        record At(int block, int round) {}
        Comparator<At> order = Comparator.comparingInt(At::block).thenComparingInt(At::round);
        Map<At, Double> ref = new TreeMap<>(order), other = new HashMap<>();
        for (Analysis.Observation<RunLines.Cell> o : observations()) {
            if (!o.ok() || !o.cell().equals(c) || !(o.value() > 0)) continue;
            At at = new At(o.block(), o.round());
            if (o.arm().equals(reference)) ref.put(at, o.value());
            else if (o.arm().equals(arm)) other.put(at, o.value());
        }
        List<Pair> out = new ArrayList<>();
        ref.forEach((at, v) -> {
            if (other.containsKey(at)) out.add(new Pair(at.block(), at.round(), Math.log(other.get(at) / v)));
        });
        return out;
    }

    /** An arm's I/O errors in a cell's measured runs. */
    public Tails.Errors errors(RunLines.Cell c, String arm) { return Tails.errors(runLines(), c, arm); }

    /** Why the run has as many blocks as it has. */
    public String stopReason() {
        if (!extensions.isEmpty()) {
            ExtensionLine last = extensions.getLast();
            return last.stops() ? last.reason()
                    : "unfinished: the last decision (after " + last.blocks() + " blocks) was to extend; resume it with --resume";
        }
        JsonNode it = environment.path("iterations");
        if (it.isNumber()) return "a fixed number of iterations (--iterations " + it.asInt() + ")";
        return "unknown";
    }

    /** Wall seconds of all guest boots (warm-ups included), from each unit's recorded wall time. */
    public double wallSeconds() { return Precision.wallTimes(runLines())[0]; }

    /** Seconds of fio the runs measured (each job's time-based runtime). */
    public double fioSeconds() { return runs.size() * environment.path("runtime_s").asDouble(0); }

    /** "W min of wall time for F min of fio (R x)", or null when the runs carry no wall times. */
    public String timeUse() {
        double w = wallSeconds(), f = fioSeconds();
        if (w <= 0 || f <= 0) return null;
        return String.format(Locale.ROOT, "%.1f min of guest boots for %.1f min of fio jobs (%.2fx)", w / 60, f / 60, w / f);
    }

    /** Measured blocks that ran (any arm, any cell). */
    public int blocks() {
        return (int) runs.stream().filter(r -> !r.warmup()).mapToInt(Run::iteration).distinct().count();
    }

    public static double[] values(List<Run> runs) {
        return runs.stream().filter(Run::ok).mapToDouble(Run::value).toArray();
    }

    public static long failures(List<Run> runs) { return runs.stream().filter(r -> !r.ok()).count(); }

    public double threshold() { return environment.path("threshold_pct").asDouble(3); }

    /** Whether the run used the interleaved design (every arm in one boot, in slices); older files are boots. */
    public boolean interleaved() { return "interleaved".equals(environment.path("design").asText("boots")); }

    /** The fewest blocks (boots, interleaved) from which a verdict can come. */
    public int minBlocks() { return interleaved() ? Comparison.MIN_BOOTS : Comparison.MIN_PAIRS; }

    /** Every slice of the interleaved design, with the run it belongs to, in run order (empty for the boots design). */
    public List<Slice> slices() {
        List<Slice> out = new ArrayList<>();
        for (JsonNode n : lines) {
            if (!RunLine.isRun(n) || !n.has("slices")) continue;
            RunLine line = RunLine.of(n);
            Run r = toRun(n);
            for (SliceResult s : line.result().slices()) out.add(new Slice(r, s));
        }
        out.sort(Comparator.comparingInt((Slice s) -> s.run().iteration()).thenComparing(s -> s.run().unit())
                .thenComparingInt(s -> s.slice().id()));
        return out;
    }

    /** One slice and the run (boot, workload, arm) it belongs to. */
    public record Slice(Run run, SliceResult slice) {}


    /** Arm {@code arm} against the reference in cell c, decided in this result set's family; null for none. */
    public Comparison compare(RunLines.Cell c, String arm) { return analysis().of(c, arm); }

    /** Arms that ran in a cell (peers run only their own). */
    public List<String> armsOf(RunLines.Cell c) {
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
    public Map<Long, Long> requestSizes(String opcode, String arm) { return requestSizes(opcode, arm, null, null); }

    /** As {@link #requestSizes(String, String)}, of one daemon and guest configuration only (null: any). */
    public Map<Long, Long> requestSizes(String opcode, String arm, String daemon, String guest) {
        Map<Long, Long> m = new TreeMap<>();
        Set<String> seen = new HashSet<>();
        for (Run r : runs) {
            if (r.warmup() || !r.arm().equals(arm) || r.daemonStats() == null || !seen.add(r.unit())) continue;
            if ((daemon != null && !daemon.equals(r.daemon())) || (guest != null && !guest.equals(r.guest()))) continue;
            StatsFile.OpcodeFigures f = r.daemonStats().opcodes() == null ? null : r.daemonStats().opcodes().get(opcode);
            if (f != null && f.size() != null) f.size().histogram().forEach((size, n) -> m.merge(size, n, Long::sum));
        }
        return m;
    }

    /** The daemon's own account of its settings for an arm (cache mode, open flags, passthrough), or null. */
    public DaemonFacts daemonContext(String arm) {
        for (Run r : runs) if (r.arm().equals(arm) && r.daemonStats() != null && r.daemonStats().daemon() != null) return r.daemonStats().daemon();
        return null;
    }

    /**
     * What one guest configuration really did: request queues asked and used (the daemon's requests
     * per queue, the most queues any boot used), read_ahead_kb asked (null: the kernel's) and read back.
     */
    public record GuestSettings(int queuesAsked, int queuesUsed, Integer readaheadAsked, Integer readaheadReadBack) {
        /** One queue used and the kernel's readahead: nothing a reader needs told. */
        boolean isDefault() { return queuesAsked == 1 && queuesUsed == 1 && readaheadAsked == null; }

        String text() {
            String ra = readaheadAsked == null ? "read_ahead_kb the kernel's" : "read_ahead_kb " + readaheadAsked + " asked, "
                    + (readaheadReadBack != null ? readaheadReadBack + " read back" : "not read back");
            return "request queues " + queuesAsked + " asked, " + queuesUsed + " used (Java daemon's counts); " + ra;
        }
    }

    /** {@link GuestSettings} per guest label, in first-seen order. */
    public Map<String, GuestSettings> guestSettingsInEffect() {
        Map<String, JsonNode> guest = new LinkedHashMap<>();
        Map<String, Integer> used = new HashMap<>();
        for (JsonNode n : lines) {
            if (!RunLine.isRun(n) || !n.has("guest")) continue;
            String label = n.path("guest_key").asText(n.path("guest").path("kernel_series").asText());
            guest.put(label, n.path("guest"));
            int queues = 0;
            StatsFile stats = StatsFile.of(n.path("daemon_stats"));
            if (stats != null && stats.requestsPerQueue() != null)
                for (var e : stats.requestsPerQueue().entrySet()) if (!e.getKey().equals("queue-0") && e.getValue() > 0) queues++;
            used.merge(label, queues, Math::max);
        }
        Map<String, GuestSettings> out = new LinkedHashMap<>();
        guest.forEach((label, g) -> out.put(label, new GuestSettings(g.path("request_queues").asInt(1), used.get(label),
                g.has("readahead_kb") ? g.path("readahead_kb").asInt() : null,
                g.has("readahead_kb_read_back") ? g.path("readahead_kb_read_back").asInt() : null)));
        return out;
    }

    /** The negotiation a run of this arm recorded (the same for every run of an arm). */
    public StatsFile.Negotiated negotiation(String arm) { return negotiation(arm, null, null); }

    /** The negotiation an arm recorded with one daemon and guest configuration (null: any), or null. */
    public StatsFile.Negotiated negotiation(String arm, String daemon, String guest) {
        for (Run r : runs)
            if (r.arm().equals(arm) && r.daemonStats() != null && r.daemonStats().negotiation() != null
                    && (daemon == null || daemon.equals(r.daemon())) && (guest == null || guest.equals(r.guest())))
                return r.daemonStats().negotiation();
        return null;
    }

    /** Requests the observing proxy could not count, over all boots (each boot once). */
    public long observedMissed() {
        long n = 0;
        Set<String> seen = new HashSet<>();
        for (JsonNode l : lines)
            if (RunLine.isRun(l) && seen.add(l.path("unit").asText())) n += l.path("proxy").path("observed_missed").asLong(0);
        return n;
    }

    /** What the INIT-rewriting proxy recorded, per daemon and arm (daemons behind a proxy only), in first-seen order. */
    public Map<String, RunResult.ProxyInfo> proxied() {
        Map<String, RunResult.ProxyInfo> out = new LinkedHashMap<>();
        for (RunLine line : runLines()) {
            RunResult r = line.result();
            if (r.proxy() != null) out.putIfAbsent((r.daemon() == null ? "" : r.daemon().name()) + " · " + r.arm(), r.proxy());
        }
        return out;
    }
}
