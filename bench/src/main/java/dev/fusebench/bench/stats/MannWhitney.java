package dev.fusebench.bench.stats;

import java.util.Arrays;

/**
 * Two-sided Mann-Whitney U test. Exact p-value (the permutation distribution of U, counted by
 * dynamic programming) when there are no ties and both samples have at most 30 values; otherwise
 * the normal approximation with tie correction and continuity correction.
 */
public final class MannWhitney {
    private MannWhitney() {}

    public record Result(double u, double p, boolean exact) {}

    public static Result test(double[] a, double[] b) {
        int n1 = a.length, n2 = b.length;
        if (n1 == 0 || n2 == 0) return new Result(Double.NaN, Double.NaN, false);
        int n = n1 + n2;
        double[][] all = new double[n][2];
        for (int i = 0; i < n1; i++) all[i] = new double[]{a[i], 0};
        for (int i = 0; i < n2; i++) all[n1 + i] = new double[]{b[i], 1};
        Arrays.sort(all, (x, y) -> Double.compare(x[0], y[0]));
        double[] ranks = new double[n];
        boolean ties = false;
        double tieTerm = 0;
        for (int i = 0; i < n; ) {
            int j = i;
            while (j + 1 < n && all[j + 1][0] == all[i][0]) j++;
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) ranks[k] = rank;
            int t = j - i + 1;
            if (t > 1) { ties = true; tieTerm += (double) t * t * t - t; }
            i = j + 1;
        }
        double r1 = 0;
        for (int i = 0; i < n; i++) if (all[i][1] == 0) r1 += ranks[i];
        double u1 = r1 - n1 * (n1 + 1) / 2.0;
        double u = Math.min(u1, (double) n1 * n2 - u1);
        if (!ties && n1 <= 30 && n2 <= 30) return new Result(u, exactTwoSided((int) Math.round(u), n1, n2), true);
        double mu = n1 * n2 / 2.0;
        double sigma = Math.sqrt(n1 * n2 / 12.0 * ((n + 1) - tieTerm / ((double) n * (n - 1))));
        if (sigma == 0) return new Result(u, 1.0, false);
        double z = (Math.abs(u1 - mu) - 0.5) / sigma;
        double p = 2 * (1 - normalCdf(Math.max(z, 0)));
        return new Result(u, Math.min(1, p), false);
    }

    /** P(U <= u) * 2 under H0, capped at 1: counts of arrangements with each U value. */
    static double exactTwoSided(int u, int n1, int n2) {
        // f[i][j][s]: arrangements of i values of sample 1 and j of sample 2 with U = s; rolled into 2D
        int max = n1 * n2;
        double[][] prev = new double[n2 + 1][max + 1];
        for (int j = 0; j <= n2; j++) prev[j][0] = 1; // i = 0: U = 0
        for (int i = 1; i <= n1; i++) {
            double[][] cur = new double[n2 + 1][max + 1];
            cur[0][0] = 1;
            for (int j = 1; j <= n2; j++) {
                for (int s = 0; s <= i * j; s++) {
                    // largest value from sample 1 (beats all j of sample 2) or from sample 2
                    double fromA = s - j >= 0 ? prev[j][s - j] : 0;
                    double fromB = cur[j - 1][s];
                    cur[j][s] = fromA + fromB;
                }
            }
            prev = cur;
        }
        double total = 0, tail = 0;
        for (int s = 0; s <= max; s++) {
            total += prev[n2][s];
            if (s <= u) tail += prev[n2][s];
        }
        return Math.min(1.0, 2 * tail / total);
    }

    /** Standard normal CDF (Abramowitz-Stegun 7.1.26 erf, error below 1.5e-7). */
    static double normalCdf(double z) {
        double x = Math.abs(z) / Math.sqrt(2);
        double t = 1 / (1 + 0.3275911 * x);
        double erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
        return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }
}
