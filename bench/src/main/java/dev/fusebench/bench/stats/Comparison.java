package dev.fusebench.bench.stats;


import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One arm against the reference in one cell, for a metric where higher is better.
 *
 * <p>Paired (the matrix's own design): every block ran both arms, so each block gives a ratio
 * arm/reference; the effect is the geometric mean of those ratios with the 95% t-interval of the
 * mean log-ratio, tested by the paired t-test on the log-ratios (see {@link PairedT}). Drift between
 * blocks cancels in the ratio. A block in which either arm failed drops out and is counted.
 * Unpaired (two separate result sets): the ratio of geometric means with Welch's interval, and
 * drift between the runs stays inside the difference. Mann-Whitney's p is kept as a secondary,
 * assumption-free figure. Interleaved (one boot holds every arm, slices paired by round): the
 * boot's mean round log-ratio is the unit, with a t-interval over boots (see {@link Interleaved});
 * there {@code pairs} counts boots, {@code rounds} the paired rounds, and the 90% interval gives
 * the equivalence test. The verdict needs the family's q-value: see {@link #decide}.
 *
 * @param design     {@link #BOOTS} or {@link #INTERLEAVED} (null: unpaired, two result sets)
 * @param rounds     interleaved: paired rounds over all boots; 0 otherwise
 * @param ci90LowPct interleaved: the 90% interval (for the equivalence test); NaN otherwise
 * @param components interleaved: where the noise sits; null otherwise
 * @param overRounds interleaved: the interval is the t over all rounds (the boots agreed as well as their rounds allow), not over boot means
 * @param mdeLevel   the two-sided level {@code mdePct} is computed at: 0.05 for a cell alone, the level
 *                   Benjamini-Hochberg applied in its family once decided (see {@link #decideAll})
 */
public record Comparison(Summary ref, Summary arm, boolean paired, int pairs, int dropped, double effectPct,
                         double ciLowPct, double ciHighPct, double p, double q, double mdePct,
                         double mannWhitneyP, boolean mannWhitneyExact, Verdict verdict,
                         String design, int rounds, double ci90LowPct, double ci90HighPct, VarianceComponents components, boolean overRounds, double mdeLevel) {

    /** The design a comparison comes from: its unit of pairing and its verdict rules differ. */
    public static final String BOOTS = "boots", INTERLEAVED = "interleaved";

    public enum Verdict {
        FASTER("faster"), SLOWER("slower"), NO_DIFFERENCE("no difference"), INCONCLUSIVE("inconclusive"),
        TOO_FEW("no verdict (< " + Comparison.MIN_PAIRS + " pairs)"), TOO_FEW_BOOTS("no verdict (< " + Comparison.MIN_BOOTS + " boots)");
        public final String label;
        Verdict(String label) { this.label = label; }
        public boolean claimsDifference() { return this == FASTER || this == SLOWER; }
    }

    /** Fewer pairs than this give no verdict at all (at n = 2 or 3 an interval covers the truth too rarely). */
    public static final int MIN_PAIRS = 6;
    /**
     * Interleaved: fewer boots than this give no verdict. The interval is a t over boot means, each the
     * mean of many rounds (near normal), so it holds from two boots on; with two its t quantile (12.7)
     * makes it useless, with three (4.3) it can already resolve what the slices carry.
     */
    public static final int MIN_BOOTS = 3;
    public static final double Q_LEVEL = 0.05;

    /** Paired by block: block number -> value of the runs that succeeded; {@code blocks} every block either arm ran in. */
    public static Comparison paired(Map<Integer, Double> ref, Map<Integer, Double> arm, int blocks) {
        List<Double> logs = new ArrayList<>();
        for (var e : new TreeMap<>(ref).entrySet()) {
            Double b = arm.get(e.getKey());
            if (b != null && e.getValue() > 0 && b > 0) logs.add(Math.log(b / e.getValue()));
        }
        PairedT t = PairedT.of(logs.stream().mapToDouble(Double::doubleValue).toArray());
        double[] a = values(ref), b = values(arm);
        MannWhitney.Result mw = MannWhitney.test(a, b);
        return new Comparison(Summary.of(a), Summary.of(b), true, logs.size(), blocks - logs.size(), pct(t.mean()),
                pct(t.ciLow()), pct(t.ciHigh()), t.p(), Double.NaN, pct(t.mde()), mw.p(), mw.exact(), null,
                BOOTS, 0, Double.NaN, Double.NaN, null, false, PairedT.ALPHA);
    }

    /** Two independent samples (no shared blocks): ratio of geometric means, Welch's t on the logs. */
    public static Comparison unpaired(double[] a, double[] b) {
        WelchT w = WelchT.of(logs(a), logs(b));
        MannWhitney.Result mw = MannWhitney.test(a, b);
        return new Comparison(Summary.of(a), Summary.of(b), false, Math.min(a.length, b.length), 0, pct(w.diff()),
                pct(w.ciLow()), pct(w.ciHigh()), w.p(), Double.NaN, Double.NaN, mw.p(), mw.exact(), null,
                null, 0, Double.NaN, Double.NaN, null, false, PairedT.ALPHA);
    }

    /**
     * The interleaved design (see {@link Interleaved}): slices paired by round inside each boot, the
     * boot's mean log-ratio as the unit, a t-interval over boots. {@code ref} and {@code arm} hold each
     * boot's slice values by round; {@code boots} every boot either arm ran in.
     */
    public static Comparison interleaved(Map<Integer, Map<Integer, Double>> ref, Map<Integer, Map<Integer, Double>> arm, int boots) {
        Interleaved i = Interleaved.ofSlices(ref, arm);
        return new Comparison(Summary.of(allValues(ref)), Summary.of(allValues(arm)), true, i.boots(), boots - i.boots(), pct(i.mean()),
                pct(i.ci95Low()), pct(i.ci95High()), i.p(), Double.NaN, pct(i.mde()), Double.NaN, false, null,
                INTERLEAVED, i.rounds(), pct(i.ci90Low()), pct(i.ci90High()), i.components(), i.overRounds(), PairedT.ALPHA);
    }

    private static double[] allValues(Map<Integer, Map<Integer, Double>> byBoot) {
        return byBoot.values().stream().flatMap(m -> m.values().stream()).mapToDouble(Double::doubleValue).toArray();
    }

    /** The verdict, given this comparison's q-value in its family and the "no difference" band (±%). */
    public Comparison decide(double q, double thresholdPct) {
        Verdict v;
        boolean interleaved = INTERLEAVED.equals(design);
        if (interleaved && (pairs < MIN_BOOTS || Double.isNaN(p))) v = Verdict.TOO_FEW_BOOTS;
        else if (!interleaved && (pairs < MIN_PAIRS || Double.isNaN(p))) v = Verdict.TOO_FEW;
        else if (q < Q_LEVEL && ciLowPct > 0) v = Verdict.FASTER;
        else if (q < Q_LEVEL && ciHighPct < 0) v = Verdict.SLOWER;
        // equivalence: interleaved, two one-sided tests at 5% (the 90% CI inside the band); boots, the 95% CI as before
        else if (interleaved ? ci90LowPct >= -thresholdPct && ci90HighPct <= thresholdPct : ciLowPct >= -thresholdPct && ciHighPct <= thresholdPct)
            v = Verdict.NO_DIFFERENCE;
        else v = Verdict.INCONCLUSIVE;
        return new Comparison(ref, arm, paired, pairs, dropped, effectPct, ciLowPct, ciHighPct, p, q, mdePct,
                mannWhitneyP, mannWhitneyExact, v, design, rounds, ci90LowPct, ci90HighPct, components, overRounds, mdeLevel);
    }

    /**
     * The MDE again at another two-sided level (80% power, the same standard error and df): the
     * standard error is read back from the 95% interval, so every design is treated alike.
     */
    public Comparison mdeAt(double level) {
        int df = df();
        if (df < 1 || Double.isNaN(ciLowPct) || Double.isNaN(ciHighPct) || Double.isNaN(mdePct)) return this;
        Interleaved.Quantiles t = Interleaved.Quantiles.of(df);
        double se = (Math.log1p(ciHighPct / 100) - Math.log1p(ciLowPct / 100)) / (2 * t.t975());
        double mde = (t.dist().inverseCumulativeProbability(1 - level / 2) + t.t80()) * se;
        return new Comparison(ref, arm, paired, pairs, dropped, effectPct, ciLowPct, ciHighPct, p, q, pct(mde),
                mannWhitneyP, mannWhitneyExact, verdict, design, rounds, ci90LowPct, ci90HighPct, components, overRounds, level);
    }

    /**
     * The largest effect this run still allows (percentage points): the farther end of the 90% interval,
     * so an inconclusive interleaved cell reads "|Δ| < 12%". NaN for the boots design.
     */
    public double excludesPct() {
        return Double.isNaN(ci90LowPct) || Double.isNaN(ci90HighPct) ? Double.NaN : Math.max(Math.abs(ci90LowPct), Math.abs(ci90HighPct));
    }

    /**
     * The degrees of freedom of the t behind the interval: pairs - 1 (blocks, or boot means), or rounds - 1
     * when an interleaved interval is taken over the rounds (see {@link Interleaved}).
     */
    public int df() { return INTERLEAVED.equals(design) && overRounds ? rounds - 1 : pairs - 1; }

    /** Half the width of the 95% interval, in percentage points (infinite while it cannot be computed). */
    public double halfWidthPct() {
        return Double.isNaN(ciLowPct) || Double.isNaN(ciHighPct) ? Double.POSITIVE_INFINITY : (ciHighPct - ciLowPct) / 2;
    }

    /**
     * Decides a whole family: Benjamini-Hochberg q-values over all of them, then each verdict, and each
     * MDE at the level BH applied in this family (see {@link #familyLevel}).
     */
    public static List<Comparison> decideAll(List<Comparison> family, double thresholdPct) {
        double[] q = FalseDiscovery.qValues(family.stream().mapToDouble(Comparison::p).toArray());
        long m = familySize(family), found = 0;
        for (double x : q) if (x < Q_LEVEL) found++;
        double level = familyLevel(m, found);
        List<Comparison> out = new ArrayList<>();
        for (int i = 0; i < q.length; i++) out.add(family.get(i).decide(q[i], thresholdPct).mdeAt(level));
        return out;
    }

    /**
     * The per-comparison level Benjamini-Hochberg applied in a family of {@code m} with {@code found}
     * discoveries: a p-value passed when p <= 0.05 * found / m, and a lone discovery needs 0.05 / m.
     * An effect the size of an MDE at this level is found with about 80% power in this family, not
     * only in a family of one (where the level is 0.05).
     */
    public static double familyLevel(long m, long found) {
        return m <= 1 ? Q_LEVEL : Q_LEVEL * Math.max(1, found) / m;
    }

    /** Family size: the comparisons that could be tested. */
    public static long familySize(List<Comparison> family) { return family.stream().filter(c -> !Double.isNaN(c.p())).count(); }

    private static double pct(double log) { return Double.isNaN(log) ? Double.NaN : Math.expm1(log) * 100; }

    private static double[] values(Map<Integer, Double> m) { return m.values().stream().mapToDouble(Double::doubleValue).toArray(); }

    private static double[] logs(double[] v) {
        return Arrays.stream(v).filter(x -> x > 0).map(Math::log).toArray();
    }
}
