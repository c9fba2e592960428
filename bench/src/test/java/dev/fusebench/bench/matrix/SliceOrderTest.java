package dev.fusebench.bench.matrix;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** The slices of an interleaved boot: every round a permutation, each arm in each position equally often. */
class SliceOrderTest {

    /** counts[arm][position] over all rounds */
    static int[][] positions(int[][] rounds, int arms) {
        int[][] counts = new int[arms][arms];
        for (int[] round : rounds) for (int p = 0; p < round.length; p++) counts[round[p]][p]++;
        return counts;
    }

    @Test
    void everyRoundIsAPermutationAndPositionsAreBalanced() {
        for (int arms = 2; arms <= 4; arms++) {
            for (int rounds = 1; rounds <= 17; rounds++) {
                for (long seed : new long[]{1, 2, 42, -7}) {
                    String what = arms + " arms, " + rounds + " rounds, seed " + seed;
                    int[][] order = SliceOrder.rounds(arms, rounds, seed);
                    assertEquals(rounds, order.length, what);
                    for (int[] round : order) {
                        int[] sorted = round.clone();
                        Arrays.sort(sorted);
                        int[] expected = new int[arms];
                        Arrays.setAll(expected, i -> i);
                        assertArrayEquals(expected, sorted, what + ": every arm once in " + Arrays.toString(round));
                    }
                    for (int[] arm : positions(order, arms)) {
                        int min = Arrays.stream(arm).min().orElseThrow(), max = Arrays.stream(arm).max().orElseThrow();
                        if (rounds % arms == 0) assertEquals(min, max, what + ": exactly balanced " + Arrays.toString(arm));
                        else assertTrue(max - min <= 1, what + ": within one " + Arrays.toString(arm));
                    }
                }
            }
        }
    }

    @Test
    void twoArmsGiveAbBaPairs() {
        int[][] order = SliceOrder.rounds(2, 12, 5);
        for (int r = 0; r < 12; r += 2) assertEquals(order[r][0], order[r + 1][1], "rounds " + r + "-" + (r + 1) + " are AB BA or BA AB");
    }

    @Test
    void seedsGiveTheirOwnOrders() {
        assertTrue(Arrays.deepEquals(SliceOrder.rounds(3, 12, 9), SliceOrder.rounds(3, 12, 9)), "same seed, same order");
        assertFalse(Arrays.deepEquals(SliceOrder.rounds(2, 12, 1), SliceOrder.rounds(2, 12, 2)), "two seeds, two orders");
        assertFalse(Arrays.deepEquals(SliceOrder.rounds(3, 12, 1), SliceOrder.rounds(3, 12, 2)), "two seeds, two orders");
        // each (boot, workload) of a plan gets its own stream, the same on every run
        long a = SliceOrder.seedFor(1, 1, "seq-read");
        assertEquals(a, SliceOrder.seedFor(1, 1, "seq-read"));
        assertNotEquals(a, SliceOrder.seedFor(1, 2, "seq-read"));
        assertNotEquals(a, SliceOrder.seedFor(1, 1, "rand-read"));
        assertNotEquals(a, SliceOrder.seedFor(2, 1, "seq-read"));
        // over many boots the first round of two arms starts with each arm about half the time: no fixed order
        int firstIsZero = 0;
        for (int boot = 1; boot <= 200; boot++) if (SliceOrder.rounds(2, 12, SliceOrder.seedFor(1, boot, "seq-read"))[0][0] == 0) firstIsZero++;
        assertTrue(firstIsZero > 70 && firstIsZero < 130, firstIsZero + " of 200 boots start with arm 0");
    }
}
