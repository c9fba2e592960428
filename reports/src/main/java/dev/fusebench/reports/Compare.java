package dev.fusebench.reports;

import dev.fusebench.bench.stats.Comparison;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Result set B against result set A, the same cells and arms, with the same statistics as a report. */
final class Compare {
    private Compare() {}

    static Path write(Path dirA, Path dirB) throws IOException {
        ResultSet a = new ResultSet(dirA), b = new ResultSet(dirB);
        StringBuilder sb = new StringBuilder("## fusebench compare: ").append(dirB.getFileName()).append(" against ").append(dirA.getFileName()).append("\n\n");
        sb.append("| workload | daemon · guest | arm | metric | A | B | Δ | 95% CI | p | verdict |\n|---|---|---|---|---:|---:|---:|---|---:|---|\n");
        List<String> missing = new ArrayList<>();
        for (ResultSet.CellKey c : a.cells()) {
            for (String arm : a.armsOf(c)) {
                double[] va = ResultSet.values(a.measured(c, arm)), vb = ResultSet.values(b.measured(c, arm));
                if (vb.length == 0) { missing.add(c.label() + " / " + arm); continue; }
                Comparison cmp = Comparison.of(va, vb, a.threshold(), a.seed() ^ c.hashCode() ^ arm.hashCode());
                sb.append("| ").append(c.workload()).append(" | ").append(c.daemon()).append(" · ").append(c.guest()).append(" | ").append(arm)
                        .append(" | ").append(ResultSet.metricName(c.workload())).append(" | ").append(ReportBuilder.num(cmp.a().median()))
                        .append(" | ").append(ReportBuilder.num(cmp.b().median())).append(" | ").append(ReportBuilder.pct(cmp.deltaPct()))
                        .append(" | [").append(ReportBuilder.pct(cmp.ciLowPct())).append(", ").append(ReportBuilder.pct(cmp.ciHighPct()))
                        .append("] | ").append(ReportBuilder.pval(cmp.p())).append(" | **").append(cmp.verdict().label).append("** |\n");
            }
        }
        if (!missing.isEmpty()) sb.append("\nOnly in A: ").append(String.join("; ", missing)).append('\n');
        Path out = dirB.resolve("compare-" + dirA.getFileName() + ".md");
        Files.writeString(out, sb.toString());
        return out;
    }
}
