package dev.fusebench.bench.stats;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/** Statistics against published values, and seeded simulations of the matrix's noise. */
class StatsTest {
    @Test
    void summary() {
        Summary s = Summary.of(new double[]{2, 4, 4, 4, 5, 5, 7, 9});
        assertEquals(8, s.n());
        assertEquals(4.5, s.median());
        assertEquals(5.0, s.mean());
        assertEquals(Math.sqrt(32.0 / 7), s.stddev(), 1e-12); // sample standard deviation
        assertEquals(2, s.min());
        assertEquals(9, s.max());
    }

    @Test
    void pairedTAgainstR() {
        // R: with(sleep, t.test(extra[group == 2], extra[group == 1], paired = TRUE))
        // t = 4.0621, df = 9, p-value = 0.002833, 95% CI 0.7001142 2.4598858, mean difference 1.58
        double[] g1 = {0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0};
        double[] g2 = {1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4};
        double[] d = new double[10];
        for (int i = 0; i < 10; i++) d[i] = g2[i] - g1[i];
        PairedT t = PairedT.of(d);
        assertEquals(1.58, t.mean(), 1e-9);
        assertEquals(4.0621, t.t(), 1e-4);
        assertEquals(0.002833, t.p(), 1e-6);
        assertEquals(0.7001142, t.ciLow(), 1e-6);
        assertEquals(2.4598858, t.ciHigh(), 1e-6);
        // the interval and the test agree: excludes 0 exactly when p < 0.05
        PairedT weak = PairedT.of(new double[]{0.1, -0.05, 0.2, 0.0, -0.1, 0.15});
        assertEquals(weak.p() < 0.05, weak.ciLow() > 0 || weak.ciHigh() < 0);
    }

    @Test
    void welchTAgainstR() {
        // R: t.test(extra ~ group, data = sleep) (Welch): t = -1.8608, df = 17.776, p-value = 0.07939,
        // 95% CI -3.3654832 0.2054832
        double[] g1 = {0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0};
        double[] g2 = {1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4};
        WelchT w = WelchT.of(g2, g1);
        assertEquals(-1.8608, w.t(), 1e-4);
        assertEquals(17.776, w.df(), 1e-3);
        assertEquals(0.07939, w.p(), 1e-5);
        assertEquals(-3.3654832, w.ciLow(), 1e-6);
        assertEquals(0.2054832, w.ciHigh(), 1e-6);
    }

    @Test
    void benjaminiHochbergAsRsPAdjust() {
        // p.adjust(c(0.01, 0.04, 0.03, 0.005, 0.2), "BH") = 0.025 0.050 0.050 0.025 0.200
        double[] q = FalseDiscovery.qValues(new double[]{0.01, 0.04, 0.03, 0.005, 0.2});
        assertArrayEquals(new double[]{0.025, 0.05, 0.05, 0.025, 0.2}, q, 1e-12);
        // untestable comparisons are outside the family
        double[] q2 = FalseDiscovery.qValues(new double[]{0.01, Double.NaN, 0.04});
        assertEquals(0.02, q2[0], 1e-12);
        assertTrue(Double.isNaN(q2[1]));
        assertEquals(0.04, q2[2], 1e-12);
    }

    @Test
    void mannWhitneyExactSmallSamples() {
        // completely separated samples of 6 and 6: U = 0, exact two-sided p = 2 / C(12,6) = 2/924
        MannWhitney.Result r = MannWhitney.test(new double[]{1, 2, 3, 4, 5, 6}, new double[]{7, 8, 9, 10, 11, 12});
        assertEquals(0, r.u());
        assertTrue(r.exact());
        assertEquals(2.0 / 924, r.p(), 1e-12);
        assertEquals(0.1, MannWhitney.test(new double[]{1, 2, 3}, new double[]{4, 5, 6}).p(), 1e-12);
        // tables: n1 = n2 = 5, U = 2 -> P(U <= 2) = 4/252, two-sided 0.0317
        MannWhitney.Result r2 = MannWhitney.test(new double[]{1, 2, 3, 4, 7}, new double[]{5, 6, 8, 9, 10});
        assertEquals(2, r2.u());
        assertEquals(2 * 4.0 / 252, r2.p(), 1e-12);
        assertEquals(1.0, MannWhitney.test(new double[]{1, 4}, new double[]{2, 3}).p(), 1e-12);
    }

    @Test
    void mannWhitneyWithTiesUsesNormalApproximation() {
        MannWhitney.Result r = MannWhitney.test(new double[]{1, 1, 2, 2, 3, 3}, new double[]{3, 4, 4, 5, 5, 6});
        assertFalse(r.exact());
        assertTrue(r.p() > 0.001 && r.p() < 0.05, "p " + r.p());
    }

    /** The seed's sequential figures from issue 12: every block agreed, the unpaired test did not see it. */
    @Test
    void pairingSeesWhatTheUnpairedTestMissed() {
        double[] ratios = {2.53, 1.54, 1.00, 1.44, 1.57, 1.14};
        Map<Integer, Double> ref = new TreeMap<>(), arm = new TreeMap<>();
        double[] base = {55, 134, 80, 90, 70, 100}; // boot-to-boot drift of the reference
        for (int i = 0; i < 6; i++) { ref.put(i + 1, base[i]); arm.put(i + 1, base[i] * ratios[i]); }
        Comparison c = Comparison.paired(ref, arm, 6).decide(0.03, 3);
        assertEquals(0.03, c.p(), 0.005, "paired t on log-ratios, as the issue computed it");
        assertEquals(Comparison.Verdict.FASTER, c.verdict());
        assertTrue(c.effectPct() > 35 && c.effectPct() < 55, "geometric mean ratio " + c.effectPct());
        assertTrue(c.mannWhitneyP() > 0.05, "the unpaired figure stays secondary: " + c.mannWhitneyP());
    }

    @Test
    void verdictRules() {
        Map<Integer, Double> a = new TreeMap<>(), b = new TreeMap<>();
        for (int i = 1; i <= 6; i++) { a.put(i, 100.0 + i); b.put(i, (100.0 + i) * (1 + 0.002 * (i % 2 == 0 ? 1 : -1))); }
        assertEquals(Comparison.Verdict.NO_DIFFERENCE, Comparison.paired(a, b, 6).decide(1, 3).verdict());
        // the same at five pairs: no verdict at all
        a.remove(6);
        Comparison five = Comparison.paired(a, b, 6).decide(1, 3);
        assertEquals(Comparison.Verdict.TOO_FEW, five.verdict());
        assertEquals(5, five.pairs());
        assertEquals(1, five.dropped(), "the block whose reference failed is counted");
        // significant by p but not after the family's correction: inconclusive
        Map<Integer, Double> c = new TreeMap<>();
        for (int i = 1; i <= 6; i++) c.put(i, (100.0 + i) * (1.2 + 0.1 * (i % 3)));
        a.put(6, 106.0);
        Comparison big = Comparison.paired(a, c, 6);
        assertTrue(big.p() < 0.05);
        assertEquals(Comparison.Verdict.FASTER, big.decide(big.p(), 3).verdict());
        assertEquals(Comparison.Verdict.INCONCLUSIVE, big.decide(0.2, 3).verdict());
    }

    // ---- simulations: the noise of this kind of machine ----------------------------------------

    /** Per-run noise so that an arm's CV over blocks is 15% with 10% of it block-to-block drift. */
    static final double DRIFT = 0.10, NOISE = Math.sqrt(0.15 * 0.15 - DRIFT * DRIFT);

    /** One simulated cell of n blocks: both arms share each block's drift; the arm carries a true effect. */
    static Comparison cell(SplittableRandom r, int n, double trueRatio) {
        Map<Integer, Double> a = new TreeMap<>(), b = new TreeMap<>();
        for (int i = 1; i <= n; i++) {
            double drift = DRIFT * r.nextGaussian();
            a.put(i, 200 * Math.exp(drift + NOISE * r.nextGaussian()));
            b.put(i, 200 * trueRatio * Math.exp(drift + NOISE * r.nextGaussian()));
        }
        return Comparison.paired(a, b, n);
    }

    static List<Comparison> report(SplittableRandom r, int cells, int n, double trueRatio) {
        List<Comparison> family = new ArrayList<>();
        for (int c = 0; c < cells; c++) family.add(cell(r, n, trueRatio));
        return Comparison.decideAll(family, 3);
    }

    @Test
    void aaCellsRarelyClaimADifference() {
        SplittableRandom r = new SplittableRandom(7);
        // as the main job reports them: families of its 4 workloads, 2,000 cells in all
        int claims = 0;
        for (int k = 0; k < 500; k++) for (Comparison c : report(r, 4, 6, 1.0)) if (c.verdict().claimsDifference()) claims++;
        assertTrue(claims <= 2000 * 0.05, claims + " of 2000 A/A cells claimed a difference");
        // a family of one is the test alone: its false rate is the nominal 5% (not far below: the test is not blunt)
        int alone = 0;
        for (int k = 0; k < 2000; k++) if (report(r, 1, 6, 1.0).getFirst().verdict().claimsDifference()) alone++;
        assertTrue(alone >= 2000 * 0.035 && alone <= 2000 * 0.065, alone + " of 2000 single A/A cells");
    }

    @Test
    void aaReportsOf32CellsRarelyHoldAFalseVerdict() {
        SplittableRandom r = new SplittableRandom(11);
        int reports = 500, withClaim = 0;
        for (int k = 0; k < reports; k++) if (report(r, 32, 6, 1.0).stream().anyMatch(c -> c.verdict().claimsDifference())) withClaim++;
        assertTrue(withClaim <= reports * 0.10, withClaim + " of " + reports + " A/A reports had a false verdict");
    }

    /**
     * A true 25% effect under the same noise. At 6 blocks the paired t-test's power is 0.79 in
     * theory (noncentral t, 5 degrees of freedom, effect / sd of the log-ratio = 1.41): no valid
     * 5%-level test with an estimated variance does much better at n = 6, so the bound is 0.75
     * (about four binomial standard deviations of 2,000 cells below it); at 8 blocks it is above 0.90.
     */
    @Test
    void aTrue25PercentEffectIsFoundAtSixBlocks() {
        SplittableRandom r = new SplittableRandom(13);
        int cells = 2000, found6 = 0, found8 = 0;
        for (int k = 0; k < cells; k++) if (report(r, 1, 6, 1.25).getFirst().verdict() == Comparison.Verdict.FASTER) found6++;
        for (int k = 0; k < cells; k++) if (report(r, 1, 8, 1.25).getFirst().verdict() == Comparison.Verdict.FASTER) found8++;
        assertTrue(found6 >= cells * 0.75, found6 + " of " + cells + " cells found the 25% effect at 6 blocks");
        assertTrue(found8 >= cells * 0.90, found8 + " of " + cells + " cells found the 25% effect at 8 blocks");
    }

    @Test
    void minimumDetectableEffectMatchesThePowerItPromises() {
        // simulate at the MDE that one noisy sample reports: about 80% of cells find it
        SplittableRandom r = new SplittableRandom(17);
        double mde = cell(r, 8, 1.0).mdePct();
        assertTrue(mde > 5 && mde < 60, "mde " + mde);
        int found = 0, cells = 2000;
        for (int k = 0; k < cells; k++) {
            // the MDE from the expected noise of the log-ratio (sqrt(2) * NOISE)
            double expected = (new org.apache.commons.math3.distribution.TDistribution(null, 7).inverseCumulativeProbability(0.975)
                    + new org.apache.commons.math3.distribution.TDistribution(null, 7).inverseCumulativeProbability(0.8)) * Math.sqrt(2) * NOISE / Math.sqrt(8);
            if (report(r, 1, 8, Math.exp(expected)).getFirst().verdict() == Comparison.Verdict.FASTER) found++;
        }
        assertTrue(found >= cells * 0.74 && found <= cells * 0.86, found + " of " + cells + " at the MDE");
    }

    /**
     * In a family of four (the main job's workloads) the MDE is at the level BH applies there: one true
     * effect of that size among three null cells is found about 80% of the time, as promised. The MDE
     * at 0.05 (a cell alone) would promise 80% and deliver far less among four.
     */
    @Test
    void theMdeKeepsItsPowerPromiseInAFamilyOfFour() {
        SplittableRandom r = new SplittableRandom(23);
        org.apache.commons.math3.distribution.TDistribution t7 = new org.apache.commons.math3.distribution.TDistribution(null, 7);
        double se = Math.sqrt(2) * NOISE / Math.sqrt(8);
        double atFamily = (t7.inverseCumulativeProbability(1 - 0.0125 / 2) + t7.inverseCumulativeProbability(0.8)) * se;
        double alone = (t7.inverseCumulativeProbability(0.975) + t7.inverseCumulativeProbability(0.8)) * se;
        int families = 2000, foundAtFamily = 0, foundAlone = 0;
        for (int k = 0; k < families; k++) {
            if (familyWithOneEffect(r, Math.exp(atFamily)).getFirst().verdict() == Comparison.Verdict.FASTER) foundAtFamily++;
            if (familyWithOneEffect(r, Math.exp(alone)).getFirst().verdict() == Comparison.Verdict.FASTER) foundAlone++;
        }
        assertTrue(foundAtFamily >= families * 0.74 && foundAtFamily <= families * 0.88, foundAtFamily + " of " + families + " at the family's MDE");
        assertTrue(foundAlone < families * 0.70, foundAlone + " of " + families + " at a lone cell's MDE");
        // and the report's own figure is the family's: from one noisy family, near the theory, at 0.05 / 4 when nothing else is found
        List<Comparison> nulls = report(r, 4, 8, 1.0);
        Comparison c = nulls.getFirst();
        if (nulls.stream().noneMatch(x -> x.q() < Comparison.Q_LEVEL)) assertEquals(0.0125, c.mdeLevel(), 1e-12);
        double undecided = Comparison.paired(Map.of(1, 1.0), Map.of(1, 1.0), 1).mdeLevel();
        assertEquals(0.05, undecided, 1e-12);
        double asAlone = c.mdeAt(0.05).mdePct(), inFamily = c.mdeAt(0.0125).mdePct();
        assertTrue(inFamily > asAlone * 1.2, inFamily + " vs " + asAlone);
        assertEquals((t7.inverseCumulativeProbability(1 - 0.0125 / 2) + t7.inverseCumulativeProbability(0.8))
                / (t7.inverseCumulativeProbability(0.975) + t7.inverseCumulativeProbability(0.8)), Math.log1p(inFamily / 100) / Math.log1p(asAlone / 100), 1e-9);
    }

    /** A decided family of four cells of 8 blocks: the first carries the true ratio, the other three none. */
    private static List<Comparison> familyWithOneEffect(SplittableRandom r, double trueRatio) {
        List<Comparison> family = new ArrayList<>(List.of(cell(r, 8, trueRatio)));
        for (int i = 0; i < 3; i++) family.add(cell(r, 8, 1.0));
        return Comparison.decideAll(family, 3);
    }
}
