package dev.fusebench.bench.matrix;

import dev.fusebench.bench.BadCommandLine;
import dev.fusebench.bench.daemons.CustomDaemon;
import dev.fusebench.bench.daemons.CustomDaemonOptions;
import dev.fusebench.bench.daemons.Variants;
import dev.fusebench.bench.daemons.VirtioFsDaemon;
import dev.fusebench.bench.guest.Accel;
import dev.fusebench.bench.guest.GuestAxis;
import dev.fusebench.bench.guest.GuestAxisOptions;
import dev.fusebench.bench.guest.GuestAxisValues;
import dev.fusebench.bench.guest.GuestImage;
import dev.fusebench.bench.run.Fault;
import dev.fusebench.bench.stats.Comparison;
import dev.fusebench.bench.workload.SliceFile;
import dev.fusebench.bench.workload.Workloads;
import dev.fusebench.fuse.NegotiationSettings;
import dev.fusebench.fuse.Variant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code run-bench.sh matrix}: variants x workloads x daemons x guest configurations x iterations,
 * interleaved, every run appended to results.jsonl as it completes, resumable, then the report.
 */
@Command(name = "matrix", mixinStandardHelpOptions = true, sortOptions = false, modelTransformer = GuestAxisOptions.class,
        description = "Runs the comparison matrix and writes its report.")
public final class MatrixCommand implements Callable<Integer> {
    /** Writes the report of a results directory; then, given --fail-on, the gate's exit status (0 passes). */
    public interface ReportHook {
        Path build(Path dir) throws IOException;

        /** The gate's exit status for {@code failOn} (the conditions as given); 0 when it passes. */
        default int gate(Path dir, String failOn) throws IOException { return 0; }

        /** Refuses (IllegalArgumentException) a --fail-on that names no known condition. */
        default void checkGate(String failOn) {}

        /** Refuses (IllegalArgumentException) a claims file that does not parse. */
        default void checkClaims(Path file) throws IOException {}
    }

    private final ReportHook report;

    public MatrixCommand(ReportHook report) { this.report = report; }

    @Option(names = "--variants", defaultValue = "baseline,max-pages", paramLabel = "V",
            description = "Arms: presets, or NAME:setting,setting (e.g. baseline,mp64:max_pages=64,max_background=64,-ASYNC_READ); "
                    + "a name or NAME: starts the next arm, ';' also separates arms; repeatable. First is the reference.")
    List<String> variants;
    @Option(names = "--workloads", split = ",", defaultValue = "seed", paramLabel = "W") List<String> workloads;
    @Option(names = "--daemons", split = ",", defaultValue = "java", paramLabel = "D") List<String> daemons;
    @CommandLine.Mixin CustomDaemonOptions customDaemons = new CustomDaemonOptions();
    @Option(names = "--observe", description = "Put the proxy in front of every daemon (ours too) and count request sizes on the avail rings, "
            + "so the report shows request-size evidence for the peers; it stays on the kick path, which costs throughput.") boolean observe;
    @Option(names = "--transport", defaultValue = "virtio-fs", paramLabel = "T") String transport;
    @Option(names = "--design", defaultValue = "interleaved", paramLabel = "D",
            description = "interleaved: every arm in one guest (one device each), taking turns in short slices; boots: one guest boot per arm, "
                    + "for what cannot share a guest (default: ${DEFAULT-VALUE}).") String design;
    @Option(names = "--arms", defaultValue = "variants", paramLabel = "variants|daemons",
            description = "What a cell compares: its variants, one cell per daemon (default), or the daemons, all under the one "
                    + "variant given (two builds of one daemon: --daemon-command main=... --daemon-command pr=... --daemons main,pr). "
                    + "The first is the reference.") String armsAre;
    @Option(names = "--pin", defaultValue = "on", paramLabel = "on|off",
            description = "interleaved guests: fio and every virtio interrupt on vCPU 0, so that no arm's device has its interrupts "
                    + "nearer to fio than another's (default: ${DEFAULT-VALUE}; see the README).") String pin;
    @Option(names = "--slice", defaultValue = "1", paramLabel = "S", description = "interleaved: seconds of one slice (default: ${DEFAULT-VALUE}).") int slice;
    @Option(names = "--rounds", paramLabel = "R", description = "interleaved: measured rounds per workload in each boot, every arm one slice a round "
            + "(default: " + DEFAULT_ROUNDS + ", with --quick " + QUICK_ROUNDS + ").") Integer roundsOption;
    @Option(names = "--iterations", defaultValue = "auto", paramLabel = "N|auto",
            description = "Blocks (interleaved: boots holding every arm; boots design: every arm booted once each): a number, or auto: at least "
                    + Comparison.MIN_BOOTS + " boots, then one more at a time (boots design: " + Precision.MIN_BLOCKS + " blocks, then two more; whole Latin squares with more arms) until every cell's 95%% CI is within --target-ci, or a cap (default: ${DEFAULT-VALUE}).")
    String iterations;
    @Option(names = "--target-ci", defaultValue = "10", paramLabel = "PCT", description = "auto: stop when every CI half-width is at most PCT %% (default: ${DEFAULT-VALUE}).") double targetCi;
    @Option(names = "--max-iterations", defaultValue = "12", paramLabel = "N", description = "auto: at most N blocks (default: ${DEFAULT-VALUE}).") int maxIterations;
    @Option(names = "--max-minutes", paramLabel = "M", description = "auto: add no blocks that would take the guest boots past M minutes "
            + "(default: interleaved 11, with --quick 4; boots design 18, with --quick 8).") Double maxMinutesOption;
    @Option(names = "--shard", paramLabel = "K/N", description = "Run only the K-th of N disjoint sets of blocks of this plan (same --seed on every host); combine with merge.") String shard;
    @Option(names = "--warmup", defaultValue = "1", paramLabel = "N",
            description = "Warm-up blocks (boots design) or warm-up rounds per workload and boot (interleaved), never in the statistics (default: ${DEFAULT-VALUE}).") int warmup;
    @Option(names = "--seed", defaultValue = "1", paramLabel = "N") long seed;
    @Option(names = "--runtime", paramLabel = "S") Integer runtime;
    @Option(names = "--size", paramLabel = "MIB") Integer size;
    @Option(names = "--accel", defaultValue = "auto") String accel;
    @Option(names = "--threshold", paramLabel = "PCT", description = "'no difference' band, +-%% (default: " + BAND_INTERLEAVED
            + " interleaved, " + BAND_BOOTS + " boots).") Double thresholdOption;
    @Option(names = "--out", paramLabel = "DIR") Path out;
    @Option(names = "--resume", paramLabel = "DIR", description = "Continue an interrupted matrix in DIR.") Path resume;
    @Option(names = "--quick", description = "A small version: 3 s jobs, a 64 MiB file.") boolean quick;
    @Option(names = "--share-tmpfs", paramLabel = "MIB", description = "Serve the share from a tmpfs of this size (a full file system gives the guest ENOSPC).") Integer shareTmpfs;
    @Option(names = "--fail-on", paramLabel = "C[,C...]",
            description = "CI gate: exit 3 after the report when any of slower, tail, errors, claims holds anywhere in it (see the README).") String failOn;
    @Option(names = "--primary", split = ",", paramLabel = "W",
            description = "The workloads the question is about: their cells form the Benjamini-Hochberg family the verdicts come from, "
                    + "the rest a second family (default: every cell; with --claims, the workloads the claims name).") List<String> primary;
    @Option(names = "--claims", paramLabel = "FILE",
            description = "A pull request's claims to judge (one a line: WORKLOAD ARM faster|slower|same [SIZE]; see the README); kept in DIR as claims.txt.") Path claims;
    @Option(names = "--inject-fault", paramLabel = "BOOT:FAULT", description = "Harness check: inject FAULT (kill-daemon@S or kill-qemu@S, S seconds into the first job) into guest boot number BOOT of the plan. Repeatable.")
    List<String> injectFaults = new ArrayList<>();
    @Option(names = "--workloads-dir", hidden = true, defaultValue = "guest-workloads") Path workloadsDir;
    /** The guest axes' options ({@link GuestAxisOptions}) are read from here. */
    @Spec CommandSpec spec;

    /**
     * Rounds per workload and boot of the interleaved design, and the default 'no difference' bands (see
     * the README). 6 rounds: even (ABBA balances two arms exactly), and short enough that the default
     * run holds 5 boots in its 11 minutes here (at 8 rounds 4 boots fit: 32 rounds, boot means of 3 df,
     * against 30 rounds and 4 df).
     */
    static final int DEFAULT_ROUNDS = 6, QUICK_ROUNDS = 4;
    static final int BAND_INTERLEAVED = 10, BAND_BOOTS = 3;
    /** The most arms (devices) one interleaved guest takes. */
    static final int MAX_DEVICES = 8;

    final List<String> argv = new ArrayList<>();
    boolean interleaved;
    /** --arms daemons: the daemons are the arms, each under the one variant. */
    boolean byDaemon;
    int rounds;
    double threshold;
    final Map<Integer, Fault> faults = new HashMap<>();
    boolean auto;
    double maxMinutes;
    int fixedBlocks;
    Shard shardOf;
    /** The guest axes' values as given, checked. */
    GuestAxisValues axes;

    public MatrixCommand withArgs(String[] args) { argv.addAll(List.of(args)); return this; }

    /** What the options name, checked: the variants (by name), the workloads' jobs, the daemons (by name), the accelerator. */
    record Checked(Map<String, Variant> variants, List<String> jobs, Map<String, VirtioFsDaemon> daemons, Accel acc) {}

    @Override
    public Integer call() throws Exception {
        Checked c;
        try {
            c = checked();
        } catch (IllegalArgumentException e) {
            return BadCommandLine.refuse(e.getMessage());
        }
        int rt = runtime != null ? runtime : quick ? 3 : 10;
        int sz = size != null ? size : quick ? 64 : 512;
        Path dir = resume != null ? resume : out != null ? out
                : Path.of("results", "matrix-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        ResultsStore store = new ResultsStore(dir);
        boolean hostFuse = transport.equals("host-fuse");
        MatrixPlan shape = MatrixPlan.of(this, c.variants());
        List<PlannedBoot> plan = shape.boots(auto ? shape.minBlocks() : fixedBlocks);
        int square = shape.square();
        if (shardOf != null && plan.stream().allMatch(PlannedBoot::warmup))
            return BadCommandLine.refuse("--shard " + shardOf + " holds no block: shards take whole Latin squares of " + square + " blocks, and --iterations "
                    + fixedBlocks + " makes " + (fixedBlocks + square - 1) / square + "; give at least " + square * shardOf.n() + " iterations");

        Map<String, GuestImage> images = new HashMap<>();
        for (String k : hostFuse ? List.<String>of() : axes.values(GuestAxis.KERNEL)) {
            System.err.println("fusebench matrix: preparing the " + k + " guest image");
            images.put(k, GuestImage.obtain(k, GuestImage.defaultCache(), workloadsDir.resolve("init")));
        }
        Set<String> done;
        if (resume != null) {
            if (!store.exists()) return BadCommandLine.refuse("nothing to resume in " + dir + " (no " + ResultsStore.FILE + ")");
            String was = store.environment().path("design").asText("boots");
            if (!was.equals(design))
                return BadCommandLine.refuse(dir + " holds a run of the " + was + " design: resume it with --design " + was);
            done = store.doneUnits();
            WorkDirs.clear(dir); // what a killed controller left: mounts, shares, sockets
        } else {
            Map<String, Object> env = MatrixEnvironment.of(this, c.daemons(), images, c.acc(), c.jobs(), c.variants(), shape.guests(), rt, sz, plan.size());
            env.put("reference_variant", shape.reference());
            env.put("arms", armsAre);
            if (interleaved && !hostFuse) env.put("pinned", pin.equals("on"));
            try {
                store.create(env);
                if (claims != null) Files.copy(claims, dir.resolve("claims.txt"), StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                return BadCommandLine.refuse(e.getMessage());
            }
            done = Set.of();
        }
        int step = interleaved ? 1 : square >= 2 ? square : Precision.STEP;
        System.err.println("fusebench matrix: " + (interleaved ? "interleaved design, " : "boots design, ") + plan.size()
                + (hostFuse ? " mount sets" : " guest boots") + (auto ? " at first (iterations auto: " + shape.minBlocks()
                + " blocks, then " + step + " more at a time until every 95% CI is within ±" + targetCi + "%, at most " + maxIterations + " blocks or "
                + maxMinutes + " min)" : "") + " (" + done.size() + " already done), " + c.jobs().size() + " workloads each"
                + (interleaved ? " in " + rounds + " rounds of " + slice + " s slices (+" + warmup + " warm-up)" : "") + ", results in " + store.file());
        if (!auto && fixedBlocks < shape.minBlocks())
            System.err.println("fusebench matrix: " + fixedBlocks + " iterations: a smoke run; no verdict can be reached with fewer than " + shape.minBlocks() + " blocks");
        PlanExecution.BootRunner runner = new BootRunners(this, dir, c.daemons(), shape.armVariants(), c.jobs(), c.acc(), sz, rt, images, plan).forDesign(hostFuse);
        if (byDaemon) runner = PlanExecution.comparingDaemons(runner, daemons);
        try (HostChanges changed = HostChanges.forRun(hostFuse, c.variants().values(), dir)) {
            if (auto) {
                Precision.run(new Precision.Rule(shape.minBlocks(), maxIterations, targetCi, maxMinutes, shape.reference(), threshold, step),
                        shape::boots, store, runner);
            } else {
                PlanExecution.execute(plan, done, store, runner);
            }
        }
        if (report != null) {
            Path r = report.build(dir);
            System.out.println(r.toAbsolutePath());
            if (failOn != null) return report.gate(dir, failOn);
        }
        return 0;
    }

    /** The options checked, and what they name resolved; IllegalArgumentException says what is wrong, in one line. */
    private Checked checked() throws IOException {
        Map<String, Variant> variantSettings = new LinkedHashMap<>();
        Map<String, VirtioFsDaemon> ds = new LinkedHashMap<>();
        if (!transport.equals("virtio-fs") && !transport.equals("host-fuse"))
            throw new IllegalArgumentException("--transport must be virtio-fs or host-fuse, got '" + transport + "'");
        if (transport.equals("host-fuse") && !daemons.equals(List.of("java")))
            throw new IllegalArgumentException("host-fuse mounts the Java daemon on this host: --daemons java only");
        for (String given : variants) {
            for (String v : Variant.splitList(given)) {
                Variant s = Variant.parse(v);
                if (variantSettings.put(s.name(), s) != null) throw new IllegalArgumentException("variant '" + s.name() + "' is given twice");
            }
        }
        if (!transport.equals("host-fuse")) Variants.checkGuests(variantSettings.values());
        List<String> jobs = Workloads.resolve(workloadsDir, workloads);
        if (primary != null)
            for (String w : primary)
                if (!jobs.contains(w.strip())) throw new IllegalArgumentException("--primary names " + w + ", which is not among the workloads " + jobs);
        List<CustomDaemon> custom = customDaemons.daemons();
        for (String d : daemons) ds.put(d, VirtioFsDaemon.named(d, GuestImage.defaultCache(), custom));
        for (VirtioFsDaemon d : ds.values()) Variants.checkTakes(d, variantSettings.values());
        Accel acc = Accel.choose(accel);
        axes = GuestAxisOptions.given(spec);
        if (transport.equals("host-fuse") && !axes.changed().isEmpty())
            throw new IllegalArgumentException(String.join(", ", axes.changed().stream().map(a -> a.options().getFirst()).toList())
                    + ": guest axes, not with --transport host-fuse");
        auto = iterations.equals("auto");
        if (!auto && !iterations.matches("[0-9]{1,4}")) throw new IllegalArgumentException("--iterations wants a number or auto, got '" + iterations + "'");
        fixedBlocks = auto ? 0 : Integer.parseInt(iterations);
        if ((!auto && fixedBlocks < 1) || warmup < 0) throw new IllegalArgumentException("--iterations must be >= 1 and --warmup >= 0");
        if (!(targetCi > 0 && targetCi < 100)) throw new IllegalArgumentException("--target-ci wants a half-width in (0, 100) %, got " + targetCi);
        maxMinutes = maxMinutesOption != null ? maxMinutesOption : design.equals("boots") ? (quick ? 8 : 18) : (quick ? 4 : 11);
        if (!(maxMinutes > 0)) throw new IllegalArgumentException("--max-minutes must be positive, got " + maxMinutes);
        if (shard != null) {
            shardOf = Shard.parse(shard);
            if (auto) throw new IllegalArgumentException("--shard needs a fixed --iterations N (shards cannot agree on when to stop)");
        }
        if (resume != null && out != null) throw new IllegalArgumentException("give --out or --resume, not both");
        if (failOn != null && report != null) report.checkGate(failOn);
        if (claims != null) {
            if (!Files.isRegularFile(claims)) throw new IllegalArgumentException("--claims: no file " + claims);
            if (report != null) {
                try {
                    report.checkClaims(claims);
                } catch (IOException e) {
                    throw new IllegalArgumentException("--claims: " + e.getMessage());
                }
            }
        }
        for (String f : injectFaults) {
            String[] p = f.split(":", 2);
            if (p.length != 2 || !p[0].strip().matches("[0-9]{1,6}") || Integer.parseInt(p[0].strip()) < 1)
                throw new IllegalArgumentException("--inject-fault wants BOOT:FAULT, e.g. 2:kill-daemon@5, got '" + f + "'");
            faults.put(Integer.parseInt(p[0].strip()), Fault.parse(p[1]));
        }
        if (shareTmpfs != null && (shareTmpfs < 1 || shareTmpfs > 1 << 20)) throw new IllegalArgumentException("--share-tmpfs wants 1..1048576 MiB");
        if (shareTmpfs != null && transport.equals("host-fuse")) throw new IllegalArgumentException("--share-tmpfs applies to guests (virtio-fs) only");
        if (!design.equals("interleaved") && !design.equals("boots"))
            throw new IllegalArgumentException("--design must be interleaved or boots, got '" + design + "'");
        interleaved = design.equals("interleaved");
        int least = interleaved ? Comparison.MIN_BOOTS : Precision.MIN_BLOCKS;
        if (auto && maxIterations < least)
            throw new IllegalArgumentException("--max-iterations must be at least the minimum of " + least + " blocks, got " + maxIterations);
        threshold = thresholdOption != null ? thresholdOption : interleaved ? BAND_INTERLEAVED : BAND_BOOTS;
        if (!(threshold > 0 && threshold < 100)) throw new IllegalArgumentException("--threshold wants a band in (0, 100) %, got " + threshold);
        rounds = roundsOption != null ? roundsOption : quick ? QUICK_ROUNDS : DEFAULT_ROUNDS;
        if (!pin.equals("on") && !pin.equals("off")) throw new IllegalArgumentException("--pin must be on or off, got '" + pin + "'");
        if (!armsAre.equals("variants") && !armsAre.equals("daemons"))
            throw new IllegalArgumentException("--arms must be variants or daemons, got '" + armsAre + "'");
        byDaemon = armsAre.equals("daemons");
        if (byDaemon && ds.size() < 2) throw new IllegalArgumentException("--arms daemons compares daemons: name two or more with --daemons");
        if (byDaemon && variantSettings.size() != 1)
            throw new IllegalArgumentException("--arms daemons runs every daemon under one variant: give one with --variants");
        if (byDaemon && transport.equals("host-fuse"))
            throw new IllegalArgumentException("--arms daemons needs guests: the host-fuse transport mounts the Java daemon alone");
        if (interleaved) checkInterleaved(jobs, (byDaemon ? 1 : variantSettings.size()) * ds.size() * deviceArms());
        return new Checked(variantSettings, jobs, ds, acc);
    }

    /**
     * What the interleaved design cannot take, refused before anything starts: a slice or round count
     * below one, more arms than one guest takes devices, a workload that cannot be cut into slices, and
     * the options that belong to one boot per arm. (Guest kernels, kernel arguments and vCPUs stay
     * cells of their own, one guest configuration per boot, as in the boots design.)
     */
    private void checkInterleaved(List<String> jobs, int arms) throws IOException {
        Path given = resume != null ? resume : out;
        if (transport.equals("host-fuse") && given != null && given.toAbsolutePath().toString().contains(":"))
            throw new IllegalArgumentException("the interleaved design names its host mounts in fio job files, where ':' separates directories: "
                    + "choose a results directory without ':'");
        if (slice < 1) throw new IllegalArgumentException("--slice wants whole seconds above 0, got " + slice);
        if (rounds < 1) throw new IllegalArgumentException("--rounds wants at least 1, got " + rounds);
        if (arms > MAX_DEVICES)
            throw new IllegalArgumentException(arms + " arms (daemons x variants) are more than one guest takes devices (" + MAX_DEVICES + "); use --design boots");
        if (shareTmpfs != null) throw new IllegalArgumentException("--share-tmpfs applies to the boots design (one share per boot)");
        for (String w : jobs) SliceFile.read(workloadsDir, w);
    }

    /** {@code blocks} rounded up to whole Latin squares of {@code square} blocks. */
    static int wholeSquares(int blocks, int square) { return square < 2 ? blocks : (blocks + square - 1) / square * square; }

    /** Interleaved: whether {@code axis} is an arm here, a device's own setting given several values. */
    boolean deviceArm(GuestAxis<?> axis) {
        return interleaved && !transport.equals("host-fuse") && axis.perDevice() && axes.values(axis).size() > 1;
    }

    /** Interleaved: how many device settings each variant runs on (the product of the per-device axes' values). */
    private int deviceArms() { return axes.devices(this::deviceArm).size(); }
}
