package dev.fusebench.bench.matrix;

import dev.fusebench.bench.guest.GuestSetup;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Counterbalanced blocks: each arm takes each position equally often, whatever the seed. */
class ScheduleTest {
    static final GuestSetup G = GuestSetup.DEFAULT;

    static List<PlannedBoot> plan(int arms, int blocks, int warmup, long seed) {
        List<String> variants = new java.util.ArrayList<>();
        for (int a = 0; a < arms; a++) variants.add("v" + a);
        return Schedule.plan(List.of("java"), d -> variants, List.of(G), blocks, warmup, seed);
    }

    /** For each arm, how often it took each position, over the units given. */
    static Map<String, int[]> positions(List<PlannedBoot> units, int arms) {
        Map<String, int[]> m = new HashMap<>();
        for (PlannedBoot u : units) m.computeIfAbsent(u.variant(), k -> new int[arms])[u.position() - 1]++;
        return m;
    }

    static void assertBalanced(List<PlannedBoot> units, int arms, String what) {
        Map<String, int[]> pos = positions(units, arms);
        assertEquals(arms, pos.size(), what);
        for (var e : pos.entrySet()) {
            int min = Integer.MAX_VALUE, max = 0;
            for (int c : e.getValue()) { min = Math.min(min, c); max = Math.max(max, c); }
            assertTrue(max - min <= 1, what + ": " + e.getKey() + " positions " + java.util.Arrays.toString(e.getValue()));
        }
    }

    @Test
    void eachArmTakesEachPositionEquallyOften() {
        for (int arms = 2; arms <= 4; arms++) {
            for (int blocks = 6; blocks <= 12; blocks++) {
                for (long seed : new long[]{1, 2, 99}) {
                    List<PlannedBoot> p = plan(arms, blocks, 2, seed);
                    String what = arms + " arms, " + blocks + " blocks, seed " + seed;
                    assertEquals(arms * (blocks + 2), p.size(), what);
                    assertBalanced(p.stream().filter(u -> !u.warmup()).toList(), arms, what + " (measured)");
                    assertBalanced(p.stream().filter(PlannedBoot::warmup).toList(), arms, what + " (warm-ups)");
                    for (int b = 1; b <= blocks; b++) {
                        int it = b;
                        List<PlannedBoot> block = p.stream().filter(u -> !u.warmup() && u.iteration() == it).toList();
                        assertEquals(arms, block.stream().map(PlannedBoot::variant).distinct().count(), "every arm once in block " + b);
                        assertEquals(block.stream().map(u -> "java/" + u.variant()).toList(), block.getFirst().blockOrder(), "the order recorded");
                    }
                }
            }
        }
    }

    @Test
    void theDefaultSeedGivesNoFixedOrder() {
        List<PlannedBoot> p = plan(2, 6, 1, 1);
        long firstIsV0 = p.stream().filter(u -> !u.warmup() && u.position() == 1 && u.variant().equals("v0")).count();
        assertEquals(3, firstIsV0, "AB in half the blocks, BA in the other half");
    }

    @Test
    void twoSeedsGiveDifferentOrdersAndAPlanKeepsItsPrefix() {
        assertNotEquals(plan(3, 12, 1, 1).stream().map(PlannedBoot::id).toList(), plan(3, 12, 1, 2).stream().map(PlannedBoot::id).toList());
        assertEquals(plan(3, 12, 1, 1), plan(3, 12, 1, 1), "same seed, same schedule");
        List<PlannedBoot> eight = plan(2, 8, 1, 5), ten = plan(2, 10, 1, 5);
        assertEquals(eight, ten.subList(0, eight.size()), "adding blocks keeps the blocks already planned");
    }

    @Test
    void blocksSpanEveryDaemonOfAGuestConfiguration() {
        List<PlannedBoot> p = Schedule.plan(List.of("java", "virtiofsd-rust"), d -> d.equals("java") ? List.of("baseline", "max-pages") : List.of("max-pages"),
                List.of(G), 6, 0, 3);
        Map<String, int[]> pos = new HashMap<>();
        for (PlannedBoot u : p) pos.computeIfAbsent(u.daemon() + "/" + u.variant(), k -> new int[3])[u.position() - 1]++;
        assertEquals(3, pos.size());
        for (int[] c : pos.values()) assertArrayEquals(new int[]{2, 2, 2}, c, "3 arms over 6 blocks: each position twice");
    }

    /**
     * Shards take whole Latin squares: for 2, 4 and 8 shards of 2-4 arms, every shard's blocks put each
     * arm in each position exactly equally often (by single blocks, the README's own example,
     * --iterations 8 --seed 7 on 4 shards with two arms, gave every host only AB or only BA).
     */
    @Test
    void shardsTakeWholeSquaresSoEveryHostRunsEachOrderEquallyOften() {
        for (int arms = 2; arms <= 4; arms++)
            for (int shards : new int[]{2, 4, 8}) {
                List<PlannedBoot> whole = plan(arms, arms * shards, 0, 7);
                for (int k = 1; k <= shards; k++) {
                    List<PlannedBoot> mine = Shard.filter(new Shard(k, shards), whole, arms);
                    assertEquals(arms * arms, mine.size(), "one square of " + arms + " blocks on shard " + k + "/" + shards);
                    Map<String, int[]> pos = positions(mine, arms);
                    for (var e : pos.entrySet())
                        for (int c : e.getValue()) assertEquals(1, c, arms + " arms, shard " + k + "/" + shards + ": " + e.getKey() + " " + java.util.Arrays.toString(e.getValue()));
                }
            }
        // what single blocks did: two arms, 4 shards, 8 blocks, seed 7: a shard holding only one order
        List<PlannedBoot> plan = plan(2, 8, 0, 7);
        boolean oneOrderOnly = false;
        for (int k = 1; k <= 4; k++) {
            int kk = k;
            List<PlannedBoot> byBlock = plan.stream().filter(u -> (u.iteration() - 1) % 4 == kk - 1).toList();
            oneOrderOnly |= positions(byBlock, 2).values().stream().anyMatch(p -> p[0] == 0 || p[1] == 0);
        }
        assertTrue(oneOrderOnly, "sharding by single blocks can leave a host with one order");
        assertEquals(8, MatrixCommand.wholeSquares(6, 4));
        assertEquals(6, MatrixCommand.wholeSquares(6, 3));
        assertEquals(6, MatrixCommand.wholeSquares(6, 1));
    }
}
