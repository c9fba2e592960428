package dev.fusebench.bench.stats;

import java.util.List;

/**
 * Where an interleaved comparison's noise sits, as standard deviations on the log scale:
 * {@code sliceSd}, one slice's figure around its arm's mean in its boot (the raw noise a slice
 * carries, steal bursts included); {@code roundSd}, one round's log-ratio around its boot's mean (what pairing the arms
 * in a round leaves); {@code bootSd}, the ratio's own spread between boots beyond what the rounds
 * explain (one-way random-effects ANOVA, with n0 for unequal rounds per boot; 0 when the boots
 * agree as well as their rounds allow).
 */
public record VarianceComponents(double sliceSd, double roundSd, double bootSd) {

    /**
     * @param ratiosByBoot each boot's rounds' log-ratios
     * @param sliceLogs    each (boot, arm)'s slices' log values
     */
    public static VarianceComponents of(List<double[]> ratiosByBoot, List<double[]> sliceLogs) {
        return new VarianceComponents(Math.sqrt(pooledWithin(sliceLogs)), Math.sqrt(pooledWithin(ratiosByBoot)), Math.sqrt(between(ratiosByBoot)));
    }

    /** The pooled variance within groups (MS within), NaN without a group of two. */
    static double pooledWithin(List<double[]> groups) {
        double ss = 0;
        int df = 0;
        for (double[] g : groups) {
            if (g.length < 2) continue;
            double m = Interleaved.mean(g);
            for (double x : g) ss += (x - m) * (x - m);
            df += g.length - 1;
        }
        return df == 0 ? Double.NaN : ss / df;
    }

    /** The between-group variance component: max(0, (MS between - MS within) / n0), NaN below two groups. */
    static double between(List<double[]> groups) {
        double msb = msBetween(groups), msw = pooledWithin(groups);
        if (Double.isNaN(msb) || Double.isNaN(msw)) return Double.NaN;
        long n = 0, sumSq = 0;
        for (double[] g : groups) {
            n += g.length;
            sumSq += (long) g.length * g.length;
        }
        double n0 = (n - (double) sumSq / n) / (groups.size() - 1);
        return Math.max(0, (msb - msw) / n0);
    }

    /** The mean square between groups (each group's mean around the grand mean, weighted by its size), NaN below two groups. */
    static double msBetween(List<double[]> groups) {
        int k = groups.size();
        if (k < 2) return Double.NaN;
        long n = 0;
        double total = 0;
        for (double[] g : groups) {
            n += g.length;
            for (double x : g) total += x;
        }
        double grand = total / n, ssb = 0;
        for (double[] g : groups) ssb += g.length * Math.pow(Interleaved.mean(g) - grand, 2);
        return ssb / (k - 1);
    }
}
