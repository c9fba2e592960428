package dev.fusebench.bench.stats;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * Welch's t on two independent samples (here: log values of two separate runs), with the
 * Welch-Satterthwaite degrees of freedom: the difference of means, its two-sided p-value and the
 * 95% interval. For result sets that share no blocks, where nothing can be paired.
 */
public record WelchT(double diff, double df, double t, double p, double ciLow, double ciHigh) {
    public static WelchT of(double[] a, double[] b) {
        int na = a.length, nb = b.length;
        if (na < 2 || nb < 2) return new WelchT(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        Summary sa = Summary.of(a), sb = Summary.of(b);
        double va = sa.stddev() * sa.stddev() / na, vb = sb.stddev() * sb.stddev() / nb;
        double diff = sb.mean() - sa.mean(), se = Math.sqrt(va + vb);
        if (se == 0) return new WelchT(diff, na + nb - 2, Double.NaN, diff == 0 ? 1 : 0, diff, diff);
        double df = (va + vb) * (va + vb) / (va * va / (na - 1) + vb * vb / (nb - 1));
        TDistribution dist = new TDistribution(null, df);
        double t = diff / se, crit = dist.inverseCumulativeProbability(1 - PairedT.ALPHA / 2);
        return new WelchT(diff, df, t, Math.min(1, 2 * dist.cumulativeProbability(-Math.abs(t))), diff - crit * se, diff + crit * se);
    }
}
