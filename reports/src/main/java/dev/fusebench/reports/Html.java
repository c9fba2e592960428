package dev.fusebench.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fusebench.bench.matrix.RunLines;
import dev.fusebench.bench.results.RunResult;
import dev.fusebench.bench.stats.Summary;
import dev.fusebench.stats.DaemonFacts;
import dev.fusebench.stats.StatsFile;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/** The self-contained HTML report: tables, charts embedded as data URIs, no external resources. */
final class Html {
    private Html() {}

    static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static String page(ResultSet rs, List<ReportBuilder.Row> rows, List<ReportBuilder.Figure> figures, String markdown) throws IOException {
        StringBuilder h = new StringBuilder();
        head(h, rs, rows);
        summary(h, rs, rows, markdown);
        armsRuns(h, rs);
        figureSections(h, rs, figures);
        latency(h, rs);
        why(h, rs);
        negotiation(h, rs, figures);
        proxy(h, rs);
        failuresAndEnvironment(h, rs);
        h.append("</body></html>\n");
        return h.toString();
    }

    /** The page's head and style, the emulation warning and the headline verdicts. */
    private static void head(StringBuilder h, ResultSet rs, List<ReportBuilder.Row> rows) {
        JsonNode env = rs.environment;
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>fusebench report</title>\n<style>")
                .append("body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}")
                .append("table{border-collapse:collapse;margin:1em 0;font-size:14px}th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}")
                .append("th{background:#f3f3f3}td.l,th.l{text-align:left}.faster{color:#1a7f37;font-weight:bold}.slower{color:#c62828;font-weight:bold}")
                .append("tr.stealwarn{background:#fff4e5}.nodiff{color:#555}.inconclusive{color:#8a6d00}.warn{background:#fff4e5;padding:8px;border-left:4px solid #f0a020}")
                .append("img{max-width:100%;border:1px solid #eee;margin:0.5em 0}pre{background:#f7f7f7;padding:8px;overflow:auto;font-size:12px}")
                .append("</style></head><body>\n");
        h.append("<h1>fusebench: ").append(esc(String.join(" vs ", rs.arms))).append("</h1>\n");
        if (env.path("emulated").asBoolean()) {
            h.append("<p class=\"warn\">These guests ran under emulation (").append(esc(env.path("accel").asText()))
                    .append("): compare arms with each other, not with hardware figures.</p>\n");
        }
        h.append("<ul id=\"headline\">\n");
        for (ReportBuilder.Row r : rows) {
            String line = ReportBuilder.headline(rs, r);
            if (line != null) h.append("<li>").append(esc(line).replaceAll("\\*\\*(.+?)\\*\\*", "<b>$1</b>")).append("</li>\n");
        }
        h.append("</ul>\n");
    }

    /** The summary table, method, family, claims, stop reason, noise and the Markdown for a pull request. */
    private static void summary(StringBuilder h, ResultSet rs, List<ReportBuilder.Row> rows, String markdown) {
        h.append("<section id=\"summary\"><h2>Summary</h2>\n<table><tr>");
        for (String col : ReportBuilder.COLUMNS) h.append("<th>").append(esc(col.equals("REF") ? rs.reference : col)).append("</th>");
        h.append("</tr>\n");
        for (ReportBuilder.Row r : rows) {
            List<String> f = ReportBuilder.cells(rs, r);
            String verdict = f.get(13);
            // the throughput verdict's class; tails and errors follow it after a comma
            String cls = switch (verdict.split(",")[0]) { case "faster" -> "faster"; case "slower" -> "slower"; case "no difference" -> "nodiff"; default -> "inconclusive"; };
            h.append("<tr>");
            for (int i = 0; i < f.size(); i++) {
                boolean left = i == 0 || i == 1 || i == 4 || i == 13;
                h.append("<td class=\"").append(left ? "l" : "").append(i == 13 ? " " + cls : "").append("\">").append(esc(f.get(i))).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n<p id=\"method\">").append(esc(MethodText.method(rs))).append("</p>\n");
        h.append("<p id=\"family\">Family: ").append(rs.analysis().familySize()).append(" comparison(s), Benjamini-Hochberg at q &lt; 0.05")
                .append(rs.primaryWorkloads() == null ? "" : " (the primary family: " + esc(String.join(", ", rs.primaryWorkloads())) + "; "
                        + rs.analysis().secondFamilySize() + " other comparison(s) in a second family)").append(".</p>\n");
        List<Claims.Judgement> claims = rs.claims();
        if (claims != null) {
            h.append("<section id=\"claims\"><h2>Claims</h2>\n<table><tr><th class=\"l\">claim</th><th class=\"l\">cell</th><th>Δ</th><th>95% CI</th><th class=\"l\">outcome</th></tr>\n");
            for (Claims.Judgement j : claims) {
                List<String> f = Claims.row(j);
                h.append("<tr><td class=\"l\">").append(esc(f.get(0))).append("</td><td class=\"l\">").append(esc(f.get(1)))
                        .append("</td><td>").append(esc(f.get(2))).append("</td><td>").append(esc(f.get(3)))
                        .append("</td><td class=\"l\">").append(esc(f.get(4))).append("</td></tr>\n");
            }
            h.append("</table></section>\n");
        }
        h.append("<p id=\"stop\">Blocks: ").append(rs.blocks()).append(". Why the run stopped: ").append(esc(rs.stopReason())).append("</p>\n");
        if (rs.blocks() < rs.minBlocks())
            h.append("<p class=\"warn\">A smoke run: with ").append(rs.blocks()).append(" blocks no verdict can be reached (")
                    .append(rs.minBlocks()).append(" needed).</p>\n");
        String noise = SummaryMarkdown.noiseLines(rs, rows);
        if (!noise.isEmpty()) h.append("<p id=\"noise\">Where the noise is (SD of the log: per slice / per round's log-ratio / between boots):<br>")
                .append(esc(noise.strip()).replace("\n", "<br>")).append("</p>\n");
        for (ReportBuilder.Row r : rows) {
            if (r.cmp() != null && r.otherFailed() > r.refFailed())
                h.append("<p class=\"warn\">").append(esc(r.cell().label() + ": " + r.arm() + " failed " + r.otherFailed() + " run(s), "
                        + rs.reference + " " + r.refFailed() + ": an arm that fails more may look faster on the runs that survived.")).append("</p>\n");
        }
        h.append("<details><summary>Markdown for a pull request</summary><pre>").append(esc(markdown)).append("</pre></details></section>\n");
    }

    /** Each arm's runs in each cell: n, failures, median, mean, CV, range. */
    private static void armsRuns(StringBuilder h, ResultSet rs) {
        h.append("<section id=\"arms\"><h2>Each arm's runs</h2>\n<table><tr><th class=\"l\">cell</th><th class=\"l\">arm</th><th>n</th><th>failed</th>"
                + "<th>median</th><th>mean</th><th>CV</th><th>min</th><th>max</th></tr>\n");
        for (RunLines.Cell c : rs.cells()) {
            for (String arm : rs.armsOf(c)) {
                var m = rs.measured(c, arm);
                var s = Summary.of(ResultSet.values(m));
                h.append("<tr><td class=\"l\">").append(esc(c.label())).append("</td><td class=\"l\">").append(esc(arm)).append("</td><td>")
                        .append(s.n()).append("</td><td>").append(ResultSet.failures(m)).append("</td><td>").append(ReportBuilder.num(s.median()))
                        .append("</td><td>").append(ReportBuilder.num(s.mean())).append("</td><td>").append(ReportBuilder.share(s.cv()))
                        .append("</td><td>").append(ReportBuilder.num(s.min())).append("</td><td>").append(ReportBuilder.num(s.max())).append("</td></tr>\n");
            }
        }
        h.append("</table></section>\n");
    }

    /** The run-order, pairs, noise, throughput and delta figures. */
    private static void figureSections(StringBuilder h, ResultSet rs, List<ReportBuilder.Figure> figures) throws IOException {
        h.append("<section id=\"order\"><h2>Every run in run order</h2>\n<p>Each measured run of a cell, arms in their colours, blocks on the x axis "
                + "(a point's offset inside a block is its position in the block's order): drift between blocks and outliers show here.</p>\n");
        for (ReportBuilder.Figure f : figures) if (f.section().equals("order")) img(h, f);
        h.append("</section>\n");
        h.append("<section id=\"pairs\"><h2>The pairs</h2>\n<p>Each comparison's log-ratio arm/reference, pair by pair (what the interval is "
                + "taken over; pairs.csv holds the figures): a boot or block that stands apart, or a trend, shows here.</p>\n");
        for (ReportBuilder.Figure f : figures) if (f.section().equals("pairs")) img(h, f);
        h.append("</section>\n");
        noise(h, rs);

        h.append("<section id=\"charts\"><h2>Throughput and IOPS by variant</h2>\n");
        for (ReportBuilder.Figure f : figures) if (f.section().equals("workloads")) img(h, f);
        h.append("</section>\n<section id=\"deltas\"><h2>Deltas</h2>\n");
        for (ReportBuilder.Figure f : figures) if (f.section().equals("deltas")) img(h, f);
        h.append("</section>\n");
    }

    /** Completion latency and CPU per job, medians of runs. */
    private static void latency(StringBuilder h, ResultSet rs) {
        h.append("<section id=\"latency\"><h2>Completion latency and CPU (medians of runs)</h2>\n"
                + "<p>fio's completion latency in µs; the CPU seconds the daemon (with its children) and QEMU used during each job. "
                + "Under emulation the daemon's CPU is taken from the guest's.</p>\n"
                + "<table><tr><th class=\"l\">workload</th><th class=\"l\">daemon · guest</th><th class=\"l\">arm</th><th>p50 µs</th><th>p99 µs</th>"
                + "<th>daemon CPU s/job</th><th>QEMU CPU s/job</th></tr>\n");
        for (RunLines.Cell c : rs.cells()) {
            for (String arm : rs.armsOf(c)) {
                var m = rs.measured(c, arm);
                double[] p50 = m.stream().filter(ResultSet.Run::ok).mapToDouble(ResultSet.Run::clatP50Us).filter(d -> !Double.isNaN(d)).toArray();
                double[] p99 = m.stream().filter(ResultSet.Run::ok).mapToDouble(ResultSet.Run::clatP99Us).filter(d -> !Double.isNaN(d)).toArray();
                h.append("<tr><td class=\"l\">").append(esc(c.workload())).append("</td><td class=\"l\">").append(esc(c.daemon() + " · " + c.guest()))
                        .append("</td><td class=\"l\">").append(esc(arm)).append("</td><td>")
                        .append(p50.length == 0 ? "–" : ReportBuilder.num(Summary.of(p50).median())).append("</td><td>")
                        .append(p99.length == 0 ? "–" : ReportBuilder.num(Summary.of(p99).median())).append("</td><td>")
                        .append(medianOf(m, ResultSet.Run::daemonCpuS)).append("</td><td>")
                        .append(medianOf(m, ResultSet.Run::qemuCpuS)).append("</td></tr>\n");
            }
        }
        h.append("</table></section>\n");
    }

    /** Why: each job's requests per I/O, and the guest settings in effect. */
    private static void why(StringBuilder h, ResultSet rs) {
        List<String> why = Findings.lines(rs);
        if (!why.isEmpty()) {
            h.append("<section id=\"why\"><h2>Why: each job's requests per fio I/O</h2>\n<p>From each job's own FUSE requests (the guest marks "
                    + "where a job starts with a lookup the daemon, or the observing proxy, sees in order), summed over the measured runs.</p>\n<ul>\n");
            for (String w : why) h.append("<li>").append(esc(w)).append("</li>\n");
            h.append("</ul></section>\n");
        }
        var guests = rs.guestSettingsInEffect();
        if (guests.values().stream().anyMatch(g -> !g.isDefault())) {
            h.append("<section id=\"guests\"><h2>Guest settings in effect</h2>\n<ul>\n");
            guests.forEach((g, t) -> h.append("<li>").append(esc(g)).append(": ").append(esc(t.text())).append("</li>\n"));
            h.append("</ul></section>\n");
        }
    }

    /** What the Java daemon negotiated, and the request sizes that followed, per daemon, guest and arm. */
    private static void negotiation(StringBuilder h, ResultSet rs, List<ReportBuilder.Figure> figures) throws IOException {
        h.append("<section id=\"negotiation\"><h2>Negotiation and request sizes (Java daemon)</h2>\n");
        h.append("<p>One row per daemon, guest configuration and arm: a guest's queue size caps the pages per request, so each is checked against its own limit.</p>\n");
        h.append("<table><tr><th class=\"l\">daemon · guest</th><th class=\"l\">arm</th><th class=\"l\">replied flags</th><th>max_pages</th><th>max_write</th><th>max_readahead</th><th>max_background</th><th>congestion_threshold</th><th>pages per request (kernel)</th><th>READ size max</th><th>WRITE size max</th>"
                + "<th class=\"l\">cache · open flags · passthrough</th></tr>\n");
        record DaemonGuest(String daemon, String guest) {}
        Set<DaemonGuest> daemonGuests = new LinkedHashSet<>();
        for (var c : rs.cells()) daemonGuests.add(new DaemonGuest(c.daemon(), c.guest()));
        for (DaemonGuest dg : daemonGuests) for (String arm : rs.arms) {
            String daemon = dg.daemon(), guest = dg.guest();
            StatsFile.Negotiated n = rs.negotiation(arm, daemon, guest);
            if (n == null) continue;
            var reads = rs.requestSizes("READ", arm, daemon, guest);
            var writes = rs.requestSizes("WRITE", arm, daemon, guest);
            h.append("<tr><td class=\"l\">").append(esc(daemon + " · " + guest)).append("</td><td class=\"l\">").append(esc(arm)).append("</td><td class=\"l\">").append(esc(n.replyFlagNames() == null ? "" : String.join(" ", n.replyFlagNames())))
                    .append("</td><td>").append(n.maxPages()).append("</td><td>").append(n.maxWrite())
                    .append("</td><td>").append(n.maxReadahead()).append("</td><td>").append(n.maxBackground())
                    .append("</td><td>").append(n.congestionThreshold()).append("</td><td>")
                    .append(n.effectiveMaxPages() > 0 ? Integer.toString(n.effectiveMaxPages()) : "–").append("</td><td>")
                    .append(maxSize(reads)).append(beyond(reads, n))
                    .append("</td><td>").append(maxSize(writes)).append(beyond(writes, n))
                    .append("</td><td class=\"l\">").append(esc(caching(rs.daemonContext(arm)))).append("</td></tr>\n");
        }
        h.append("</table>\n");
        for (ReportBuilder.Figure f : figures) if (f.section().equals("sizes")) img(h, f);
        h.append("</section>\n");
    }

    /** Variants through the proxy: the daemon's INIT reply and the restricted one the guest got. */
    private static void proxy(StringBuilder h, ResultSet rs) {
        var proxied = rs.proxied();
        if (!proxied.isEmpty()) {
            h.append("<section id=\"proxy\"><h2>Variants through the proxy (daemons we do not rebuild)</h2>\n<p>The daemon's own FUSE_INIT reply, "
                    + "and the reply the guest got after the proxy restricted it; pages per request as the kernel computes them.</p>\n");
            h.append("<table><tr><th class=\"l\">daemon · arm</th><th class=\"l\">daemon's flags</th><th>its pages</th><th>its max_write</th>"
                    + "<th class=\"l\">flags taken away</th><th>guest's pages</th><th>guest's max_write</th><th>READ size max (observed)</th>"
                    + "<th>WRITE size max (observed)</th><th class=\"l\">refused</th></tr>\n");
            for (var e : proxied.entrySet()) {
                RunResult.ProxyInfo p = e.getValue();
                RunResult.InitReply d = p.daemonReply(), g = p.givenReply();
                List<String> daemonFlags = d == null || d.flags() == null ? List.of() : d.flags();
                List<String> taken = new ArrayList<>(daemonFlags);
                if (g != null && g.flags() != null) taken.removeAll(g.flags());
                String refusal = p.refusal() != null ? p.refusal() : p.error() != null ? p.error() : "";
                h.append("<tr><td class=\"l\">").append(esc(e.getKey())).append("</td><td class=\"l\">").append(esc(String.join(" ", daemonFlags)))
                        .append("</td><td>").append(d == null ? "-" : Integer.toString(d.effectiveMaxPages())).append("</td><td>").append(d == null ? "-" : Integer.toString(d.maxWrite()))
                        .append("</td><td class=\"l\">").append(esc(g == null ? "-" : String.join(" ", taken)))
                        .append("</td><td>").append(g == null ? "-" : Integer.toString(g.effectiveMaxPages())).append("</td><td>").append(g == null ? "-" : Integer.toString(g.maxWrite()))
                        .append("</td><td>").append(observedMax(p, "READ")).append("</td><td>").append(observedMax(p, "WRITE"))
                        .append("</td><td class=\"l\">").append(esc(refusal)).append("</td></tr>\n");
            }
            h.append("</table>\n");
            long missed = rs.observedMissed();
            if (missed > 0) h.append("<p><strong>").append(missed).append(" request(s) went uncounted</strong>: more than a ring's worth "
                    + "passed between two of the observing proxy's scans; the observed counts are short by that many.</p>\n");
            h.append("</section>\n");
        }
    }

    /** Failed runs, and the environment line as recorded. */
    private static void failuresAndEnvironment(StringBuilder h, ResultSet rs) throws IOException {
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
                .append(esc(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(rs.environment))).append("</pre></section>\n");
    }

    /** The host's steal and iowait shares and load average during each job. */
    private static void noise(StringBuilder h, ResultSet rs) {
        h.append("<section id=\"noise\"><h2>Host noise per job</h2>\n<p>Sampled by the controller from /proc/stat and /proc/loadavg while each job ran: "
                + "steal (time the hypervisor gave this host's vCPUs to others), iowait, and the mean 1-minute load average. Jobs with steal above ")
                .append(ReportBuilder.share(ResultSet.STEAL_WARNING)).append(" are marked.</p>\n");
        List<ResultSet.Run> high = rs.runs.stream().filter(r -> r.noise().stealOrNaN() > ResultSet.STEAL_WARNING).toList();
        if (!high.isEmpty()) h.append("<p class=\"warn\">").append(high.size()).append(" job(s) ran with host steal above ")
                .append(ReportBuilder.share(ResultSet.STEAL_WARNING)).append(": their figures are suspect.</p>\n");
        h.append("<table><tr><th class=\"l\">unit</th><th>pos</th><th class=\"l\">workload</th><th class=\"l\">host</th><th>steal</th><th>iowait</th><th>load</th><th>value</th></tr>\n");
        for (ResultSet.Run r : rs.runs) {
            boolean warn = r.noise().stealOrNaN() > ResultSet.STEAL_WARNING;
            h.append("<tr").append(warn ? " class=\"stealwarn\"" : "").append("><td class=\"l\">").append(esc(r.unit())).append(r.warmup() ? " (warm-up)" : "")
                    .append("</td><td>").append(r.position()).append("</td><td class=\"l\">").append(esc(r.workload())).append("</td><td class=\"l\">")
                    .append(esc(r.host())).append("</td><td>").append(ReportBuilder.share(r.noise().stealOrNaN())).append(warn ? " ⚠" : "").append("</td><td>")
                    .append(ReportBuilder.share(r.noise().iowaitOrNaN())).append("</td><td>").append(Double.isNaN(r.noise().loadOrNaN()) ? "–" : String.format(Locale.ROOT, "%.2f", r.noise().loadOrNaN()))
                    .append("</td><td>").append(r.ok() ? ReportBuilder.num(r.value()) : "failed").append("</td></tr>\n");
        }
        h.append("</table></section>\n");
    }

    /** "never · FOPEN_KEEP_CACHE · 12 opens passed through": the caching the daemon says it served. */
    private static String caching(DaemonFacts daemon) {
        if (daemon == null) return "–";
        List<String> parts = new ArrayList<>();
        parts.add(daemon.cache == null ? "–" : daemon.cache);
        List<String> flags = daemon.openFlags == null ? List.of() : daemon.openFlags;
        parts.add(flags.isEmpty() ? "no extra open flags" : String.join(" ", flags));
        if (daemon.passthrough != null) parts.add(daemon.passthrough.opens() + " opens passed through");
        return String.join(" · ", parts);
    }

    /**
     * A flag when requests larger than the kernel's computed limit were observed: the computation
     * (flags, max_pages, the virtqueue cap, max_pages_limit) and the kernel disagree.
     */
    private static String beyond(Map<Long, Long> sizes, StatsFile.Negotiated negotiation) {
        if (sizes.isEmpty() || negotiation.effectiveMaxPages() <= 0) return ""; // files older than the field
        long limit = (long) negotiation.effectiveMaxPages() * 4096;
        long max = ((TreeMap<Long, Long>) sizes).lastKey();
        return max > limit ? " ⚠ above the computed " + ReportBuilder.sizeLabel(limit) : "";
    }

    /** The largest request of an opcode the proxy counted (observe mode), or a dash. */
    private static String observedMax(RunResult.ProxyInfo proxy, String opcode) {
        Map<Long, Long> sizes = proxy.observedSizes() == null ? null : proxy.observedSizes().get(opcode);
        long max = sizes == null ? -1 : sizes.keySet().stream().mapToLong(Long::longValue).max().orElse(-1);
        return max < 0 ? "–" : ReportBuilder.sizeLabel(max);
    }

    private static String maxSize(Map<Long, Long> sizes) {
        return sizes.isEmpty() ? "–" : ReportBuilder.sizeLabel(((TreeMap<Long, Long>) sizes).lastKey());
    }

    private static void img(StringBuilder h, ReportBuilder.Figure f) throws IOException {
        h.append("<figure><img alt=\"").append(esc(f.caption())).append("\" src=\"").append(f.dataUri()).append("\"></figure>\n");
    }

    /** Median of a figure over the successful runs that have it, or a dash. */
    private static String medianOf(List<ResultSet.Run> runs, ToDoubleFunction<ResultSet.Run> f) {
        double[] v = runs.stream().filter(ResultSet.Run::ok).mapToDouble(f).filter(d -> !Double.isNaN(d)).toArray();
        return v.length == 0 ? "–" : ReportBuilder.num(Summary.of(v).median());
    }
}
