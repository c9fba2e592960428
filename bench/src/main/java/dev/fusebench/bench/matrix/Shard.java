package dev.fusebench.bench.matrix;

import java.util.List;

/**
 * {@code --shard K/N}: the K-th of N disjoint sets of measured blocks of one plan, so several hosts
 * can run one matrix; a block never spans hosts. Blocks go to shards by whole Latin squares (the
 * {@code square} consecutive blocks whose orders make one square, as many as a group has arms):
 * square s (0-based) belongs to shard (s mod N) + 1, so every host runs each order equally often (by
 * single blocks, with two arms and two shards one host would run only AB, the other only BA). Every
 * shard runs the plan's warm-up blocks itself: a warm-up warms the host it runs on.
 */
public record Shard(int k, int n) {
    public static Shard parse(String s) {
        String[] p = s.strip().split("/", -1);
        if (p.length != 2 || !p[0].matches("[0-9]{1,4}") || !p[1].matches("[0-9]{1,4}"))
            throw new IllegalArgumentException("--shard wants K/N, e.g. 1/2, got '" + s + "'");
        int k = Integer.parseInt(p[0]), n = Integer.parseInt(p[1]);
        if (n < 1 || k < 1 || k > n) throw new IllegalArgumentException("--shard " + s + ": wants 1 <= K <= N");
        return new Shard(k, n);
    }

    /** {@code square}: blocks per Latin square (the arms of a group; 1 in the interleaved design, whose boot holds them all). */
    public boolean owns(PlannedBoot u, int square) { return u.warmup() || ((u.iteration() - 1) / Math.max(1, square)) % n == k - 1; }

    /** The plan's units this shard runs (all of them when there is no shard). */
    static List<PlannedBoot> filter(Shard shard, List<PlannedBoot> plan, int square) {
        return shard == null ? plan : plan.stream().filter(u -> shard.owns(u, square)).toList();
    }

    @Override
    public String toString() { return k + "/" + n; }
}
