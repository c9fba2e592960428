package dev.fusebench.bench.stats;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** Statistics against published values and a simulated A/A comparison. */
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
    void mannWhitneyExactSmallSamples() {
        // completely separated samples of 6 and 6: U = 0, exact two-sided p = 2 / C(12,6) = 2/924
        MannWhitney.Result r = MannWhitney.test(new double[]{1, 2, 3, 4, 5, 6}, new double[]{7, 8, 9, 10, 11, 12});
        assertEquals(0, r.u());
        assertTrue(r.exact());
        assertEquals(2.0 / 924, r.p(), 1e-12);
        // 3 vs 3 separated: p = 2/20 = 0.1 (can never reach 0.05: hence at least 6 iterations)
        assertEquals(0.1, MannWhitney.test(new double[]{1, 2, 3}, new double[]{4, 5, 6}).p(), 1e-12);
        // tables: n1 = n2 = 5, U = 2 -> P(U <= 2) = 4/252, two-sided 0.0317
        MannWhitney.Result r2 = MannWhitney.test(new double[]{1, 2, 3, 4, 7}, new double[]{5, 6, 8, 9, 10});
        assertEquals(2, r2.u());
        assertEquals(2 * 4.0 / 252, r2.p(), 1e-12);
        // identical ranks interleaved: p = 1
        assertEquals(1.0, MannWhitney.test(new double[]{1, 4}, new double[]{2, 3}).p(), 1e-12);
    }

    @Test
    void mannWhitneyWithTiesUsesNormalApproximation() {
        MannWhitney.Result r = MannWhitney.test(new double[]{1, 1, 2, 2, 3, 3}, new double[]{3, 4, 4, 5, 5, 6});
        assertFalse(r.exact());
        assertTrue(r.p() > 0.001 && r.p() < 0.05, "p " + r.p());
    }

    @Test
    void bootstrapIsReproducibleWithASeed() {
        double[] a = {100, 104, 98, 101, 99, 103}, b = {120, 118, 125, 119, 122, 121};
        Comparison c1 = Comparison.of(a, b, 3, 42), c2 = Comparison.of(a, b, 3, 42);
        assertEquals(c1, c2);
        assertEquals((120.5 - 100.5) / 100.5 * 100, c1.deltaPct(), 1e-9);
        assertTrue(c1.ciLowPct() > 0 && c1.ciHighPct() > c1.ciLowPct());
        assertEquals(Comparison.Verdict.FASTER, c1.verdict());
        assertEquals(Comparison.Verdict.SLOWER, Comparison.of(b, a, 3, 42).verdict());
    }

    @Test
    void noDifferenceNeedsTheCiInsideTheThreshold() {
        double[] a = {100.0, 100.2, 99.9, 100.1, 99.8, 100.0}, b = {100.1, 99.9, 100.0, 100.2, 99.8, 100.1};
        assertEquals(Comparison.Verdict.NO_DIFFERENCE, Comparison.of(a, b, 3, 1).verdict());
        double[] noisyA = {80, 120, 95, 110, 70, 130}, noisyB = {85, 125, 90, 115, 75, 128};
        assertEquals(Comparison.Verdict.INCONCLUSIVE, Comparison.of(noisyA, noisyB, 3, 1).verdict());
        assertEquals(Comparison.Verdict.TOO_FEW, Comparison.of(new double[]{1}, new double[]{2}, 3, 1).verdict());
    }

    /** A/A: both arms from one distribution (+-30% noise, n = 6): faster/slower in at most 5% of cells. */
    @Test
    void simulatedAaComparisonRarelyClaimsADifference() {
        SplittableRandom r = new SplittableRandom(7);
        int cells = 1000, claims = 0;
        for (int c = 0; c < cells; c++) {
            double[] a = new double[6], b = new double[6];
            for (int i = 0; i < 6; i++) {
                a[i] = 200 * (1 + 0.3 * (r.nextDouble() * 2 - 1));
                b[i] = 200 * (1 + 0.3 * (r.nextDouble() * 2 - 1));
            }
            Comparison.Verdict v = Comparison.of(a, b, 3, c).verdict();
            if (v == Comparison.Verdict.FASTER || v == Comparison.Verdict.SLOWER) claims++;
        }
        assertTrue(claims <= cells * 0.05, claims + " of " + cells + " A/A cells claimed a difference");
    }
}
