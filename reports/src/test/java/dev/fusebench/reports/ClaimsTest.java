package dev.fusebench.reports;

import dev.fusebench.bench.stats.Comparison;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/** A pull request's claims: the format, the seed's own table, and how each outcome follows from the interval. */
class ClaimsTest {
    @Test
    void theSeedsTableParses() throws Exception {
        List<Claims.Claim> c = Claims.read(Path.of("..", "examples", "seed-claims.txt"));
        assertEquals(4, c.size());
        assertEquals(new Claims.Claim("seq-read", "max-pages", Claims.Direction.FASTER, 128, "seq-read   max-pages faster >= +128%"), c.get(0));
        assertEquals(Claims.Direction.SAME, c.get(3).direction());
        assertEquals(10, c.get(3).sizePct());
    }

    @Test
    void malformedClaimsAreRefusedWithTheirLine() {
        for (String bad : new String[]{"seq-read max-pages quicker", "seq-read faster", "seq-read max-pages faster <= +10%",
                "seq-read max-pages same within -5%", "seq-read max-pages slower <= +5%", "# only a comment\n"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Claims.parse(bad), bad);
            assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Claims.parse("seq-read max-pages faster\nx y z")).getMessage().startsWith("claims line 2"));
    }

    /** Boots of 8 rounds whose log-ratios sit at the given boot means (±0.05 inside each boot). */
    static Comparison cell(double... bootMeans) {
        Map<Integer, Map<Integer, Double>> ref = new TreeMap<>(), arm = new TreeMap<>();
        for (int b = 0; b < bootMeans.length; b++)
            for (int r = 1; r <= 8; r++) {
                ref.computeIfAbsent(b + 1, k -> new TreeMap<>()).put(r, 100.0);
                arm.computeIfAbsent(b + 1, k -> new TreeMap<>()).put(r, 100 * Math.exp(bootMeans[b] + (r % 2 == 0 ? 0.05 : -0.05)));
            }
        Comparison c = Comparison.interleaved(ref, arm, bootMeans.length);
        return c.decide(c.p(), 10);
    }

    static Claims.Outcome judge(String claim, Comparison c) { return Claims.outcome(Claims.parse(claim).getFirst(), c, 10); }

    @Test
    void outcomesFollowTheInterval() {
        Comparison plus50 = cell(0.40, 0.42, 0.41, 0.39, 0.40); // about +50%, a narrow interval
        assertEquals(Comparison.Verdict.FASTER, plus50.verdict());
        assertEquals(Claims.Outcome.HOLDS, judge("w a faster", plus50));
        assertEquals(Claims.Outcome.HOLDS, judge("w a faster >= +40%", plus50));
        assertEquals(Claims.Outcome.DOES_NOT_HOLD, judge("w a faster >= +128%", plus50), "the seed's +128% is beyond the interval");
        assertEquals(Claims.Outcome.DOES_NOT_HOLD, judge("w a slower", plus50));
        assertEquals(Claims.Outcome.DOES_NOT_HOLD, judge("w a same within 10%", plus50));
        Comparison none = cell(0.0, 0.01, -0.01, 0.005, -0.005);
        assertEquals(Claims.Outcome.HOLDS, judge("w a same within 10%", none));
        assertEquals(Claims.Outcome.HOLDS, judge("w a same", none), "the report's band");
        assertEquals(Claims.Outcome.DOES_NOT_HOLD, judge("w a faster >= +20%", none));
        assertEquals(Claims.Outcome.INCONCLUSIVE, judge("w a faster", none), "not faster, but not excluded above 0 either");
        Comparison wide = cell(0.3, -0.2, 0.25, -0.1);
        assertEquals(Claims.Outcome.INCONCLUSIVE, judge("w a same within 10%", wide));
        assertEquals(Claims.Outcome.INCONCLUSIVE, judge("w a faster >= +5%", wide));
        assertEquals(Claims.Outcome.INCONCLUSIVE, judge("w a faster", cell(0.4, 0.4)), "two boots: no verdict, no judgement");
    }
}
