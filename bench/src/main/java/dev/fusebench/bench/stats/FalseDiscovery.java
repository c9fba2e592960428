package dev.fusebench.bench.stats;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Benjamini-Hochberg q-values over one family of comparisons (every comparison of a report):
 * q_(i) = min over j >= i of p_(j) * m / j, as R's {@code p.adjust(p, "BH")}. A NaN p (a
 * comparison that could not be tested) is no member of the family and gets a NaN q.
 */
public final class FalseDiscovery {
    private FalseDiscovery() {}

    public static double[] qValues(double[] p) {
        Integer[] idx = new Integer[p.length];
        int m = 0;
        for (int i = 0; i < p.length; i++) {
            idx[i] = i;
            if (!Double.isNaN(p[i])) m++;
        }
        double[] q = new double[p.length];
        Arrays.fill(q, Double.NaN);
        Integer[] tested = Arrays.stream(idx).filter(i -> !Double.isNaN(p[i])).sorted(Comparator.comparingDouble(i -> p[i])).toArray(Integer[]::new);
        double min = 1;
        for (int r = m; r >= 1; r--) {
            int i = tested[r - 1];
            min = Math.min(min, p[i] * m / r);
            q[i] = min;
        }
        return q;
    }
}
