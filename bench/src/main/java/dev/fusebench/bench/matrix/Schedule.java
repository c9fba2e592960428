package dev.fusebench.bench.matrix;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The order of a matrix's guest boots: warm-ups first, then iteration by iteration, every
 * daemon/guest group with its arms in a seeded random order, so that drift over time lands on all
 * arms alike and the same seed gives the same schedule.
 */
public final class Schedule {
    private Schedule() {}

    /** @param arms for each daemon, the variants it runs (peers run one) */
    public static List<Unit> plan(List<String> daemons, java.util.function.Function<String, List<String>> arms,
                                  List<Unit.GuestKey> guests, int iterations, int warmup, long seed) {
        Random rnd = new Random(seed);
        List<Unit> out = new ArrayList<>();
        for (int w = 1; w <= warmup; w++) out.addAll(round(w, true, daemons, arms, guests, rnd));
        for (int i = 1; i <= iterations; i++) out.addAll(round(i, false, daemons, arms, guests, rnd));
        return out;
    }

    private static List<Unit> round(int it, boolean warmup, List<String> daemons,
                                    java.util.function.Function<String, List<String>> arms, List<Unit.GuestKey> guests, Random rnd) {
        List<Unit> out = new ArrayList<>();
        for (Unit.GuestKey g : guests) {
            for (String d : daemons) {
                List<String> vs = new ArrayList<>(arms.apply(d));
                Collections.shuffle(vs, rnd);
                for (String v : vs) out.add(Unit.of(it, warmup, d, v, g));
            }
        }
        return out;
    }
}
