package dev.fusebench.reports;

import dev.fusebench.bench.matrix.RunLines;
import dev.fusebench.bench.stats.Comparison;
import dev.fusebench.bench.stats.Summary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Builds a report from a results directory alone: summary.md (the table to paste into a pull
 * request), results.csv (every run; with the interleaved design slices.csv, every slice), charts/*.png, and report.html, a single self-contained page
 * with the charts embedded.
 */
public final class ReportBuilder {
    private ReportBuilder() {}

    public static Path build(Path dir) throws IOException {
        ResultSet rs = new ResultSet(dir);
        Path charts = Files.createDirectories(dir.resolve("charts"));
        List<Row> rows = rows(rs);
        Files.writeString(dir.resolve("summary.md"), SummaryMarkdown.markdown(rs, rows));
        Files.writeString(dir.resolve("results.csv"), CsvFiles.csv(rs));
        if (rs.interleaved()) Files.writeString(dir.resolve("slices.csv"), CsvFiles.slicesCsv(rs));
        Files.writeString(dir.resolve("pairs.csv"), CsvFiles.pairsCsv(rs, rows));
        List<Figure> figures = charts(rs, rows, charts);
        Path html = dir.resolve("report.html");
        Files.writeString(html, Html.page(rs, rows, figures, SummaryMarkdown.markdownTable(rs, rows)));
        return html;
    }

    /** One line of the summary: an arm against the reference in one cell. */
    record Row(RunLines.Cell cell, String arm, Summary ref, Summary other, Comparison cmp,
               long refFailed, long otherFailed, double refP50, double refP99, double otherP50, double otherP99) {}

    static List<Row> rows(ResultSet rs) {
        List<Row> out = new ArrayList<>();
        for (RunLines.Cell c : rs.cells()) {
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

    static String share(double v) { return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f%%", v * 100); }

    static String pval(double p) {
        if (Double.isNaN(p)) return "–";
        return p < 0.001 ? "<0.001" : String.format(Locale.ROOT, "%.3f", p);
    }

    /** The figures of one summary row, as text, in the order of {@link #COLUMNS}. */
    static List<String> cells(ResultSet rs, Row r) {
        Comparison c = r.cmp();
        String verdict = (c == null ? (r.ref() == null ? "peer (no comparison)" : "one arm") : verdictText(c)) + tailsAndErrors(rs, r);
        String ci = ci(c);
        List<Double> pairs = c == null ? List.of() : rs.logRatios(r.cell(), r.arm());
        String ahead = pairs.isEmpty() ? "–" : pairs.stream().filter(x -> x > 0).count() + " of " + pairs.size();
        String sd = pairs.size() < 2 ? "–" : String.format(Locale.ROOT, "%.3f", Summary.of(pairs.stream().mapToDouble(Double::doubleValue).toArray()).stddev());
        String n = c == null ? (r.other() != null ? r.other().n() + failed(r.otherFailed()) : r.ref().n() + failed(r.refFailed()))
                : interleaved(c) ? c.pairs() + " boots, " + c.rounds() + " rounds" + (c.overRounds() ? " (t over rounds)" : "") + (c.dropped() > 0 ? " (" + c.dropped() + " boots dropped)" : "")
                : c.pairs() + (c.dropped() > 0 ? " (" + c.dropped() + " dropped)" : "");
        return List.of(r.cell().workload(), r.cell().daemon() + " · " + r.cell().guest(), ResultSet.metricName(r.cell().workload()),
                r.ref() == null ? "–" : num(r.ref().median()), r.arm(), r.other() == null ? "–" : num(r.other().median()),
                c == null ? "–" : pct(c.effectPct()), ci, c == null ? "–" : pval(c.p()), c == null ? "–" : pval(c.q()),
                ahead, mde(c), sd, verdict, n);
    }

    static boolean interleaved(Comparison c) { return "interleaved".equals(c.design()); }

    /** A comparison's 95% interval as the tables give it ("[+1.2%, +9.8%]"), or "–". */
    static String ci(Comparison c) {
        return c == null || Double.isNaN(c.ciLowPct()) ? "–" : "[" + pct(c.ciLowPct()) + ", " + pct(c.ciHighPct()) + "]";
    }

    /** The smallest change the design finds with 80% power, both ways on the ratio scale ("-18% / +22%"), or "–". */
    static String mde(Comparison c) {
        if (c == null || Double.isNaN(c.mdePct())) return "–";
        double log = Math.log1p(c.mdePct() / 100);
        return String.format(Locale.ROOT, "%+.1f%% / %+.1f%%", Math.expm1(-log) * 100, c.mdePct());
    }

    /**
     * One line a reviewer reads first: the cell, the arm against the reference, Δ [95% CI], the verdict
     * with its tails and errors, and the evidence of why ("2.00 READs of 64 KiB per I/O -> 1.00 of 128 KiB");
     * null for a row without a comparison.
     */
    static String headline(ResultSet rs, Row r) {
        Comparison c = r.cmp();
        if (c == null) return null;
        String ci = Double.isNaN(c.ciLowPct()) ? "" : " " + ci(c);
        String why = Findings.evidence(rs, r.cell(), r.arm());
        return "**" + r.cell().workload() + "** (" + r.cell().daemon() + " · " + r.cell().guest() + "), " + r.arm() + " against " + rs.reference
                + ": " + pct(c.effectPct()) + ci + " **" + verdictText(c) + "**" + tailsAndErrors(rs, r) + (why == null ? "" : "; " + why);
    }

    /**
     * What follows the throughput verdict in its row: tails whose latency is longer (or shorter) than
     * the reference's, and I/O errors, of the arm and of the reference (", tail slower (p99.9 +310% [+120%, +520%])").
     */
    static String tailsAndErrors(ResultSet rs, Row r) {
        StringBuilder sb = new StringBuilder();
        if (r.cmp() != null) {
            List<String> longer = Tails.longer(rs.tails(), r.cell(), r.arm()), shorter = Tails.shorter(rs.tails(), r.cell(), r.arm());
            if (!longer.isEmpty()) sb.append(", tail slower (").append(String.join("; ", longer)).append(')');
            if (!shorter.isEmpty()) sb.append(", tail faster (").append(String.join("; ", shorter)).append(')');
        }
        Tails.Errors arm = rs.errors(r.cell(), r.arm());
        if (arm.total() > 0) sb.append(", I/O errors in the arm: ").append(arm.text());
        if (r.ref() != null && !r.arm().equals(rs.reference)) {
            Tails.Errors ref = rs.errors(r.cell(), rs.reference);
            if (ref.total() > 0) sb.append(", I/O errors in ").append(rs.reference).append(": ").append(ref.text());
        }
        return sb.toString();
    }

    /**
     * The verdict as the table gives it: an interleaved cell that is inconclusive says the largest
     * effect its 90% interval still allows ("Δ within ±12%"), so "no effect" and "could not have seen one" differ.
     */
    static String verdictText(Comparison c) {
        if (interleaved(c) && c.verdict() == Comparison.Verdict.INCONCLUSIVE && !Double.isNaN(c.excludesPct()))
            return c.verdict().label + " (Δ within ±" + num(c.excludesPct()) + "%)"; // no '|': it would split a Markdown table cell
        return c.verdict().label;
    }

    static final List<String> COLUMNS = List.of("workload", "daemon · guest", "metric", "REF", "arm", "arm median", "Δ", "95% CI",
            "p", "q", "arm ahead", "MDE", "SD log-ratio", "verdict", "pairs");

    private static String failed(long n) { return n > 0 ? " +" + n + " failed" : ""; }

    private static int maxRound(List<ResultSet.Pair> pairs) { return pairs.stream().mapToInt(ResultSet.Pair::round).max().orElse(0); }

    /** A chart written as PNG, with its caption, for the HTML page. */
    record Figure(String section, String caption, Path png) {
        String dataUri() throws IOException { return "data:image/png;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(png)); }
    }

    /** An arm's median with its range (min to max) for the per-arm charts: every run is in the run-order charts. */
    static Charts.Point medianWithRange(double[] v) {
        if (v.length == 0) return null;
        Summary s = Summary.of(v);
        return new Charts.Point(s.median(), s.min(), s.max());
    }

    static List<Figure> charts(ResultSet rs, List<Row> rows, Path dir) throws IOException {
        List<Figure> figs = new ArrayList<>();
        // per workload: each arm's median with its CI, per daemon/guest
        Map<String, List<RunLines.Cell>> byWorkload = new LinkedHashMap<>();
        for (RunLines.Cell c : rs.cells()) byWorkload.computeIfAbsent(c.workload(), k -> new ArrayList<>()).add(c);
        int i = 0;
        for (var e : byWorkload.entrySet()) {
            List<String> cats = e.getValue().stream().map(c -> c.daemon() + " · " + c.guest()).toList();
            Map<String, List<Charts.Point>> series = new LinkedHashMap<>();
            for (String arm : rs.arms) {
                List<Charts.Point> pts = new ArrayList<>();
                for (RunLines.Cell c : e.getValue()) pts.add(medianWithRange(ResultSet.values(rs.measured(c, arm))));
                if (pts.stream().anyMatch(p -> p != null)) series.put(arm, pts);
            }
            Path png = dir.resolve(String.format(Locale.ROOT, "%02d-%s.png", ++i, e.getKey()));
            Charts.intervals(png, e.getKey() + ": " + ResultSet.metricName(e.getKey()) + " by variant (median, min to max)",
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
                    pts.add(r == null ? null : new Charts.Point(r.cmp().effectPct(), r.cmp().ciLowPct(), r.cmp().ciHighPct()));
                }
            }
            Path png = dir.resolve("deltas.png");
            Charts.intervals(png, "Change against " + rs.reference + " (" + (rs.interleaved() ? "over boots and rounds" : "geometric mean of the block ratios")
                    + ", 95% CI; shaded: the no-difference band)", "Δ %", cats, series, true, rs.threshold());
            figs.add(new Figure("deltas", "deltas", png));
        }
        // every measured run in run order: drift and outliers in plain sight
        int k = 0;
        for (RunLines.Cell c : rs.cells()) {
            Map<String, List<double[]>> series = new LinkedHashMap<>();
            int armsInBlock = Math.max(1, rs.runs.stream().filter(r -> !r.warmup()).mapToInt(ResultSet.Run::position).max().orElse(1));
            for (String arm : rs.armsOf(c)) {
                List<double[]> pts = new ArrayList<>();
                for (ResultSet.Run r : rs.measured(c, arm)) {
                    if (!r.ok()) continue;
                    double x = r.iteration() + (Math.max(r.position(), 1) - 1) / (double) armsInBlock;
                    pts.add(new double[]{x, r.value()});
                }
                series.put(arm, pts);
            }
            Path png = dir.resolve(String.format(Locale.ROOT, "order-%02d.png", ++k));
            Charts.runOrder(png, c.label() + ": every run in run order", "block (a point's offset inside a block is its position)",
                    ResultSet.metricName(c.workload()), series);
            figs.add(new Figure("order", c.label(), png));
        }
        // every pair the verdict rests on: its log-ratio, pair by pair (blocks, or rounds across boots)
        int j = 0;
        for (Row r : rows) {
            if (r.cmp() == null) continue;
            List<ResultSet.Pair> pairs = rs.pairs(r.cell(), r.arm());
            if (pairs.size() < 2) continue;
            List<double[]> pts = new ArrayList<>();
            for (ResultSet.Pair p : pairs) pts.add(new double[]{p.round() > 0 ? p.block() + (p.round() - 1) / (double) (maxRound(pairs) + 1) : p.block(), p.logRatio()});
            Path png = dir.resolve(String.format(Locale.ROOT, "pairs-%02d.png", ++j));
            Charts.runOrder(png, r.cell().label() + " / " + r.arm() + ": log-ratio against " + rs.reference + " per pair",
                    rs.interleaved() ? "boot (a point's offset inside a boot is its round)" : "block", "log(arm / " + rs.reference + ")",
                    Map.of(r.arm(), pts));
            figs.add(new Figure("pairs", r.cell().label() + " / " + r.arm(), png));
        }
        // request sizes: the evidence that the negotiation took effect
        for (String op : List.of("READ", "WRITE")) {
            Map<String, Map<String, Double>> series = new LinkedHashMap<>();
            TreeSet<Long> allSizes = new TreeSet<>();
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
