package dev.fusebench.bench.stats;

import org.apache.commons.math3.distribution.TDistribution;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One arm against the reference in the interleaved design: each boot held both arms, and each
 * round of a workload gave one slice of each, so each round where both slices succeeded gives a
 * log-ratio arm/reference.
 *
 * <p>The model: a round's log-ratio is the effect, plus a shift of the boot (the ratio itself may
 * differ a little from boot to boot, a random effect), plus the round's own noise. Its interval is
 * the one a linear mixed model with a random boot intercept gives (REML, Satterthwaite's degrees of
 * freedom, as lme4 with lmerTest reports it), which for boots of equal rounds has a closed form
 * from the one-way analysis of variance of the rounds by boot:
 * <ul>
 * <li>when the boot means spread more than their rounds explain (MS between boots above MS within),
 * the boot variance is estimated above 0 and the interval is the t over the boot means, df =
 * boots - 1: the cluster-robust interval with its small-sample correction, which holds whatever the
 * boot-to-boot variance and the correlation of rounds inside a boot (host steal comes in bursts of
 * 5-20 s that neighbouring rounds share);</li>
 * <li>otherwise the boot variance is estimated at 0 (REML's bound), the boots add nothing beyond
 * their rounds, and the interval is the t over all rounds, df = rounds - 1, with the rounds' own
 * variance (which is then at least the boot means' variance times their rounds).</li>
 * </ul>
 * Why not always the boot means: with 3-4 boots their t quantile (4.30, 3.18) makes the interval a
 * third wider than the data need when the boots agree, which is what this machine shows (a boot SD
 * of 0.00-0.12 against a round SD of 0.18-0.37). Why not always the rounds: when the ratio does shift
 * between boots, a t over rounds claims differences far too often (12% of A/A cells at a shift of
 * SD 0.10). The choice between the two follows the data, which a fixed rule cannot; the seeded
 * simulations of this machine's noise (InterleavedStatsTest) show the combination keeps the 5% level
 * with ratio shifts of SD 0 to 0.15 and steal bursts. With unequal rounds per boot (a failed slice
 * drops its round) the same rule is applied to the unbalanced analysis of variance (n0 rounds per
 * boot), an approximation the simulations also cover. The 90% interval gives the equivalence test
 * (two one-sided tests at 5% each).
 *
 * @param boots      boots with at least one paired round
 * @param rounds     paired rounds over all boots
 * @param mean       the effect's estimate (log-ratio): the mean of the boot means, or of the rounds when the boot variance is 0
 * @param df         the t interval's degrees of freedom: boots - 1, or rounds - 1 when the boot variance is 0
 * @param overRounds whether the interval is the t over all rounds (the boot variance estimated at 0)
 * @param p          two-sided t-test of mean = 0
 * @param mde        the smallest true log-ratio this design finds with 80% power at the 5% level
 * @param components where the noise sits, as SDs on the log scale
 */
public record Interleaved(int boots, int rounds, double mean, int df, boolean overRounds, double ci95Low, double ci95High, double ci90Low, double ci90High,
                          double p, double mde, VarianceComponents components) {

    /**
     * Fewer boots than this always take the t over boot means: with 3 boots the spread of their means
     * has 2 degrees of freedom, too few to tell a boot variance of 0 from a large one (the simulations:
     * 6.4% A/A false verdicts at a ratio shift of SD 0.15 with 3 boots when pooling was allowed).
     */
    static final int POOL_MIN_BOOTS = 4;

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
        return of(roundLogRatiosByBoot, sliceLogsByBootAndArm, true);
    }

    /** {@code mayPool} false: always the t over boot means (what the simulations compare against). */
    static Interleaved of(Map<Integer, double[]> roundLogRatiosByBoot, Map<Integer, Map<String, double[]>> sliceLogsByBootAndArm, boolean mayPool) {
        List<double[]> byBoot = roundLogRatiosByBoot.values().stream().filter(r -> r.length > 0).toList();
        List<double[]> slices = sliceLogsByBootAndArm.values().stream().flatMap(m -> m.values().stream()).toList();
        VarianceComponents vc = VarianceComponents.of(byBoot, slices);
        int n = byBoot.size(), rounds = byBoot.stream().mapToInt(r -> r.length).sum();
        double[] means = byBoot.stream().mapToDouble(Interleaved::mean).toArray();
        if (n < 2) {
            double m = n == 1 ? means[0] : Double.NaN;
            return new Interleaved(n, rounds, m, 0, false, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, vc);
        }
        double msWithin = VarianceComponents.pooledWithin(byBoot);
        boolean bootsAgree = mayPool && n >= POOL_MIN_BOOTS && !Double.isNaN(msWithin) && VarianceComponents.msBetween(byBoot) <= msWithin;
        double[] units = bootsAgree ? byBoot.stream().flatMapToDouble(Arrays::stream).toArray() : means;
        int df = units.length - 1;
        double m = mean(units), ss = 0;
        for (double x : units) ss += (x - m) * (x - m);
        double se = Math.sqrt(ss / df / units.length);
        Quantiles q = Quantiles.of(df);
        double mde = (q.t975 + q.t80) * se;
        if (se == 0) return new Interleaved(n, rounds, m, df, bootsAgree, m, m, m, m, m == 0 ? 1 : 0, 0, vc);
        double p = Math.min(1, 2 * q.dist.cumulativeProbability(-Math.abs(m / se)));
        return new Interleaved(n, rounds, m, df, bootsAgree, m - q.t975 * se, m + q.t975 * se, m - q.t95 * se, m + q.t95 * se, p, mde, vc);
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
    record Quantiles(TDistribution dist, double t975, double t95, double t80) {
        private static final Map<Integer, Quantiles> CACHE = new ConcurrentHashMap<>();

        static Quantiles of(int df) {
            return CACHE.computeIfAbsent(df, d -> {
                TDistribution t = new TDistribution(null, d);
                return new Quantiles(t, t.inverseCumulativeProbability(0.975), t.inverseCumulativeProbability(0.95),
                        t.inverseCumulativeProbability(PairedT.POWER));
            });
        }
    }
}
