package dev.fusebench.bench.matrix;

import dev.fusebench.bench.guest.GuestAxis;
import dev.fusebench.bench.guest.GuestSetup;
import dev.fusebench.bench.stats.Comparison;
import dev.fusebench.fuse.Variant;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The shape of a matrix's plan, from its checked options: the guest configurations (the product of the
 * guest axes), each arm's device settings where per-device axes are arms, the arms of each daemon and
 * the variant each runs, the reference arm, and the boots of any number of blocks ({@link #boots}).
 *
 * @param armVariants each arm's variant, by arm name
 * @param square      boots design: blocks per Latin square (a group's arms); shards and auto extensions take whole squares
 * @param minBlocks   the fewest blocks a verdict needs
 */
record MatrixPlan(List<GuestSetup> guests, List<PlannedBoot.Device> devices, Map<String, Variant> armVariants,
                  Function<String, List<String>> armsOf, String reference, int square, int minBlocks, MatrixCommand m) {

    static MatrixPlan of(MatrixCommand m, Map<String, Variant> variants) {
        boolean hostFuse = m.transport.equals("host-fuse");
        // interleaved: a per-device axis given several values is an arm (each device its own), not a cell
        Predicate<GuestAxis<?>> armed = m::deviceArm;
        List<PlannedBoot.Device> devices = m.axes.devices(armed).stream().map(d -> d.isEmpty() ? null : new PlannedBoot.Device(d)).toList();
        List<GuestSetup> guests = hostFuse ? List.of(GuestSetup.HOST) : m.axes.product(armed);
        // the arms of each daemon, by name, and the variant each runs: the variants, or with --arms daemons the
        // daemon itself under the one variant (its arm is named for it, and its cells are shared with the other daemons)
        Map<String, Variant> armVariants = new LinkedHashMap<>(variants);
        if (m.byDaemon) {
            armVariants.clear();
            for (String d : m.daemons) armVariants.put(d, variants.values().iterator().next());
        }
        List<String> variantNames = new ArrayList<>(variants.keySet());
        Function<String, List<String>> armsOf = m.byDaemon ? List::of : d -> variantNames;
        String firstArm = armsOf.apply(m.daemons.getFirst()).getFirst();
        // the reference: the first arm of a group (first daemon, first variant, first device settings)
        String reference = m.interleaved ? new PlannedBoot.Arm(m.daemons.getFirst(), firstArm, devices.getFirst()).name() : firstArm;
        int square = m.interleaved ? 1 : m.daemons.size() * armsOf.apply(m.daemons.getFirst()).size();
        int minBlocks = m.interleaved ? Comparison.MIN_BOOTS : MatrixCommand.wholeSquares(Precision.MIN_BLOCKS, square);
        return new MatrixPlan(guests, devices, armVariants, armsOf, reference, square, minBlocks, m);
    }

    /** The plan of {@code blocks} blocks (this shard's share of them); a longer plan keeps a shorter one as its prefix. */
    List<PlannedBoot> boots(int blocks) {
        return Shard.filter(m.shardOf, m.interleaved
                ? Schedule.interleavedPlan(m.daemons, armsOf, devices, guests, blocks, m.seed)
                : Schedule.plan(m.daemons, armsOf, guests, blocks, m.warmup, m.seed), square);
    }
}
