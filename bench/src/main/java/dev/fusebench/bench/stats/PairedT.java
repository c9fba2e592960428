package dev.fusebench.bench.stats;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * Student's t on paired differences (here: per-block log-ratios arm/reference): the mean
 * difference, its two-sided p-value and the 95% t-interval, which are consistent by construction
 * (the interval excludes 0 exactly when p < 0.05), and the smallest true difference the same
 * design would detect with 80% power.
 */
public record PairedT(int n, double mean, double sd, double t, double p, double ciLow, double ciHigh, double mde) {
    public static final double ALPHA = 0.05, POWER = 0.80;

    public static PairedT of(double[] d) {
        int n = d.length;
        if (n < 2) return new PairedT(n, n == 1 ? d[0] : Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        double mean = 0;
        for (double x : d) mean += x;
        mean /= n;
        double ss = 0;
        for (double x : d) ss += (x - mean) * (x - mean);
        double sd = Math.sqrt(ss / (n - 1)), se = sd / Math.sqrt(n);
        TDistribution dist = new TDistribution(null, n - 1);
        double crit = dist.inverseCumulativeProbability(1 - ALPHA / 2);
        double mde = (crit + dist.inverseCumulativeProbability(POWER)) * se;
        if (se == 0) return new PairedT(n, mean, 0, mean == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, mean), mean == 0 ? 1 : 0, mean, mean, 0);
        double t = mean / se;
        double p = Math.min(1, 2 * dist.cumulativeProbability(-Math.abs(t)));
        return new PairedT(n, mean, sd, t, p, mean - crit * se, mean + crit * se, mde);
    }
}
