package dev.fusebench.bench.matrix;

/**
 * The order of the arms' slices inside the rounds of an interleaved boot. Consecutive rounds take
 * the rows of seeded random Latin squares ({@link Schedule#order}), so over the rounds each arm
 * takes each position equally often (exactly when the rounds are a multiple of the arms, to within
 * one otherwise): with two arms, AB and BA pairs (ABBA or BAAB), so a drift within a round or a
 * carry-over from the slice before falls on both arms alike.
 */
public final class SliceOrder {
    private SliceOrder() {}

    /** For each round, the arm index (0 to arms - 1) at each position. */
    public static int[][] rounds(int arms, int rounds, long seed) {
        if (arms < 1 || rounds < 0) throw new IllegalArgumentException(arms + " arms, " + rounds + " rounds");
        int[][] out = new int[rounds][];
        for (int r = 0; r < rounds; r++) out[r] = Schedule.order(arms, r + 1, seed);
        return out;
    }

    /**
     * The stream of one boot's one workload, so every (boot, workload) of a plan has its own orders.
     * Stable across JVMs (String.hashCode is specified); mixed so that nearby inputs give unrelated streams.
     */
    public static long seedFor(long planSeed, int boot, String workload) {
        return mix(mix(mix(planSeed) ^ boot) ^ workload.hashCode());
    }

    /** SplitMix64's finalizer: a bijection on long that spreads every input bit. */
    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
