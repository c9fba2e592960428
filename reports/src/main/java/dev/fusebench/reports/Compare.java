package dev.fusebench.reports;

import dev.fusebench.bench.matrix.RunLines;
import dev.fusebench.bench.stats.Comparison;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Result set B against result set A, cell by cell and arm by arm. Two separate runs share no
 * blocks, so nothing pairs them: each comparison is the ratio of geometric means with Welch's
 * interval on the logs, decided in one Benjamini-Hochberg family, and the page says plainly that
 * drift between the two runs is inside every difference. (Arms of one run are compared paired,
 * block by block, in that run's own report.)
 */
public final class Compare {
    private Compare() {}

    public static Path write(Path dirA, Path dirB) throws IOException {
        ResultSet a = new ResultSet(dirA), b = new ResultSet(dirB);
        List<RunLines.Cell> cells = new ArrayList<>();
        List<String> arms = new ArrayList<>();
        List<Comparison> family = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (RunLines.Cell c : a.cells()) {
            for (String arm : a.armsOf(c)) {
                double[] va = ResultSet.values(a.measured(c, arm)), vb = ResultSet.values(b.measured(c, arm));
                if (vb.length == 0) { missing.add(c.label() + " / " + arm); continue; }
                cells.add(c);
                arms.add(arm);
                family.add(Comparison.unpaired(va, vb));
            }
        }
        List<Comparison> decided = Comparison.decideAll(family, a.threshold());
        StringBuilder sb = new StringBuilder("## fusebench compare: ").append(dirB.getFileName()).append(" against ").append(dirA.getFileName()).append("\n\n");
        sb.append("| workload | daemon · guest | arm | metric | A median | B median | Δ | 95% CI | p | q | MW p | verdict | n A / B |\n")
                .append("|---|---|---|---|---:|---:|---:|---|---:|---:|---:|---|---|\n");
        for (int i = 0; i < decided.size(); i++) {
            Comparison cmp = decided.get(i);
            RunLines.Cell c = cells.get(i);
            sb.append("| ").append(c.workload()).append(" | ").append(c.daemon()).append(" · ").append(c.guest()).append(" | ").append(arms.get(i))
                    .append(" | ").append(RunLines.metricName(c.workload())).append(" | ").append(ReportBuilder.num(cmp.ref().median()))
                    .append(" | ").append(ReportBuilder.num(cmp.arm().median())).append(" | ").append(ReportBuilder.pct(cmp.effectPct()))
                    .append(" | [").append(ReportBuilder.pct(cmp.ciLowPct())).append(", ").append(ReportBuilder.pct(cmp.ciHighPct()))
                    .append("] | ").append(ReportBuilder.pval(cmp.p())).append(" | ").append(ReportBuilder.pval(cmp.q()))
                    .append(" | ").append(ReportBuilder.pval(cmp.mannWhitneyP())).append(" | **").append(cmp.verdict().label).append("** | ")
                    .append(cmp.ref().n()).append(" / ").append(cmp.arm().n()).append(" |\n");
        }
        sb.append("\nA and B are separate runs: no block holds both, so nothing can be paired and drift between the two runs "
                + "(another sitting, another machine, another boot-to-boot level) is inside every difference above. Δ: ratio of geometric means; "
                + "95% CI and p: Welch's t on the logs; q: Benjamini-Hochberg over the ").append(Comparison.familySize(decided))
                .append(" comparison(s) here. To compare two settings, run them as arms of one matrix.\n");
        if (!missing.isEmpty()) sb.append("\nOnly in A: ").append(String.join("; ", missing)).append('\n');
        Path out = dirB.resolve("compare-" + dirA.getFileName() + ".md");
        Files.writeString(out, sb.toString());
        return out;
    }
}
