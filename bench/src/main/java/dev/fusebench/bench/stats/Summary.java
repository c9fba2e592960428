package dev.fusebench.bench.stats;

import java.util.Arrays;

/** Descriptive statistics of one arm of one cell. */
public record Summary(int n, double median, double mean, double stddev, double cv, double min, double max) {
    public static Summary of(double[] values) {
        int n = values.length;
        if (n == 0) return new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        double[] v = values.clone();
        Arrays.sort(v);
        double mean = Arrays.stream(v).sum() / n;
        double ss = 0;
        for (double x : v) ss += (x - mean) * (x - mean);
        double sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
        return new Summary(n, median(v), mean, sd, mean == 0 ? Double.NaN : sd / mean, v[0], v[n - 1]);
    }

    /** Median of sorted values. */
    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
