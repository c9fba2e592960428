package dev.fusebench.bench.stats;

import org.apache.commons.math3.distribution.TDistribution;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One arm against the reference in the interleaved design: each boot held both arms, and each
 * round of a workload gave one slice of each, so each round where both slices succeeded gives a
 * log-ratio arm/reference.
 *
 * <p>The boot is the unit: per boot the (unweighted) mean of its rounds' log-ratios, then a
 * one-sample t over the boot means, df = boots - 1. Why not a t over all rounds: the rounds of one
 * boot are not independent (host steal comes in bursts of 5-20 s, so neighbouring rounds share
 * it) and the ratio itself may shift a little from boot to boot; both make the rounds of one boot
 * agree more than independent rounds would, and a t over rounds would then be too narrow. The t
 * over boot means is the cluster-robust interval with its small-sample t correction: it holds
 * whatever the correlation inside a boot and whatever the boot-to-boot variance of the ratio, and
 * is exact when the boot means are normal, which the means of many rounds nearly are. The cost is
 * few degrees of freedom (t quantile 3.18 at 4 boots). Boots count equally, however many of their
 * rounds paired. The 90% interval gives the equivalence test (two one-sided tests at 5% each).
 *
 * @param boots      boots with at least one paired round
 * @param rounds     paired rounds over all boots
 * @param mean       mean of the boot means (log-ratio)
 * @param p          two-sided t-test of mean = 0 over the boot means
 * @param mde        the smallest true log-ratio this design finds with 80% power at the 5% level
 * @param components where the noise sits, as SDs on the log scale
 */
public record Interleaved(int boots, int rounds, double mean, double ci95Low, double ci95High, double ci90Low, double ci90High,
                          double p, double mde, VarianceComponents components) {

    /**
     * From the slices themselves.
     *
     * @param ref per boot, the reference's value by round (successful slices only)
     * @param arm per boot, the arm's value by round (successful slices only)
     */
    public static Interleaved ofSlices(Map<Integer, Map<Integer, Double>> ref, Map<Integer, Map<Integer, Double>> arm) {
        Map<Integer, double[]> ratios = new TreeMap<>();
        Map<Integer, Map<String, double[]>> sliceLogs = new TreeMap<>();
        for (var boot : ref.entrySet()) {
            Map<Integer, Double> a = arm.getOrDefault(boot.getKey(), Map.of());
            List<Double> r = new ArrayList<>();
            for (var round : boot.getValue().entrySet()) {
                Double x = round.getValue(), y = a.get(round.getKey());
                if (x != null && y != null && x > 0 && y > 0) r.add(Math.log(y / x));
            }
            if (!r.isEmpty()) ratios.put(boot.getKey(), r.stream().mapToDouble(Double::doubleValue).toArray());
        }
        // the slice noise from every slice that succeeded, paired or not
        for (var boot : ref.entrySet()) sliceLogs.computeIfAbsent(boot.getKey(), k -> new TreeMap<>()).put("ref", logs(boot.getValue()));
        for (var boot : arm.entrySet()) sliceLogs.computeIfAbsent(boot.getKey(), k -> new TreeMap<>()).put("arm", logs(boot.getValue()));
        return of(ratios, sliceLogs);
    }

    /**
     * @param roundLogRatiosByBoot  per boot, the log-ratio arm/reference of each round where both slices succeeded
     * @param sliceLogsByBootAndArm per boot and arm, the log values of its slices (only for the variance components)
     */
    public static Interleaved of(Map<Integer, double[]> roundLogRatiosByBoot, Map<Integer, Map<String, double[]>> sliceLogsByBootAndArm) {
        List<double[]> byBoot = roundLogRatiosByBoot.values().stream().filter(r -> r.length > 0).toList();
        List<double[]> slices = sliceLogsByBootAndArm.values().stream().flatMap(m -> m.values().stream()).toList();
        VarianceComponents vc = VarianceComponents.of(byBoot, slices);
        int n = byBoot.size(), rounds = byBoot.stream().mapToInt(r -> r.length).sum();
        double[] means = byBoot.stream().mapToDouble(Interleaved::mean).toArray();
        if (n < 2) {
            double m = n == 1 ? means[0] : Double.NaN;
            return new Interleaved(n, rounds, m, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, vc);
        }
        double m = mean(means), ss = 0;
        for (double x : means) ss += (x - m) * (x - m);
        double se = Math.sqrt(ss / (n - 1) / n);
        Quantiles q = Quantiles.of(n - 1);
        double mde = (q.t975 + q.t80) * se;
        if (se == 0) return new Interleaved(n, rounds, m, m, m, m, m, m == 0 ? 1 : 0, 0, vc);
        double p = Math.min(1, 2 * q.dist.cumulativeProbability(-Math.abs(m / se)));
        return new Interleaved(n, rounds, m, m - q.t975 * se, m + q.t975 * se, m - q.t95 * se, m + q.t95 * se, p, mde, vc);
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }

    private static double[] logs(Map<Integer, Double> values) {
        return values.values().stream().filter(v -> v != null && v > 0).mapToDouble(Math::log).toArray();
    }

    /** The t quantiles for df, kept: the inverse is a numeric solve, and a report asks for the same few df many times. */
    private record Quantiles(TDistribution dist, double t975, double t95, double t80) {
        private static final Map<Integer, Quantiles> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

        static Quantiles of(int df) {
            return CACHE.computeIfAbsent(df, d -> {
                TDistribution t = new TDistribution(null, d);
                return new Quantiles(t, t.inverseCumulativeProbability(0.975), t.inverseCumulativeProbability(0.95),
                        t.inverseCumulativeProbability(PairedT.POWER));
            });
        }
    }
}
