package dev.fusebench.bench.matrix;

import dev.fusebench.bench.guest.GuestSetup;
import dev.fusebench.bench.results.RunResult;
import dev.fusebench.bench.workload.FioResult;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.*;

/** Precision-driven iterations with a simulated run source: stop on precision, at a cap, and after a kill. */
class PrecisionTest {
    @TempDir Path tmp;

    static final GuestSetup G = GuestSetup.DEFAULT;
    static final IntFunction<List<PlannedBoot>> PLAN = n -> Schedule.plan(List.of("java"), d -> List.of("baseline", "max-pages"), List.of(G), n, 1, 4);

    static Precision.Rule rule(int max, double target) { return new Precision.Rule(6, max, target, 60, "baseline", 3); }

    /** Runs with a block drift and a per-run noise of {@code noise} (log sd); max-pages 20% faster. Fails call number {@code killAt}. */
    static PlanExecution.BootRunner runs(double noise, int[] calls, int killAt) {
        return u -> {
            if (calls[0]++ == killAt) throw new IOException("killed");
            SplittableRandom r = new SplittableRandom(u.id().hashCode());
            double drift = 0.2 * new SplittableRandom(u.iteration() * 7919L).nextGaussian();
            double v = 100 * Math.exp(drift + noise * r.nextGaussian()) * (u.variant().equals("max-pages") ? 1.2 : 1);
            RunResult.Builder b = new RunResult.Builder();
            b.arm = u.variant();
            b.daemon = new RunResult.DaemonInfo("java", null, true, null, null);
            var read = new FioResult.Direction(1, v * 1048576, 0, 0, 0, Map.of());
            return List.of(b.ok("seq-read", null, null, null, new FioResult("seq-read", 0, read, null, "")));
        };
    }

    static List<JsonNode> of(ResultsStore s, String type) throws IOException {
        return s.read(false).stream().filter(n -> type.equals(n.path("type").asText())).toList();
    }

    @Test
    void lowNoiseStopsAtTheTarget() throws Exception {
        ResultsStore store = new ResultsStore(tmp);
        store.create(Map.of("seed", 4));
        Precision.Decision d = Precision.run(rule(30, 5), PLAN, store, runs(0.04, new int[]{0}, -1));
        assertFalse(d.extend());
        assertTrue(d.reason().startsWith("precision reached"), d.reason());
        assertTrue(d.widestPct() <= 5, "half-width " + d.widestPct());
        assertTrue(d.blocks() > 6 && d.blocks() < 30 && d.blocks() % 2 == 0, "blocks " + d.blocks());
        List<JsonNode> ext = of(store, "extension");
        assertEquals((d.blocks() - 6) / 2 + 1, ext.size(), "one line per decision");
        assertTrue(ext.subList(0, ext.size() - 1).stream().allMatch(n -> n.get("decision").asText().equals("extend")));
        assertEquals(2 * (1 + d.blocks()), of(store, "run").size(), "warm-up + every block, both arms");
    }

    @Test
    void noiseThatNeverShrinksStopsAtTheCap() throws Exception {
        ResultsStore store = new ResultsStore(tmp);
        store.create(Map.of("seed", 4));
        Precision.Decision d = Precision.run(rule(10, 1), PLAN, store, runs(0.4, new int[]{0}, -1));
        assertEquals(10, d.blocks());
        assertTrue(d.reason().startsWith("cap reached: --max-iterations 10"), d.reason());
        assertEquals(2 * 11, of(store, "run").size());
    }

    @Test
    void killedMidExtensionAndResumedRecordsEveryRunOnce() throws Exception {
        ResultsStore store = new ResultsStore(tmp);
        store.create(Map.of("seed", 4));
        // 14 boots = warm-up + 6 blocks; the 17th boot is in the second block of the first extension
        assertThrows(IOException.class, () -> Precision.run(rule(12, 1), PLAN, store, runs(0.4, new int[]{0}, 16)));
        assertEquals(1, of(store, "extension").size(), "the first extension was decided before the kill");
        Precision.Decision d = Precision.run(rule(12, 1), PLAN, store, runs(0.4, new int[]{0}, -1));
        assertEquals(12, d.blocks());
        Map<String, Integer> seen = new HashMap<>();
        for (JsonNode n : of(store, "run")) seen.merge(n.get("unit").asText(), 1, Integer::sum);
        assertEquals(2 * 13, seen.size(), "warm-up and 12 blocks of both arms");
        assertTrue(seen.values().stream().allMatch(c -> c == 1), "nothing recorded twice: " + seen);
        List<Integer> decidedAt = of(store, "extension").stream().map(n -> n.get("blocks").asInt()).toList();
        assertEquals(List.of(6, 8, 10, 12), decidedAt, "each decision once");
        // resuming a finished run changes nothing
        Precision.run(rule(12, 1), PLAN, store, runs(0.4, new int[]{0}, 0));
        assertEquals(4, of(store, "extension").size());
    }

    @Test
    void noExtensionThatWouldPassTheTimeCap() {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (int b = 1; b <= 6; b++) {
            for (String arm : List.of("baseline", "max-pages")) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("type", "run");
                m.put("unit", "i" + b + "/" + arm);
                m.put("iteration", b);
                m.put("warmup", false);
                m.put("arm", arm);
                m.put("workload", "seq-read");
                m.put("guest_key", "g");
                m.put("daemon", Map.of("name", "java"));
                m.put("status", "ok");
                m.put("unit_wall_s", 60.0);
                m.put("fio", Map.of("read", Map.of("ioBytes", 1, "bandwidthBytesPerSec", (arm.equals("baseline") ? 100.0 : 150.0 + 40 * (b % 2)) * 1048576)));
                lines.add(json.valueToTree(m));
            }
        }
        // 12 boots of 60 s = 12 min; two more blocks = 4 min: within 17, past 15
        Precision.Decision go = Precision.decide(new Precision.Rule(6, 20, 1, 17, "baseline", 3), 6, lines);
        assertTrue(go.extend(), go.reason());
        Precision.Decision stop = Precision.decide(new Precision.Rule(6, 20, 1, 15, "baseline", 3), 6, lines);
        assertFalse(stop.extend());
        assertTrue(stop.reason().startsWith("cap reached: --max-minutes 15"), stop.reason());
        assertEquals(720, stop.elapsedS(), 1e-9);
    }
}
