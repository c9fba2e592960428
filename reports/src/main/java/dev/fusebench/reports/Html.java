package dev.fusebench.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** The self-contained HTML report: tables, charts embedded as data URIs, no external resources. */
final class Html {
    private Html() {}

    static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static String page(ResultSet rs, List<ReportBuilder.Row> rows, List<ReportBuilder.Figure> figures, String markdown) throws IOException {
        JsonNode env = rs.environment;
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>fusebench report</title>\n<style>")
                .append("body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}")
                .append("table{border-collapse:collapse;margin:1em 0;font-size:14px}th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}")
                .append("th{background:#f3f3f3}td.l,th.l{text-align:left}.faster{color:#1a7f37;font-weight:bold}.slower{color:#c62828;font-weight:bold}")
                .append(".nodiff{color:#555}.inconclusive{color:#8a6d00}.warn{background:#fff4e5;padding:8px;border-left:4px solid #f0a020}")
                .append("img{max-width:100%;border:1px solid #eee;margin:0.5em 0}pre{background:#f7f7f7;padding:8px;overflow:auto;font-size:12px}")
                .append("</style></head><body>\n");
        h.append("<h1>fusebench: ").append(esc(String.join(" vs ", rs.arms))).append("</h1>\n");
        if (env.path("emulated").asBoolean()) {
            h.append("<p class=\"warn\">These guests ran under emulation (").append(esc(env.path("accel").asText()))
                    .append("): compare arms with each other, not with hardware figures.</p>\n");
        }
        h.append("<section id=\"summary\"><h2>Summary</h2>\n<table><tr><th class=\"l\">workload</th><th class=\"l\">daemon · guest</th><th>metric</th><th>")
                .append(esc(rs.reference)).append("</th><th class=\"l\">arm</th><th>arm median</th><th>Δ</th><th>95% CI</th><th>p</th><th class=\"l\">verdict</th><th>n</th></tr>\n");
        for (ReportBuilder.Row r : rows) {
            String verdict = r.cmp() == null ? (r.ref() == null ? "peer" : "one arm") : r.cmp().verdict().label;
            String cls = switch (verdict) { case "faster" -> "faster"; case "slower" -> "slower"; case "no difference" -> "nodiff"; default -> "inconclusive"; };
            h.append("<tr><td class=\"l\">").append(esc(r.cell().workload())).append("</td><td class=\"l\">").append(esc(r.cell().daemon() + " · " + r.cell().guest()))
                    .append("</td><td>").append(ResultSet.metricName(r.cell().workload())).append("</td><td>")
                    .append(r.ref() == null ? "–" : ReportBuilder.num(r.ref().median())).append("</td><td class=\"l\">").append(esc(r.arm()))
                    .append("</td><td>").append(r.other() == null ? "–" : ReportBuilder.num(r.other().median())).append("</td><td>")
                    .append(r.cmp() == null ? "–" : ReportBuilder.pct(r.cmp().deltaPct())).append("</td><td>")
                    .append(r.cmp() == null || Double.isNaN(r.cmp().ciLowPct()) ? "–" : "[" + ReportBuilder.pct(r.cmp().ciLowPct()) + ", " + ReportBuilder.pct(r.cmp().ciHighPct()) + "]")
                    .append("</td><td>").append(r.cmp() == null ? "–" : ReportBuilder.pval(r.cmp().p())).append("</td><td class=\"l ").append(cls).append("\">")
                    .append(esc(verdict)).append("</td><td>").append(r.ref() == null ? "" : r.ref().n() + (r.refFailed() > 0 ? "+" + r.refFailed() + "✗" : "") + " / ")
                    .append(r.other() == null ? "" : r.other().n() + (r.otherFailed() > 0 ? "+" + r.otherFailed() + "✗" : "")).append("</td></tr>\n");
        }
        h.append("</table>\n<p>Medians of the measured iterations (warm-ups discarded); Δ of medians against ").append(esc(rs.reference))
                .append(", 95% CI by seeded bootstrap, p by Mann-Whitney U (exact for small samples without ties). Verdict: faster/slower when p &lt; 0.05 and the CI excludes 0; ")
                .append("no difference when the CI lies within ±").append(ReportBuilder.num(rs.threshold())).append("%; otherwise inconclusive. ✗ = failed runs, counted, never averaged.</p>\n");
        h.append("<details><summary>Markdown for a pull request</summary><pre>").append(esc(markdown)).append("</pre></details></section>\n");

        h.append("<section id=\"charts\"><h2>Throughput and IOPS by variant</h2>\n");
        for (ReportBuilder.Figure f : figures) if (f.section().equals("workloads")) img(h, f);
        h.append("</section>\n<section id=\"deltas\"><h2>Deltas</h2>\n");
        for (ReportBuilder.Figure f : figures) if (f.section().equals("deltas")) img(h, f);
        h.append("</section>\n");

        h.append("<section id=\"latency\"><h2>Completion latency and CPU (medians of runs)</h2>\n"
                + "<p>fio's completion latency in µs; the CPU seconds the daemon (with its children) and QEMU used during each job. "
                + "Under emulation the daemon's CPU is taken from the guest's.</p>\n"
                + "<table><tr><th class=\"l\">workload</th><th class=\"l\">daemon · guest</th><th class=\"l\">arm</th><th>p50 µs</th><th>p99 µs</th>"
                + "<th>daemon CPU s/job</th><th>QEMU CPU s/job</th></tr>\n");
        for (ResultSet.CellKey c : rs.cells()) {
            for (String arm : rs.armsOf(c)) {
                var m = rs.measured(c, arm);
                double[] p50 = m.stream().filter(ResultSet.Run::ok).mapToDouble(ResultSet.Run::clatP50Us).filter(d -> !Double.isNaN(d)).toArray();
                double[] p99 = m.stream().filter(ResultSet.Run::ok).mapToDouble(ResultSet.Run::clatP99Us).filter(d -> !Double.isNaN(d)).toArray();
                h.append("<tr><td class=\"l\">").append(esc(c.workload())).append("</td><td class=\"l\">").append(esc(c.daemon() + " · " + c.guest()))
                        .append("</td><td class=\"l\">").append(esc(arm)).append("</td><td>")
                        .append(p50.length == 0 ? "–" : ReportBuilder.num(dev.fusebench.bench.stats.Summary.of(p50).median())).append("</td><td>")
                        .append(p99.length == 0 ? "–" : ReportBuilder.num(dev.fusebench.bench.stats.Summary.of(p99).median())).append("</td><td>")
                        .append(medianOf(m, ResultSet.Run::daemonCpuS)).append("</td><td>")
                        .append(medianOf(m, ResultSet.Run::qemuCpuS)).append("</td></tr>\n");
            }
        }
        h.append("</table></section>\n");

        h.append("<section id=\"negotiation\"><h2>Negotiation and request sizes (Java daemon)</h2>\n");
        h.append("<table><tr><th class=\"l\">arm</th><th class=\"l\">replied flags</th><th>max_pages</th><th>max_write</th><th>max_readahead</th><th>max_background</th><th>congestion_threshold</th><th>READ size max</th><th>WRITE size max</th></tr>\n");
        for (String arm : rs.arms) {
            JsonNode n = rs.negotiation(arm);
            if (n == null) continue;
            h.append("<tr><td class=\"l\">").append(esc(arm)).append("</td><td class=\"l\">").append(esc(String.join(" ", textList(n.path("reply_flag_names")))))
                    .append("</td><td>").append(n.path("max_pages").asInt()).append("</td><td>").append(n.path("max_write").asInt())
                    .append("</td><td>").append(n.path("max_readahead").asInt()).append("</td><td>").append(n.path("max_background").asInt())
                    .append("</td><td>").append(n.path("congestion_threshold").asInt()).append("</td><td>")
                    .append(maxSize(rs.requestSizes("READ", arm))).append("</td><td>").append(maxSize(rs.requestSizes("WRITE", arm))).append("</td></tr>\n");
        }
        h.append("</table>\n");
        for (ReportBuilder.Figure f : figures) if (f.section().equals("sizes")) img(h, f);
        h.append("</section>\n");

        h.append("<section id=\"failures\"><h2>Failures</h2>\n");
        List<ResultSet.Run> failed = rs.failed();
        if (failed.isEmpty()) h.append("<p>None: every run succeeded.</p>\n");
        else {
            h.append("<table><tr><th class=\"l\">unit</th><th class=\"l\">workload</th><th class=\"l\">reason</th></tr>\n");
            for (ResultSet.Run r : failed) {
                h.append("<tr><td class=\"l\">").append(esc(r.unit())).append("</td><td class=\"l\">").append(esc(r.workload()))
                        .append("</td><td class=\"l\">").append(esc(r.failure())).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        h.append("</section>\n<section id=\"environment\"><h2>Environment</h2><pre>")
                .append(esc(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(env))).append("</pre></section>\n");
        h.append("</body></html>\n");
        return h.toString();
    }

    private static List<String> textList(JsonNode n) {
        List<String> out = new java.util.ArrayList<>();
        n.forEach(x -> out.add(x.asText()));
        return out;
    }

    private static String maxSize(Map<Long, Long> sizes) {
        return sizes.isEmpty() ? "–" : ReportBuilder.sizeLabel(((java.util.TreeMap<Long, Long>) sizes).lastKey());
    }

    private static void img(StringBuilder h, ReportBuilder.Figure f) throws IOException {
        h.append("<figure><img alt=\"").append(esc(f.caption())).append("\" src=\"").append(f.dataUri()).append("\"></figure>\n");
    }

    /** Median of a figure over the successful runs that have it, or a dash. */
    private static String medianOf(java.util.List<ResultSet.Run> runs, java.util.function.ToDoubleFunction<ResultSet.Run> f) {
        double[] v = runs.stream().filter(ResultSet.Run::ok).mapToDouble(f).filter(d -> !Double.isNaN(d)).toArray();
        return v.length == 0 ? "–" : ReportBuilder.num(dev.fusebench.bench.stats.Summary.of(v).median());
    }
}
