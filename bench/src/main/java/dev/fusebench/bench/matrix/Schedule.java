package dev.fusebench.bench.matrix;

import dev.fusebench.bench.guest.GuestSetup;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * The order of a matrix's guest boots. An iteration is a block: every arm of a group (one guest
 * configuration: every daemon with each of its variants) runs once in it. The order inside the
 * blocks is counterbalanced: consecutive blocks take the rows of seeded random Latin squares (a
 * cyclic square with its symbols, columns and rows shuffled), so over any number of blocks each
 * arm takes each position equally often, to within one; with two arms that is AB in half the
 * blocks and BA in the other half, in a random order. Warm-up blocks run first, counterbalanced
 * among themselves the same way. The orders of block n never depend on how many blocks follow,
 * so a plan extended by more blocks keeps its prefix (adaptive iterations, resume).
 */
public final class Schedule {
    private Schedule() {}

    /** @param arms for each daemon, the variants it runs (peers run one) */
    public static List<PlannedBoot> plan(List<String> daemons, Function<String, List<String>> arms,
                                  List<GuestSetup> guests, int iterations, int warmup, long seed) {
        List<PlannedBoot> out = new ArrayList<>();
        for (int w = 1; w <= warmup; w++) out.addAll(block(w, true, daemons, arms, guests, seed));
        for (int i = 1; i <= iterations; i++) out.addAll(block(i, false, daemons, arms, guests, seed));
        return out;
    }

    /**
     * The interleaved design's boots: in each block, one boot per guest configuration holding every
     * arm (each daemon with each variant on each of {@code devices}: a list of one null when the device
     * settings are the guest configuration's); the arms' devices are attached in the block's row of the same Latin squares, so no arm
     * keeps the first device (the slices inside each boot are counterbalanced by {@link SliceOrder}).
     */
    public static List<PlannedBoot> interleavedPlan(List<String> daemons, Function<String, List<String>> arms, List<PlannedBoot.Device> devices,
                                             List<GuestSetup> guests, int boots, long seed) {
        List<PlannedBoot> out = new ArrayList<>();
        for (int i = 1; i <= boots; i++) {
            for (int g = 0; g < guests.size(); g++) {
                List<PlannedBoot.Arm> group = new ArrayList<>();
                for (String d : daemons) for (String v : arms.apply(d)) for (PlannedBoot.Device dev : devices) group.add(new PlannedBoot.Arm(d, v, dev));
                int[] row = order(group.size(), i, seed * 31 + g * 2L);
                List<PlannedBoot.Arm> attached = new ArrayList<>();
                for (int a : row) attached.add(group.get(a));
                out.add(PlannedBoot.interleaved(i, false, attached, guests.get(g)));
            }
        }
        return out;
    }

    /** The units of one block (all guest configurations), in the order they run. */
    static List<PlannedBoot> block(int index, boolean warmup, List<String> daemons, Function<String, List<String>> arms,
                            List<GuestSetup> guests, long seed) {
        List<PlannedBoot> out = new ArrayList<>();
        for (int g = 0; g < guests.size(); g++) {
            List<PlannedBoot.Arm> group = new ArrayList<>();
            for (String d : daemons) for (String v : arms.apply(d)) group.add(new PlannedBoot.Arm(d, v));
            int[] row = order(group.size(), index, seed * 31 + g * 2L + (warmup ? 1 : 0));
            List<String> labels = new ArrayList<>();
            for (int a : row) labels.add(group.get(a).label());
            for (int p = 0; p < row.length; p++) out.add(PlannedBoot.of(index, warmup, group.get(row[p]), guests.get(g), p + 1, List.copyOf(labels)));
        }
        return out;
    }

    /** Row of the random Latin square stream that block {@code index} (1-based) takes: arm index per position. */
    static int[] order(int k, int index, long streamSeed) {
        int square = (index - 1) / k, row = (index - 1) % k;
        Random rnd = new Random(streamSeed ^ (0x9E3779B97F4A7C15L * (square + 1)));
        List<Integer> symbols = shuffled(k, rnd), cols = shuffled(k, rnd), rows = shuffled(k, rnd);
        int[] out = new int[k];
        for (int j = 0; j < k; j++) out[j] = symbols.get((rows.get(row) + cols.get(j)) % k);
        return out;
    }

    private static List<Integer> shuffled(int k, Random rnd) {
        List<Integer> l = new ArrayList<>();
        for (int i = 0; i < k; i++) l.add(i);
        Collections.shuffle(l, rnd);
        return l;
    }
}
