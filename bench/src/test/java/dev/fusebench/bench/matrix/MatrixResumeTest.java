package dev.fusebench.bench.matrix;

import dev.fusebench.bench.guest.GuestSetup;
import dev.fusebench.bench.results.RunResult;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** A matrix killed mid-run and resumed records every run exactly once; the schedule interleaves arms. */
class MatrixResumeTest {
    @TempDir Path tmp;

    static List<PlannedBoot> plan() {
        return Schedule.plan(List.of("java", "virtiofsd-rust"), d -> d.equals("java") ? List.of("baseline", "max-pages") : List.of("max-pages"),
                List.of(GuestSetup.DEFAULT), 6, 1, 11);
    }

    static PlanExecution.BootRunner fake(int[] calls, int killAfter) {
        return u -> {
            if (calls[0]++ == killAfter) throw new IOException("killed");
            RunResult.Builder b = new RunResult.Builder();
            b.arm = u.variant();
            List<RunResult> rs = new ArrayList<>();
            for (String w : List.of("seq-read", "rand-read")) rs.add(b.ok(w, null, null, null, null));
            return rs;
        };
    }

    @Test
    void scheduleIsSeededAndInterleaved() {
        List<PlannedBoot> p = plan();
        assertEquals(3 * 7, p.size(), "(2 java arms + 1 peer) x (1 warm-up + 6 iterations)");
        assertEquals(p, plan(), "same seed, same schedule");
        assertTrue(p.subList(0, 3).stream().allMatch(PlannedBoot::warmup));
        List<String> firstArms = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            int it = i;
            firstArms.add(p.stream().filter(u -> !u.warmup() && u.iteration() == it && u.daemon().equals("java")).findFirst().orElseThrow().variant());
        }
        assertTrue(firstArms.contains("baseline") && firstArms.contains("max-pages"), "arm order varies: " + firstArms);
    }

    @Test
    void killedAndResumedRunsEachUnitOnce() throws Exception {
        ResultsStore store = new ResultsStore(tmp);
        store.create(Map.of("seed", 11));
        List<PlannedBoot> plan = plan();
        int[] calls = {0};
        assertThrows(IOException.class, () -> PlanExecution.execute(plan, Set.of(), store, fake(calls, 8)));
        // a torn line, as if killed while writing
        Files.writeString(store.file(), "{\"type\":\"run\",\"unit\":\"i9/ja", StandardOpenOption.APPEND);
        Set<String> done = store.doneUnits();
        assertEquals(8, done.size());
        PlanExecution.execute(plan, done, store, fake(new int[]{0}, -1));
        List<JsonNode> lines = store.read(false);
        assertEquals("environment", lines.getFirst().get("type").asText());
        Map<String, Integer> perUnitWorkload = new HashMap<>();
        for (JsonNode n : lines.subList(1, lines.size())) perUnitWorkload.merge(n.get("unit").asText() + "|" + n.get("workload").asText(), 1, Integer::sum);
        assertEquals(plan.size() * 2, perUnitWorkload.size(), "every unit and workload recorded");
        assertTrue(perUnitWorkload.values().stream().allMatch(c -> c == 1), "nothing recorded twice");
        assertTrue(Files.readString(store.file(), StandardCharsets.UTF_8).endsWith("\n"));
    }
}
