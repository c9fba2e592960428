package dev.fusebench.bench.matrix;

import dev.fusebench.bench.daemons.CustomDaemon;
import dev.fusebench.bench.daemons.VirtioFsDaemon;
import dev.fusebench.bench.guest.Accel;
import dev.fusebench.bench.guest.GuestImage;
import dev.fusebench.bench.guest.GuestSetup;
import dev.fusebench.bench.guest.Shell;
import dev.fusebench.bench.run.Environment;
import dev.fusebench.bench.stats.Comparison;
import dev.fusebench.fuse.Variant;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The environment line a matrix writes first: the host, QEMU, the guest images, the daemons' versions
 * and commands, the variants, and the plan (design, iterations, rounds, seed, sizes), so that a
 * results file says how it was made. It stays an open map: it describes, nothing computes from it.
 */
final class MatrixEnvironment {
    private MatrixEnvironment() {}

    static Map<String, Object> of(MatrixCommand m, Map<String, VirtioFsDaemon> ds, Map<String, GuestImage> images, Accel acc, List<String> jobs,
                                  Map<String, Variant> variantSettings, List<GuestSetup> guests, int rt, int sz, int boots) {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("host", Environment.host());
        env.put("qemu", Environment.qemuVersion());
        env.put("transport", m.transport);
        env.put("accel", m.transport.equals("host-fuse") ? "native" : acc.name().toLowerCase(Locale.ROOT));
        env.put("emulated", !m.transport.equals("host-fuse") && acc == Accel.TCG);
        Map<String, Object> gk = new LinkedHashMap<>();
        images.forEach((k, img) -> gk.put(k, img.manifest()));
        env.put("guest_images", gk);
        Map<String, Object> dv = new LinkedHashMap<>();
        ds.forEach((n, d) -> {
            try { dv.put(n, d.version()); } catch (IOException e) { dv.put(n, "unknown: " + e.getMessage()); }
        });
        env.put("daemons", dv);
        Map<String, String> templates = new LinkedHashMap<>();
        ds.forEach((n, d) -> { if (d instanceof CustomDaemon c) templates.put(n, c.template()); });
        if (!templates.isEmpty()) env.put("daemon_commands", templates);
        Map<String, Object> vs = new LinkedHashMap<>();
        variantSettings.forEach((n, s) -> vs.put(n, s.toSpec()));
        env.put("variants", vs);
        env.put("workloads", jobs);
        if (m.primary != null) env.put("primary", m.primary.stream().map(String::strip).toList());
        env.put("guests", guests.stream().map(GuestSetup::label).toList());
        env.put("iterations", m.auto ? "auto" : m.fixedBlocks);
        if (m.auto) {
            env.put("min_iterations", m.interleaved ? Comparison.MIN_BOOTS : MatrixCommand.wholeSquares(Precision.MIN_BLOCKS, ds.size() * variantSettings.size()));
            env.put("target_ci_pct", m.targetCi);
            env.put("max_iterations", m.maxIterations);
            env.put("max_minutes", m.maxMinutes);
        }
        env.put("warmup", m.warmup);
        env.put("seed", m.seed);
        env.put("design", m.design);
        if (m.interleaved) {
            env.put("schedule", "interleaved: one boot per iteration and guest configuration holding every arm (one device each, attached in a "
                    + "counterbalanced order); each workload in " + m.rounds + " rounds of one " + m.slice + " s slice per arm, ordered by seeded random "
                    + "Latin squares, after " + m.warmup + " warm-up round(s)");
            env.put("slice_s", m.slice);
            env.put("rounds", m.rounds);
            env.put("warmup_rounds", m.warmup);
        } else {
            env.put("schedule", "blocks: every arm of a guest configuration once per iteration, counterbalanced by seeded random Latin squares");
        }
        if (m.shardOf != null) env.put("shard", m.shardOf.toString());
        env.put("runtime_s", rt);
        env.put("size_mib", sz);
        if (m.shareTmpfs != null) env.put("share_tmpfs_mib", m.shareTmpfs);
        if (!m.faults.isEmpty()) {
            Map<String, Object> fm = new TreeMap<>();
            m.faults.forEach((b, f) -> fm.put(Integer.toString(b), f.toString()));
            env.put("injected_faults", fm);
        }
        env.put("threshold_pct", m.threshold);
        env.put("boots", boots);
        env.put("one_boot_serves", (m.interleaved ? "every arm of one guest configuration, one device each; all workloads in order: "
                : "all workloads of one daemon, variant and guest configuration, in order: ") + String.join(", ", jobs));
        env.put("git_commit", gitCommit());
        List<String> args = m.argv.isEmpty() || !m.argv.getFirst().equals("matrix") ? m.argv : m.argv.subList(1, m.argv.size());
        env.put("command_line", "run-bench.sh matrix " + String.join(" ", args));
        env.put("started", Instant.now().toString());
        return env;
    }

    static String gitCommit() {
        try {
            return Shell.check(null, 10, "git", "rev-parse", "HEAD").strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
