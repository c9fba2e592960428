package dev.fusebench.bench.stats;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One cell's comparison of arm B (e.g. max-pages) against arm A (baseline), for a metric where
 * higher is better: the delta of medians in percent, a seeded bootstrap 95% CI of that delta, the
 * Mann-Whitney p-value, and the verdict of DESIGN.md section 7.
 */
public record Comparison(Summary a, Summary b, double deltaPct, double ciLowPct, double ciHighPct, double p,
                         boolean exactP, Verdict verdict) {

    public enum Verdict {
        FASTER("faster"), SLOWER("slower"), NO_DIFFERENCE("no difference"), INCONCLUSIVE("inconclusive"),
        TOO_FEW("too few runs");
        public final String label;
        Verdict(String label) { this.label = label; }
    }

    public static final int BOOTSTRAP = 4000;
    public static final double ALPHA = 0.05;

    public static Comparison of(double[] a, double[] b, double thresholdPct, long seed) {
        Summary sa = Summary.of(a), sb = Summary.of(b);
        if (a.length < 2 || b.length < 2) {
            return new Comparison(sa, sb, delta(sa.median(), sb.median()), Double.NaN, Double.NaN, Double.NaN, false, Verdict.TOO_FEW);
        }
        double d = delta(sa.median(), sb.median());
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] ds = new double[BOOTSTRAP];
        double[] ra = new double[a.length], rb = new double[b.length];
        for (int i = 0; i < BOOTSTRAP; i++) {
            for (int k = 0; k < a.length; k++) ra[k] = a[rnd.nextInt(a.length)];
            for (int k = 0; k < b.length; k++) rb[k] = b[rnd.nextInt(b.length)];
            ds[i] = delta(Summary.medianOf(ra), Summary.medianOf(rb));
        }
        Arrays.sort(ds);
        double lo = ds[(int) Math.floor(0.025 * (BOOTSTRAP - 1))], hi = ds[(int) Math.ceil(0.975 * (BOOTSTRAP - 1))];
        MannWhitney.Result mw = MannWhitney.test(a, b);
        Verdict v;
        if (mw.p() < ALPHA && lo > 0) v = Verdict.FASTER;
        else if (mw.p() < ALPHA && hi < 0) v = Verdict.SLOWER;
        else if (lo >= -thresholdPct && hi <= thresholdPct) v = Verdict.NO_DIFFERENCE;
        else v = Verdict.INCONCLUSIVE;
        return new Comparison(sa, sb, d, lo, hi, mw.p(), mw.exact(), v);
    }

    static double delta(double a, double b) { return a == 0 ? Double.NaN : (b - a) / a * 100; }
}
