package dev.fusebench.reports;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fusebench.bench.matrix.RunLines;
import dev.fusebench.bench.stats.Comparison;
import dev.fusebench.bench.stats.FalseDiscovery;
import org.apache.commons.math3.distribution.TDistribution;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Result set B against result set A. Two separate runs share no block, so nothing pairs them, and
 * the difference between two sittings (another hour's host noise, another boot-to-boot level: 5-10%
 * here, and a machine of the same kind ran 3x slower) is in every direct difference and in none of
 * its error terms. So:
 * <ul>
 * <li>each arm's figure B against A is shown with Welch's interval, labelled as confounded with the
 * sitting, and gets no verdict;</li>
 * <li>where both runs have the same reference arm (the anchor), each other arm's gain over it is
 * compared between the runs: the ratio of ratios (B's arm/reference over A's arm/reference), whose
 * interval combines each run's own paired interval (Welch-Satterthwaite), so what the sitting does
 * to both arms alike cancels. Those comparisons are one Benjamini-Hochberg family with verdicts;
 * they assume that the sitting changes both arms alike (each run's interval already holds its own
 * boot-to-boot variation of the ratio).</li>
 * </ul>
 * Runs whose plans differ (workloads, runtime, size, guest configurations, accelerator, transport)
 * are refused: their figures do not measure the same thing.
 */
public final class Compare {
    private Compare() {}

    /** What two runs must share to be compared at all. */
    static final List<String> PLAN = List.of("workloads", "runtime_s", "size_mib", "guests", "accel", "transport");

    /** Refuses (IllegalArgumentException, one line) two runs whose plans differ. */
    static void checkPlans(ResultSet a, ResultSet b) {
        List<String> differ = new ArrayList<>();
        for (String k : PLAN) {
            JsonNode x = a.environment.path(k), y = b.environment.path(k);
            if (!x.equals(y)) differ.add(k + " " + (x.isMissingNode() ? "–" : x.toString()) + " against " + (y.isMissingNode() ? "–" : y.toString()));
        }
        if (!differ.isEmpty())
            throw new IllegalArgumentException("the two runs have different plans (" + String.join("; ", differ) + "): their figures do not measure the same thing");
    }

    public static Path write(Path dirA, Path dirB) throws IOException {
        ResultSet a = new ResultSet(dirA), b = new ResultSet(dirB);
        checkPlans(a, b);
        StringBuilder sb = new StringBuilder("## fusebench compare: ").append(dirB.getFileName()).append(" against ").append(dirA.getFileName()).append("\n\n");
        sb.append(anchored(a, b));
        sb.append("### Each arm, B against A (confounded with the sitting: no verdict)\n\n");
        sb.append("| workload | daemon · guest | arm | metric | A median | B median | Δ | 95% CI (Welch) | n A / B |\n")
                .append("|---|---|---|---|---:|---:|---:|---|---|\n");
        List<String> missing = new ArrayList<>();
        for (RunLines.Cell c : a.cells()) {
            for (String arm : a.armsOf(c)) {
                double[] va = ResultSet.values(a.measured(c, arm)), vb = ResultSet.values(b.measured(c, arm));
                if (vb.length == 0) { missing.add(c.label() + " / " + arm); continue; }
                Comparison cmp = Comparison.unpaired(va, vb);
                sb.append("| ").append(c.workload()).append(" | ").append(c.daemon()).append(" · ").append(c.guest()).append(" | ").append(arm)
                        .append(" | ").append(RunLines.metricName(c.workload())).append(" | ").append(ReportBuilder.num(cmp.ref().median()))
                        .append(" | ").append(ReportBuilder.num(cmp.arm().median())).append(" | ").append(ReportBuilder.pct(cmp.effectPct()))
                        .append(" | [").append(ReportBuilder.pct(cmp.ciLowPct())).append(", ").append(ReportBuilder.pct(cmp.ciHighPct()))
                        .append("] | ").append(cmp.ref().n()).append(" / ").append(cmp.arm().n()).append(" |\n");
            }
        }
        sb.append("\nA and B are separate runs: no block holds both, so drift between the two sittings (another hour's host noise, "
                + "another boot-to-boot level, another machine) is inside every difference in this table and in none of its intervals, "
                + "which is why it gives none a verdict. Δ: ratio of geometric means; 95% CI: Welch's t on the logs. To compare two settings, "
                + "run them as arms of one matrix.\n");
        if (!missing.isEmpty()) sb.append("\nOnly in A: ").append(String.join("; ", missing)).append('\n');
        Path out = dirB.resolve("compare-" + dirA.getFileName() + ".md");
        Files.writeString(out, sb.toString());
        return out;
    }

    /** One arm's gain over the anchor in both runs, and the ratio of the two. */
    record Anchored(RunLines.Cell cell, String arm, Comparison inA, Comparison inB, double logRatio, double se, double df, double p) {}

    /** The ratio-of-ratios section, or a line saying why there is none. */
    static String anchored(ResultSet a, ResultSet b) {
        if (!a.reference.equals(b.reference))
            return "No anchor: A's reference arm is " + a.reference + ", B's " + b.reference + ", so no gain can be compared between the runs.\n\n";
        List<Anchored> rows = new ArrayList<>();
        for (RunLines.Cell c : a.cells())
            for (String arm : a.armsOf(c)) {
                if (arm.equals(a.reference)) continue;
                Comparison x = a.compare(c, arm), y = b.compare(c, arm);
                if (x == null || y == null) continue;
                Anchored r = ratioOfRatios(c, arm, x, y);
                if (r != null) rows.add(r);
            }
        if (rows.isEmpty()) return "No arm ran beside the anchor (" + a.reference + ") in both runs.\n\n";
        double[] q = FalseDiscovery.qValues(rows.stream().mapToDouble(Anchored::p).toArray());
        StringBuilder sb = new StringBuilder("### Gains over the anchor (").append(a.reference).append("), B against A\n\n")
                .append("| workload | daemon · guest | arm | gain in A | gain in B | ratio of ratios | 95% CI | p | q | verdict |\n")
                .append("|---|---|---|---:|---:|---:|---|---:|---:|---|\n");
        for (int i = 0; i < rows.size(); i++) {
            Anchored r = rows.get(i);
            double t = new TDistribution(null, r.df()).inverseCumulativeProbability(0.975);
            double lo = Math.expm1(r.logRatio() - t * r.se()) * 100, hi = Math.expm1(r.logRatio() + t * r.se()) * 100;
            String verdict = q[i] < Comparison.Q_LEVEL && lo > 0 ? "gain larger in B" : q[i] < Comparison.Q_LEVEL && hi < 0 ? "gain smaller in B" : "no change shown";
            sb.append("| ").append(r.cell().workload()).append(" | ").append(r.cell().daemon()).append(" · ").append(r.cell().guest()).append(" | ")
                    .append(r.arm()).append(" | ").append(ReportBuilder.pct(r.inA().effectPct())).append(" | ").append(ReportBuilder.pct(r.inB().effectPct()))
                    .append(" | ").append(ReportBuilder.pct(Math.expm1(r.logRatio()) * 100)).append(" | [").append(ReportBuilder.pct(lo)).append(", ")
                    .append(ReportBuilder.pct(hi)).append("] | ").append(ReportBuilder.pval(r.p())).append(" | ").append(ReportBuilder.pval(q[i]))
                    .append(" | **").append(verdict).append("** |\n");
        }
        sb.append("\nEach run's gain is its own paired comparison with the anchor (what the sitting does to both arms cancels in it); "
                + "the ratio of ratios takes their difference on the log scale, its 95% CI and p from Welch-Satterthwaite over the two runs' "
                + "intervals; q = Benjamini-Hochberg over these ").append(rows.size()).append(" comparison(s). It assumes the sitting changes "
                + "both arms alike.\n\n");
        return sb.toString();
    }

    /** From two runs' paired comparisons: the difference of their log gains, with a Welch-Satterthwaite t. Null when either has no interval. */
    static Anchored ratioOfRatios(RunLines.Cell cell, String arm, Comparison x, Comparison y) {
        double[] sx = seAndDf(x), sy = seAndDf(y);
        if (sx == null || sy == null) return null;
        double d = Math.log1p(y.effectPct() / 100) - Math.log1p(x.effectPct() / 100);
        double vx = sx[0] * sx[0], vy = sy[0] * sy[0], se = Math.sqrt(vx + vy);
        double df = (vx + vy) * (vx + vy) / (vx * vx / sx[1] + vy * vy / sy[1]);
        double p = se == 0 ? (d == 0 ? 1 : 0) : 2 * new TDistribution(null, df).cumulativeProbability(-Math.abs(d / se));
        return new Anchored(cell, arm, x, y, d, se, df, p);
    }

    /** A paired comparison's standard error (log scale) and degrees of freedom, from its 95% interval. */
    static double[] seAndDf(Comparison c) {
        if (Double.isNaN(c.ciLowPct()) || Double.isNaN(c.ciHighPct())) return null;
        int df = c.df();
        if (df < 1) return null;
        double half = (Math.log1p(c.ciHighPct() / 100) - Math.log1p(c.ciLowPct() / 100)) / 2;
        return new double[]{half / new TDistribution(null, df).inverseCumulativeProbability(0.975), df};
    }

}
