package dev.fusebench.reports;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fusebench.bench.stats.Comparison;
import dev.fusebench.bench.stats.Summary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Builds a report from a results directory alone: summary.md (the table to paste into a pull
 * request), results.csv (every run), charts/*.png, and report.html, a single self-contained page
 * with the charts embedded.
 */
public final class ReportBuilder {
    private ReportBuilder() {}

    public static Path build(Path dir) throws IOException {
        ResultSet rs = new ResultSet(dir);
        Path charts = Files.createDirectories(dir.resolve("charts"));
        List<Row> rows = rows(rs);
        Files.writeString(dir.resolve("summary.md"), markdown(rs, rows));
        Files.writeString(dir.resolve("results.csv"), csv(rs));
        List<Figure> figures = charts(rs, rows, charts);
        Path html = dir.resolve("report.html");
        Files.writeString(html, Html.page(rs, rows, figures, markdownTable(rs, rows)));
        return html;
    }

    /** One line of the summary: an arm against the reference in one cell. */
    record Row(ResultSet.CellKey cell, String arm, Summary ref, Summary other, Comparison cmp,
               long refFailed, long otherFailed, double refP50, double refP99, double otherP50, double otherP99) {}

    static List<Row> rows(ResultSet rs) {
        List<Row> out = new ArrayList<>();
        for (ResultSet.CellKey c : rs.cells()) {
            List<String> arms = rs.armsOf(c);
            var ref = rs.measured(c, rs.reference);
            double[] refV = ResultSet.values(ref);
            if (!arms.contains(rs.reference)) {
                // a peer daemon: its own figures, nothing to compare against
                for (String a : arms) {
                    var m = rs.measured(c, a);
                    out.add(new Row(c, a, null, Summary.of(ResultSet.values(m)), null, 0, ResultSet.failures(m),
                            Double.NaN, Double.NaN, median(m, true), median(m, false)));
                }
                continue;
            }
            for (String a : arms) {
                if (a.equals(rs.reference)) continue;
                var m = rs.measured(c, a);
                out.add(new Row(c, a, Summary.of(refV), Summary.of(ResultSet.values(m)), rs.compare(c, a),
                        ResultSet.failures(ref), ResultSet.failures(m), median(ref, true), median(ref, false),
                        median(m, true), median(m, false)));
            }
            if (arms.size() == 1) {
                out.add(new Row(c, rs.reference, Summary.of(refV), null, null, ResultSet.failures(ref), 0,
                        median(ref, true), median(ref, false), Double.NaN, Double.NaN));
            }
        }
        return out;
    }

    private static double median(List<ResultSet.Run> runs, boolean p50) {
        double[] v = runs.stream().filter(ResultSet.Run::ok).mapToDouble(r -> p50 ? r.clatP50Us() : r.clatP99Us())
                .filter(d -> !Double.isNaN(d)).toArray();
        return v.length == 0 ? Double.NaN : Summary.of(v).median();
    }

    static String num(double v) {
        if (Double.isNaN(v)) return "–";
        if (Math.abs(v) >= 100) return String.format(Locale.ROOT, "%,.0f", v);
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String pct(double v) { return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%+.1f%%", v); }

    static String pval(double p) {
        if (Double.isNaN(p)) return "–";
        return p < 0.001 ? "<0.001" : String.format(Locale.ROOT, "%.3f", p);
    }

    static String markdownTable(ResultSet rs, List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| workload | daemon · guest | metric | ").append(rs.reference).append(" | arm | arm median | Δ | 95% CI | p | verdict | n |\n");
        sb.append("|---|---|---|---:|---|---:|---:|---|---:|---|---|\n");
        for (Row r : rows) {
            String metric = ResultSet.metricName(r.cell().workload());
            String ref = r.ref() == null ? "–" : num(r.ref().median());
            String other = r.other() == null ? "–" : num(r.other().median());
            String delta = r.cmp() == null ? "–" : pct(r.cmp().deltaPct());
            String ci = r.cmp() == null || Double.isNaN(r.cmp().ciLowPct()) ? "–" : "[" + pct(r.cmp().ciLowPct()) + ", " + pct(r.cmp().ciHighPct()) + "]";
            String p = r.cmp() == null ? "–" : pval(r.cmp().p());
            String verdict = r.cmp() == null ? (r.ref() == null ? "peer (no comparison)" : "one arm") : "**" + r.cmp().verdict().label + "**";
            String n = (r.ref() == null ? "" : r.ref().n() + (r.refFailed() > 0 ? "+" + r.refFailed() + " failed" : ""))
                    + (r.other() == null ? "" : (r.ref() == null ? "" : " / ") + r.other().n() + (r.otherFailed() > 0 ? "+" + r.otherFailed() + " failed" : ""));
            sb.append("| ").append(r.cell().workload()).append(" | ").append(r.cell().daemon()).append(" · ").append(r.cell().guest())
                    .append(" | ").append(metric).append(" | ").append(ref).append(" | ").append(r.arm()).append(" | ").append(other)
                    .append(" | ").append(delta).append(" | ").append(ci).append(" | ").append(p).append(" | ").append(verdict)
                    .append(" | ").append(n).append(" |\n");
        }
        return sb.toString();
    }

    static String markdown(ResultSet rs, List<Row> rows) {
        JsonNode env = rs.environment;
        StringBuilder sb = new StringBuilder("## fusebench: ");
        sb.append(String.join(" vs ", rs.arms)).append("\n\n");
        sb.append(markdownTable(rs, rows)).append('\n');
        sb.append("Medians of ").append(env.path("iterations").asInt()).append(" interleaved iterations per arm (")
                .append(env.path("warmup").asInt()).append(" warm-up discarded, seed ").append(env.path("seed").asLong())
                .append("); Δ = change of the median against ").append(rs.reference)
                .append("; 95% CI by bootstrap; p by Mann-Whitney U; verdict: faster/slower when p < 0.05 and the CI excludes 0, ")
                .append("no difference when the CI lies within ±").append(num(rs.threshold())).append("%, else inconclusive.\n\n");
        sb.append("Accelerator: ").append(env.path("accel").asText()).append(env.path("emulated").asBoolean() ? " (emulated: absolute figures are not hardware figures)" : "")
                .append("; guests: ").append(env.path("guests").toString()).append("; host ").append(env.path("host").path("kernel").asText())
                .append(", ").append(env.path("host").path("cpu").asText()).append("; ").append(env.path("qemu").asText())
                .append("; commit ").append(env.path("git_commit").asText()).append(".\n");
        long failed = rs.failed().size();
        if (failed > 0) sb.append("\n**").append(failed).append(" failed run(s)**: see report.html.\n");
        return sb.toString();
    }

    static String csv(ResultSet rs) {
        StringBuilder sb = new StringBuilder("unit,iteration,warmup,workload,daemon,arm,guest,status,metric,value,bandwidth_mib_s,iops,clat_p50_us,clat_p99_us,daemon_cpu_s,qemu_cpu_s,failure\n");
        for (ResultSet.Run r : rs.runs) {
            sb.append(String.join(",", csvField(r.unit()), Integer.toString(r.iteration()), Boolean.toString(r.warmup()),
                    csvField(r.workload()), csvField(r.daemon()), csvField(r.arm()), csvField(r.guest()), r.ok() ? "ok" : "failed",
                    ResultSet.metricName(r.workload()), d(r.value()), d(r.bandwidthMiB()), d(r.iops()), d(r.clatP50Us()),
                    d(r.clatP99Us()), d(r.daemonCpuS()), d(r.qemuCpuS()), csvField(r.failure() == null ? "" : r.failure()))).append('\n');
        }
        return sb.toString();
    }

    private static String d(double v) { return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3f", v); }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    /** A chart written as PNG, with its caption, for the HTML page. */
    record Figure(String section, String caption, Path png) {
        String dataUri() throws IOException { return "data:image/png;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(png)); }
    }

    /** Bootstrap 95% CI of a median (seeded), for the per-arm whiskers. */
    static Charts.Point medianWithCi(double[] v, long seed) {
        if (v.length == 0) return null;
        double med = Summary.of(v).median();
        if (v.length < 2) return new Charts.Point(med, med, med);
        SplittableRandom r = new SplittableRandom(seed);
        double[] ms = new double[2000];
        double[] s = new double[v.length];
        for (int i = 0; i < ms.length; i++) {
            for (int k = 0; k < v.length; k++) s[k] = v[r.nextInt(v.length)];
            ms[i] = Summary.of(s).median();
        }
        Arrays.sort(ms);
        return new Charts.Point(med, ms[(int) (0.025 * (ms.length - 1))], ms[(int) Math.ceil(0.975 * (ms.length - 1))]);
    }

    static List<Figure> charts(ResultSet rs, List<Row> rows, Path dir) throws IOException {
        List<Figure> figs = new ArrayList<>();
        // per workload: each arm's median with its CI, per daemon/guest
        Map<String, List<ResultSet.CellKey>> byWorkload = new LinkedHashMap<>();
        for (ResultSet.CellKey c : rs.cells()) byWorkload.computeIfAbsent(c.workload(), k -> new ArrayList<>()).add(c);
        int i = 0;
        for (var e : byWorkload.entrySet()) {
            List<String> cats = e.getValue().stream().map(c -> c.daemon() + " · " + c.guest()).toList();
            Map<String, List<Charts.Point>> series = new LinkedHashMap<>();
            for (String arm : rs.arms) {
                List<Charts.Point> pts = new ArrayList<>();
                for (ResultSet.CellKey c : e.getValue()) pts.add(medianWithCi(ResultSet.values(rs.measured(c, arm)), rs.seed() + c.hashCode()));
                if (pts.stream().anyMatch(p -> p != null)) series.put(arm, pts);
            }
            Path png = dir.resolve(String.format(Locale.ROOT, "%02d-%s.png", ++i, e.getKey()));
            Charts.intervals(png, e.getKey() + ": " + ResultSet.metricName(e.getKey()) + " by variant (median, 95% CI)",
                    ResultSet.metricName(e.getKey()), cats, series, false);
            figs.add(new Figure("workloads", e.getKey(), png));
        }
        // deltas with their CIs
        List<Row> compared = rows.stream().filter(r -> r.cmp() != null).toList();
        if (!compared.isEmpty()) {
            Map<String, List<Charts.Point>> series = new LinkedHashMap<>();
            List<String> cats = new ArrayList<>();
            for (String arm : rs.arms) {
                if (arm.equals(rs.reference)) continue;
                series.put(arm + " vs " + rs.reference, new ArrayList<>());
            }
            List<String> cellLabels = new ArrayList<>();
            for (Row r : compared) if (!cellLabels.contains(r.cell().label())) cellLabels.add(r.cell().label());
            cats.addAll(cellLabels);
            for (String arm : rs.arms) {
                if (arm.equals(rs.reference)) continue;
                List<Charts.Point> pts = series.get(arm + " vs " + rs.reference);
                for (String label : cellLabels) {
                    Row r = compared.stream().filter(x -> x.arm().equals(arm) && x.cell().label().equals(label)).findFirst().orElse(null);
                    pts.add(r == null ? null : new Charts.Point(r.cmp().deltaPct(), r.cmp().ciLowPct(), r.cmp().ciHighPct()));
                }
            }
            Path png = dir.resolve("deltas.png");
            Charts.intervals(png, "Change against " + rs.reference + " (Δ of medians, 95% CI)", "Δ %", cats, series, true);
            figs.add(new Figure("deltas", "deltas", png));
        }
        // request sizes: the evidence that the negotiation took effect
        for (String op : List.of("READ", "WRITE")) {
            Map<String, Map<String, Double>> series = new LinkedHashMap<>();
            java.util.TreeSet<Long> allSizes = new java.util.TreeSet<>();
            for (String arm : rs.arms) allSizes.addAll(rs.requestSizes(op, arm).keySet());
            for (String arm : rs.arms) {
                Map<Long, Long> sizes = rs.requestSizes(op, arm);
                long total = sizes.values().stream().mapToLong(Long::longValue).sum();
                if (total == 0) continue;
                Map<String, Double> shares = new LinkedHashMap<>();
                for (long size : allSizes) shares.put(sizeLabel(size), 100.0 * sizes.getOrDefault(size, 0L) / total);
                series.put(arm, shares);
            }
            if (series.isEmpty()) continue;
            Path png = dir.resolve("sizes-" + op.toLowerCase(Locale.ROOT) + ".png");
            Charts.bars(png, op + " request sizes (share of requests, Java daemon)", "request size", "% of requests", series);
            figs.add(new Figure("sizes", op, png));
        }
        return figs;
    }

    static String sizeLabel(long bytes) {
        if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) return (bytes >> 20) + " MiB";
        if (bytes >= 1024 && bytes % 1024 == 0) return (bytes >> 10) + " KiB";
        return bytes + " B";
    }
}
