package dev.fusebench.bench.matrix;

import dev.fusebench.bench.workload.SliceFile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The slices of one interleaved boot: for each workload in turn, its warm-up rounds (never in the
 * statistics) and then its measured rounds; in every round each arm takes one slice, in an order
 * counterbalanced over the rounds ({@link SliceOrder}, seeded per boot and workload). Slices are
 * numbered through the boot in the order they run: the number is each slice's job mark.
 */
public final class SlicePlan {
    private SlicePlan() {}

    /** {@code guest}: the guest configuration's label, so each configuration of a block has orders of its own. */
    public static Map<String, List<SliceFile.Slice>> of(List<String> workloads, int arms, int warmupRounds, int rounds, long seed, int boot, String guest) {
        Map<String, List<SliceFile.Slice>> out = new LinkedHashMap<>();
        int id = 0;
        for (String w : workloads) {
            List<SliceFile.Slice> slices = new ArrayList<>();
            // warm-ups from a stream of their own, so the measured rounds stay balanced over positions
            int[][] warm = SliceOrder.rounds(arms, warmupRounds, SliceOrder.seedFor(seed, boot, guest + "/" + w + "#warm-up"));
            int[][] measured = SliceOrder.rounds(arms, rounds, SliceOrder.seedFor(seed, boot, guest + "/" + w));
            for (int[] order : warm) for (int p = 0; p < order.length; p++) slices.add(new SliceFile.Slice(++id, 0, p + 1, order[p]));
            for (int r = 0; r < measured.length; r++)
                for (int p = 0; p < measured[r].length; p++) slices.add(new SliceFile.Slice(++id, r + 1, p + 1, measured[r][p]));
            out.put(w, slices);
        }
        return out;
    }
}
