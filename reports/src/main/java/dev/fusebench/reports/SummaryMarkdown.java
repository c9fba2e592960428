package dev.fusebench.reports;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fusebench.bench.matrix.RunLines;
import dev.fusebench.bench.stats.Comparison;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** summary.md, for a pull request: the headline, the table, a Mermaid chart of the deltas, the method and the noise. */
final class SummaryMarkdown {
    private SummaryMarkdown() {}

    static String markdownTable(ResultSet rs, List<ReportBuilder.Row> rows) {
        StringBuilder sb = new StringBuilder("|");
        for (String col : ReportBuilder.COLUMNS) sb.append(' ').append(col.equals("REF") ? rs.reference : col).append(" |");
        sb.append("\n|---|---|---|---:|---|---:|---:|---|---:|---:|---:|---:|---|---|---|\n");
        for (ReportBuilder.Row r : rows) {
            List<String> f = ReportBuilder.cells(rs, r);
            sb.append('|');
            for (int i = 0; i < f.size(); i++) sb.append(' ').append(i == 13 && r.cmp() != null ? "**" + f.get(i) + "**" : f.get(i)).append(" |");
            sb.append('\n');
        }
        return sb.toString();
    }

    static String markdown(ResultSet rs, List<ReportBuilder.Row> rows) {
        JsonNode env = rs.environment;
        StringBuilder sb = new StringBuilder("## fusebench: ");
        sb.append(String.join(" vs ", rs.arms)).append("\n\n");
        for (ReportBuilder.Row r : rows) {
            String h = ReportBuilder.headline(rs, r);
            if (h != null) sb.append("- ").append(h).append('\n');
        }
        sb.append('\n').append(markdownTable(rs, rows)).append('\n');
        String chart = mermaid(rs, rows);
        if (chart != null) sb.append(chart).append('\n');
        List<Claims.Judgement> claims = rs.claims();
        if (claims != null) sb.append("Claims (").append(Claims.FILE).append(")\n\n").append(Claims.markdown(claims)).append('\n');
        sb.append(MethodText.method(rs)).append(rs.interleaved() ? " Seed " : " Warm-up blocks discarded: " + env.path("warmup").asInt() + "; seed ")
                .append(env.path("seed").asLong()).append(".\n\n");
        String noise = noiseLines(rs, rows);
        if (!noise.isEmpty()) sb.append("Where the noise is (SD of the log: per slice / per round's log-ratio / between boots)\n\n").append(noise).append('\n');
        List<String> why = Findings.lines(rs);
        if (!why.isEmpty()) {
            sb.append("Why: each job's own FUSE requests per fio I/O\n\n");
            for (String w : why) sb.append("- ").append(w).append('\n');
            sb.append('\n');
        }
        if (rs.blocks() < rs.minBlocks())
            sb.append("**A smoke run: with ").append(rs.blocks()).append(" blocks no verdict can be reached (").append(rs.minBlocks()).append(" needed).**\n\n");
        long steal = rs.runs.stream().filter(r -> r.noise().stealOrNaN() > ResultSet.STEAL_WARNING).count();
        if (steal > 0) sb.append("**").append(steal).append(" job(s) ran with host steal above ").append(ReportBuilder.share(ResultSet.STEAL_WARNING)).append("**: see report.html.\n\n");
        sb.append("Accelerator: ").append(env.path("accel").asText()).append(env.path("emulated").asBoolean() ? " (emulated: absolute figures are not hardware figures)" : "")
                .append("; guests: ").append(env.path("guests").toString()).append("; host ").append(env.path("host").path("kernel").asText())
                .append(", ").append(env.path("host").path("cpu").asText()).append("; ").append(env.path("qemu").asText())
                .append("; commit ").append(env.path("git_commit").asText()).append(".\n");
        long failed = rs.failed().size();
        if (failed > 0) sb.append("\n**").append(failed).append(" failed run(s)**: see report.html.\n");
        if (env.path("versions_differ").size() > 0) {
            sb.append("\n**The merged shards ran different versions** (their figures may differ for that alone):\n\n");
            for (JsonNode d : env.path("versions_differ")) sb.append("- ").append(d.asText()).append('\n');
        }
        return sb.toString();
    }

    /**
     * The deltas with their 95% CIs as a Mermaid chart, which GitHub draws in a pull request's comment:
     * a bar per comparison, the CI's ends as two lines, the "no difference" band as two more. Null when
     * nothing was compared.
     */
    static String mermaid(ResultSet rs, List<ReportBuilder.Row> rows) {
        List<String> labels = new ArrayList<>();
        List<String> delta = new ArrayList<>(), low = new ArrayList<>(), high = new ArrayList<>(), bandLow = new ArrayList<>(), bandHigh = new ArrayList<>();
        // a label names the daemon and the guest only when the run has several
        boolean daemons = rs.cells().stream().map(RunLines.Cell::daemon).distinct().count() > 1;
        boolean guests = rs.cells().stream().map(RunLines.Cell::guest).distinct().count() > 1;
        for (ReportBuilder.Row r : rows) {
            Comparison c = r.cmp();
            if (c == null || Double.isNaN(c.effectPct()) || Double.isNaN(c.ciLowPct())) continue;
            labels.add('"' + (r.cell().workload() + " " + r.arm() + (daemons ? " " + r.cell().daemon() : "")
                    + (guests ? " " + r.cell().guest() : "")).replace("\"", "'") + '"');
            delta.add(String.format(Locale.ROOT, "%.1f", c.effectPct()));
            low.add(String.format(Locale.ROOT, "%.1f", c.ciLowPct()));
            high.add(String.format(Locale.ROOT, "%.1f", c.ciHighPct()));
            bandLow.add(String.format(Locale.ROOT, "%.1f", -rs.threshold()));
            bandHigh.add(String.format(Locale.ROOT, "%.1f", rs.threshold()));
        }
        if (labels.isEmpty()) return null;
        return "```mermaid\nxychart-beta\n    title \"Δ against " + rs.reference.replace("\"", "'") + " (%): bars; 95% CI ends and the ±"
                + ReportBuilder.num(rs.threshold()) + "% band: lines\"\n    x-axis [" + String.join(", ", labels) + "]\n    y-axis \"Δ %\"\n"
                + "    bar [" + String.join(", ", delta) + "]\n    line [" + String.join(", ", low) + "]\n    line [" + String.join(", ", high) + "]\n"
                + "    line [" + String.join(", ", bandLow) + "]\n    line [" + String.join(", ", bandHigh) + "]\n```\n";
    }

    /** One line per interleaved comparison: its variance components; empty for the boots design. */
    static String noiseLines(ResultSet rs, List<ReportBuilder.Row> rows) {
        StringBuilder sb = new StringBuilder();
        for (ReportBuilder.Row r : rows) {
            Comparison c = r.cmp();
            if (c == null || c.components() == null) continue;
            var v = c.components();
            sb.append("- ").append(r.cell().label()).append(" / ").append(r.arm()).append(": ")
                    .append(String.format(Locale.ROOT, "slice %.3f, round %.3f, boot %.3f", v.sliceSd(), v.roundSd(), v.bootSd())).append('\n');
        }
        return sb.toString();
    }
}
