package dev.fusebench.reports;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fusebench.bench.stats.Comparison;

import java.util.Locale;

/** The report's method paragraph: the design, how Δ, its interval, p and q were taken, the verdict rules and the MDE's level. */
final class MethodText {
    private MethodText() {}

    /**
     * The level the MDE column is at: the one BH applied in the primary family, so the promised power
     * holds among this report's cells (at 0.05, a cell alone, it would not once the family is larger).
     */
    static String mdeLevel(ResultSet rs) {
        long n = rs.analysis().familySize(), found = rs.analysis().discoveries();
        if (n <= 1) return "at the 5% level (a family of one)";
        String family = rs.primaryWorkloads() == null ? "family" : "primary family";
        double level = Comparison.familyLevel(n, found);
        if (found == 0) return String.format(Locale.ROOT, "at 0.05 / %d = %.4g, the level a lone discovery needs in this %s of %d comparisons "
                + "(a cell alone would be at 0.05)", n, level, family, n);
        return String.format(Locale.ROOT, "at 0.05 × %d / %d = %.4g, the level Benjamini-Hochberg applied in this %s (%d discover%s of %d comparisons; "
                + "a cell alone would be at 0.05)", found, n, level, family, found, found > 1 ? "ies" : "y", n);
    }

    /** How the q-values were taken: over the report, or a primary family and a second one. */
    static String family(ResultSet rs) {
        var primary = rs.primaryWorkloads();
        long n = rs.analysis().familySize(), m = rs.analysis().secondFamilySize();
        if (primary == null) return "q = Benjamini-Hochberg over the " + n + " comparison(s) of this report.";
        return "q = Benjamini-Hochberg over the " + n + " comparison(s) of the primary family (the cells of " + String.join(", ", primary)
                + (rs.environment.path("primary").isArray() ? ", --primary" : ", named by the claims") + "); the other " + m
                + " in a second family of their own.";
    }

    /** The method in two sentences, for the page and the pull request. */
    static String method(ResultSet rs) {
        if (rs.interleaved()) {
            JsonNode env = rs.environment;
            return "Interleaved design: each boot held every arm, one virtio-fs device (or host mount) and daemon each; each workload ran "
                    + env.path("rounds").asInt() + " rounds (after " + env.path("warmup_rounds").asInt() + " discarded) in which every arm took one "
                    + env.path("slice_s").asInt() + " s slice, in an order counterbalanced over the rounds"
                    + (env.path("pinned").asBoolean(false) ? ", with fio and the guest's virtio interrupts on vCPU 0 (--pin on)" : "")
                    + ". Per boot, the mean of the rounds' log-ratios arm/"
                    + rs.reference + "; Δ and its 95% CI come from a mixed model with a random boot effect (REML, Satterthwaite's df): the t-interval "
                    + "over the boot means (df = boots - 1), or, in cells marked \"t over rounds\" (4 boots or more, whose means agree as well as their "
                    + "rounds allow, so the boot variance is estimated at 0), over all rounds (df = rounds - 1); p from the same t; " + family(rs) + " Verdict: faster/slower when q < 0.05 and the 95% CI excludes 0; "
                    + "no difference when the 90% CI lies within ±" + ReportBuilder.num(rs.threshold()) + "% (two one-sided tests at 5%); no verdict below "
                    + Comparison.MIN_BOOTS + " boots; otherwise inconclusive, with the largest |Δ| the 90% CI allows. MDE: the change this design "
                    + "would detect with 80% power at the observed noise (down / up), " + mdeLevel(rs) + ". Arm ahead: the rounds in which "
                    + "the arm's slice was the higher; SD log-ratio: of the per-round log-ratio. Noise: SDs of the log figure per slice, of the log-ratio per round, "
                    + "and of the ratio between boots. Boots: " + rs.blocks() + " (" + rs.stopReason() + ")."
                    + (rs.timeUse() == null ? "" : " Time: " + rs.timeUse() + ".");
        }
        return "Boots design: each block ran every arm once, one guest boot each, in a counterbalanced order; Δ is the geometric mean of the per-block ratios arm/"
                + rs.reference + ", with the 95% t-interval of the mean log-ratio and the paired t-test's p (a block in which an arm failed drops out); "
                + family(rs) + " Verdict: faster/slower when q < 0.05 and the CI excludes 0; "
                + "no difference when the CI lies within ±" + ReportBuilder.num(rs.threshold()) + "%; no verdict below " + Comparison.MIN_PAIRS
                + " pairs; otherwise inconclusive. MDE: the change this design would detect with 80% power at the observed noise (down / up), " + mdeLevel(rs) + ". "
                + "Arm ahead: the pairs in which the arm's figure was the higher; SD log-ratio: of the per-pair log-ratio (the noise pairing leaves). Blocks: " + rs.blocks() + " (" + rs.stopReason() + ")."
                + (rs.timeUse() == null ? "" : " Time: " + rs.timeUse() + ".");
    }
}
