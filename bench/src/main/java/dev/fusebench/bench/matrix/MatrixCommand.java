package dev.fusebench.bench.matrix;

import dev.fusebench.bench.daemons.CustomDaemon;
import dev.fusebench.proxy.Restriction;
import dev.fusebench.bench.daemons.CustomDaemonOptions;
import dev.fusebench.bench.Controller;
import dev.fusebench.bench.results.RunLine;
import dev.fusebench.bench.results.RunResult;
import dev.fusebench.bench.daemons.VirtioFsDaemon;
import dev.fusebench.bench.guest.Accel;
import dev.fusebench.bench.guest.GuestConfig;
import dev.fusebench.bench.guest.GuestImage;
import dev.fusebench.bench.guest.Shell;
import dev.fusebench.bench.run.Environment;
import dev.fusebench.bench.run.Fault;
import dev.fusebench.bench.run.GuestRun;
import dev.fusebench.bench.run.InterleavedGuestRun;
import dev.fusebench.bench.stats.Comparison;
import dev.fusebench.bench.workload.Workloads;
import dev.fusebench.fuse.NegotiationSettings;
import dev.fusebench.fuse.Variant;
import dev.fusebench.bench.daemons.Variants;
import dev.fusebench.bench.run.HostPagesLimit;
import dev.fusebench.bench.run.HostSetting;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
@Command(name = "matrix", mixinStandardHelpOptions = true, sortOptions = false,
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
    @picocli.CommandLine.Mixin CustomDaemonOptions customDaemons = new CustomDaemonOptions();
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
    @Option(names = "--guest-kernels", split = ",", defaultValue = "6.1", paramLabel = "K") List<String> kernels;
    @Option(names = "--queue-sizes", split = ",", defaultValue = "1024", paramLabel = "N") List<Integer> queueSizes;
    @Option(names = "--vcpus", split = ",", defaultValue = "2", paramLabel = "N", description = "Guest vCPU counts, an axis (default: ${DEFAULT-VALUE}).")
    List<Integer> vcpuCounts;
    @Option(names = "--request-queues", split = ",", defaultValue = "1", paramLabel = "N",
            description = "virtio-fs request queues (QEMU num-request-queues), an axis; Linux 6.11+ guests use them, 6.1 uses one (default: ${DEFAULT-VALUE}).")
    List<Integer> requestQueues;
    @Option(names = "--readahead-kb", split = ",", paramLabel = "KB",
            description = "The guest's read_ahead_kb for the share (its FUSE bdi), an axis; without it the kernel's (128).")
    List<Integer> readaheadKb;
    @Option(names = "--kernel-args", split = ";", defaultValue = "", paramLabel = "ARGS",
            description = "Guest kernel argument sets, separated by ';' (e.g. ';swiotlb=force').") List<String> kernelArgs;
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

    private final List<String> argv = new ArrayList<>();
    private boolean interleaved;
    /** --arms daemons: the daemons are the arms, each under the one variant. */
    private boolean byDaemon;
    private int rounds;
    private double threshold;
    private final Map<Integer, Fault> faults = new HashMap<>();
    private boolean auto;
    private double maxMinutes;
    private int fixedBlocks;
    private Shard shardOf;

    public MatrixCommand withArgs(String[] args) { argv.addAll(List.of(args)); return this; }

    @Override
    public Integer call() throws Exception {
        int rt = runtime != null ? runtime : quick ? 3 : 10;
        int sz = size != null ? size : quick ? 64 : 512;
        Map<String, Variant> variantSettings = new LinkedHashMap<>();
        List<String> jobs;
        Map<String, VirtioFsDaemon> ds = new LinkedHashMap<>();
        Accel acc;
        try {
            if (!transport.equals("virtio-fs") && !transport.equals("host-fuse"))
                throw new IllegalArgumentException("--transport must be virtio-fs or host-fuse, got '" + transport + "'");
            if (transport.equals("host-fuse") && !daemons.equals(List.of("java")))
                throw new IllegalArgumentException("host-fuse mounts the Java daemon on this host: --daemons java only");
            for (String given : variants) {
                for (String v : NegotiationSettings.splitVariants(given)) {
                    Variant s = Variant.parse(v);
                    if (variantSettings.put(s.name(), s) != null) throw new IllegalArgumentException("variant '" + s.name() + "' is given twice");
                }
            }
            if (!transport.equals("host-fuse")) Variants.checkGuests(variantSettings.values());
            jobs = Workloads.resolve(workloadsDir, workloads);
            if (primary != null)
                for (String w : primary)
                    if (!jobs.contains(w.strip())) throw new IllegalArgumentException("--primary names " + w + ", which is not among the workloads " + jobs);
            List<CustomDaemon> custom = customDaemons.daemons();
            for (String d : daemons) ds.put(d, VirtioFsDaemon.named(d, GuestImage.defaultCache(), custom));
            for (VirtioFsDaemon d : ds.values()) Variants.checkTakes(d, variantSettings.values());
            for (String k : kernels) dev.fusebench.bench.guest.GuestKernel.suitesFor(k);
            acc = Accel.choose(accel);
            for (int q : queueSizes) new GuestConfig("6.1", 2, 1024, q, "", acc, 1, 1, false);
            for (int c : vcpuCounts) for (int rq : requestQueues) for (int ra : readaheads())
                new GuestConfig("6.1", c, 1024, 1024, "", acc, 1, 1, false, rq, ra);
            if (transport.equals("host-fuse") && (!vcpuCounts.equals(List.of(2)) || !requestQueues.equals(List.of(1)) || readaheadKb != null))
                throw new IllegalArgumentException("--vcpus, --request-queues and --readahead-kb are guest axes: not with --transport host-fuse");
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
        } catch (IllegalArgumentException e) {
            return Controller.usage(e.getMessage());
        }
        Path dir = resume != null ? resume : out != null ? out
                : Path.of("results", "matrix-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        ResultsStore store = new ResultsStore(dir);
        boolean hostFuse = transport.equals("host-fuse");
        List<Unit.GuestKey> guests = new ArrayList<>();
        // interleaved: a device axis given several values is an arm (each device its own), not a cell
        boolean qArm = interleaved && !hostFuse && queueSizes.size() > 1, rqArm = interleaved && requestQueues.size() > 1,
                raArm = interleaved && readaheads().size() > 1;
        List<Unit.Device> devices = new ArrayList<>();
        for (int q : qArm ? queueSizes : List.of(0)) for (int rq : rqArm ? requestQueues : List.of(0)) for (int ra : raArm ? readaheads() : List.of(0))
            devices.add(qArm || rqArm || raArm ? new Unit.Device(qArm ? q : null, rqArm ? rq : null, raArm ? ra : null) : null);
        if (hostFuse) guests.add(Unit.GuestKey.HOST);
        else for (String k : kernels) for (int q : qArm ? List.of(0) : queueSizes) for (String a : kernelArgs)
            for (int c : vcpuCounts) for (int rq : rqArm ? List.of(0) : requestQueues) for (int ra : raArm ? List.of(0) : readaheads())
                guests.add(new Unit.GuestKey(k, q, a.strip(), c, rq, ra));
        // the arms of each daemon, by name, and the variant each runs: the variants, or with --arms daemons the
        // daemon itself under the one variant (its arm is named for it, and its cells are shared with the other daemons)
        Map<String, Variant> armVariants = new LinkedHashMap<>(variantSettings);
        if (byDaemon) {
            armVariants.clear();
            for (String d : daemons) armVariants.put(d, variantSettings.values().iterator().next());
        }
        List<String> variantNames = new ArrayList<>(variantSettings.keySet());
        java.util.function.Function<String, List<String>> armsOf = byDaemon ? List::of : d -> variantNames;
        String firstArm = armsOf.apply(daemons.getFirst()).getFirst();
        // the reference: the first arm of a group (first daemon, first variant, first device settings)
        String reference = interleaved ? new Unit.Arm(daemons.getFirst(), firstArm, devices.getFirst()).name() : firstArm;
        // boots design: blocks per Latin square (a group's arms); shards and auto extensions take whole squares
        int square = interleaved ? 1 : daemons.size() * armsOf.apply(daemons.getFirst()).size();
        java.util.function.IntFunction<List<Unit>> planOf = blocks -> Shard.filter(shardOf, interleaved
                ? Schedule.interleavedPlan(daemons, armsOf, devices, guests, blocks, seed)
                : Schedule.plan(daemons, armsOf, guests, blocks, warmup, seed), square);
        int minBlocks = interleaved ? Comparison.MIN_BOOTS : wholeSquares(Precision.MIN_BLOCKS, square);
        List<Unit> plan = planOf.apply(auto ? minBlocks : fixedBlocks);
        if (shardOf != null && plan.stream().allMatch(Unit::warmup))
            return Controller.usage("--shard " + shardOf + " holds no block: shards take whole Latin squares of " + square + " blocks, and --iterations "
                    + fixedBlocks + " makes " + (fixedBlocks + square - 1) / square + "; give at least " + square * shardOf.n() + " iterations");

        Map<String, GuestImage> images = new HashMap<>();
        for (String k : hostFuse ? List.<String>of() : kernels) {
            System.err.println("fusebench matrix: preparing the " + k + " guest image");
            images.put(k, GuestImage.obtain(k, GuestImage.defaultCache(), workloadsDir.resolve("init")));
        }
        Set<String> done;
        if (resume != null) {
            if (!store.exists()) return Controller.usage("nothing to resume in " + dir + " (no " + ResultsStore.FILE + ")");
            String was = store.environment().path("design").asText("boots");
            if (!was.equals(design))
                return Controller.usage(dir + " holds a run of the " + was + " design: resume it with --design " + was);
            done = store.doneUnits();
            WorkDirs.clear(dir); // what a killed controller left: mounts, shares, sockets
        } else {
            Map<String, Object> env = environment(ds, images, acc, jobs, variantSettings, guests, rt, sz, plan.size());
            env.put("reference_variant", reference);
            env.put("arms", armsAre);
            if (interleaved && !hostFuse) env.put("pinned", pin.equals("on"));
            try {
                store.create(env);
                if (claims != null) Files.copy(claims, dir.resolve("claims.txt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                return Controller.usage(e.getMessage());
            }
            done = Set.of();
        }
        int step = interleaved ? 1 : square >= 2 ? square : Precision.STEP;
        System.err.println("fusebench matrix: " + (interleaved ? "interleaved design, " : "boots design, ") + plan.size()
                + (hostFuse ? " mount sets" : " guest boots") + (auto ? " at first (iterations auto: " + minBlocks
                + " blocks, then " + step + " more at a time until every 95% CI is within ±" + targetCi + "%, at most " + maxIterations + " blocks or "
                + maxMinutes + " min)" : "") + " (" + done.size() + " already done), " + jobs.size() + " workloads each"
                + (interleaved ? " in " + rounds + " rounds of " + slice + " s slices (+" + warmup + " warm-up)" : "") + ", results in " + store.file());
        if (!auto && fixedBlocks < minBlocks)
            System.err.println("fusebench matrix: " + fixedBlocks + " iterations: a smoke run; no verdict can be reached with fewer than " + minBlocks + " blocks");
        UnitRunner runner = interleaved ? u -> runInterleaved(u, dir, ds, armVariants, jobs, acc, sz, rt, images, faults.get(plan.indexOf(u) + 1))
                : hostFuse ? u -> {
            Path work = WorkDirs.create(dir);
            try {
                return WorkDirs.keepLogsOfFailures(dir, u, work, dev.fusebench.bench.run.HostFuseRun.run(new dev.fusebench.bench.run.HostFuseRun.Spec(
                        variantSettings.get(u.variant()), u.variant(), jobs, workloadsDir.toAbsolutePath(), sz, rt), work));
            } finally {
                WorkDirs.remove(work);
            }
        } : u -> {
            GuestConfig cfg = new GuestConfig(u.guest().kernel(), u.guest().vcpus(), 1024, u.guest().queueSize(), u.guest().kernelArgs(), acc,
                    sz, rt, false, u.guest().requestQueues(), u.guest().readaheadKb());
            VirtioFsDaemon d = ds.get(u.daemon());
            String variantArg = d.takesVariants() ? armVariants.get(u.variant()).toSpec() : u.variant();
            GuestRun.Spec spec = new GuestRun.Spec(d, variantArg, cfg, jobs, workloadsDir.toAbsolutePath(), GuestRun.defaultDeadline(cfg, jobs.size()))
                    .withFault(faults.get(plan.indexOf(u) + 1)).withShareTmpfs(shareTmpfs).withArm(u.variant());
            // a daemon that takes no variant itself gets it through the INIT-rewriting proxy
            if (!d.takesVariants()) spec = spec.withProxy(Restriction.of(armVariants.get(u.variant()).init()));
            if (observe) spec = spec.withObserve();
            Path work = WorkDirs.create(dir);
            try {
                return WorkDirs.keepLogsOfFailures(dir, u, work, GuestRun.run(spec, images.get(u.guest().kernel()), work));
            } finally {
                WorkDirs.remove(work);
            }
        };
        if (byDaemon) runner = comparingDaemons(runner, daemons);
        // host settings a variant needs (max_pages above the host's limit, FUSE over io_uring): changed
        // for the run, put back after it (and after a kill, at the next start or --resume)
        for (HostSetting h : HostSetting.ALL) {
            String restored = h.restoreLeftovers(dir);
            if (restored != null) System.err.println("fusebench matrix: " + restored);
        }
        List<HostSetting.Change> changes = new ArrayList<>();
        if (hostFuse) {
            int pagesWanted = variantSettings.values().stream().filter(v -> v.init().offersMaxPages()).mapToInt(v -> v.init().maxPages()).max().orElse(0);
            if (pagesWanted > NegotiationSettings.KERNEL_MAX_PAGES)
                change(changes, () -> HostPagesLimit.raiseTo(pagesWanted, dir), "fs.fuse.max_pages_limit raised to " + pagesWanted);
            if (variantSettings.values().stream().anyMatch(Variant::overIoUring))
                change(changes, () -> HostSetting.FUSE_URING.set("Y", dir), "the fuse module's enable_uring set to Y");
        }
        Thread restoreOnSignal = new Thread(() -> restore(changes), "restore-host-settings");
        if (!changes.isEmpty()) Runtime.getRuntime().addShutdownHook(restoreOnSignal);
        try {
            if (auto) {
                Precision.run(new Precision.Rule(minBlocks, maxIterations, targetCi, maxMinutes, reference, threshold, step),
                        planOf, store, runner);
            } else {
                execute(plan, done, store, runner);
            }
        } finally {
            if (!changes.isEmpty()) {
                restore(changes);
                Runtime.getRuntime().removeShutdownHook(restoreOnSignal);
            }
        }
        if (report != null) {
            Path r = report.build(dir);
            System.out.println(r.toAbsolutePath());
            if (failOn != null) return report.gate(dir, failOn);
        }
        return 0;
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
        for (String w : jobs) dev.fusebench.bench.workload.SliceFile.read(workloadsDir, w);
    }

    /** {@code blocks} rounded up to whole Latin squares of {@code square} blocks. */
    static int wholeSquares(int blocks, int square) { return square < 2 ? blocks : (blocks + square - 1) / square * square; }

    /** Interleaved: how many device settings each variant runs on (the values of the device axes given several). */
    private int deviceArms() {
        if (transport.equals("host-fuse")) return 1;
        return (queueSizes.size() > 1 ? queueSizes.size() : 1) * (requestQueues.size() > 1 ? requestQueues.size() : 1)
                * (readaheads().size() > 1 ? readaheads().size() : 1);
    }

    /** The readahead axis: the kernel's (0) unless --readahead-kb is given. */
    private List<Integer> readaheads() {
        if (readaheadKb == null) return List.of(0);
        return readaheadKb.stream().map(GuestConfig::readaheadOption).toList();
    }

    /** One interleaved boot (or host-fuse mount set): every arm of the unit, its slices planned from the seed. */
    private List<RunResult> runInterleaved(Unit u, Path dir, Map<String, VirtioFsDaemon> ds, Map<String, Variant> variantSettings, List<String> jobs,
                                           Accel acc, int sz, int rt, Map<String, GuestImage> images, Fault fault) throws IOException {
        Map<String, List<dev.fusebench.bench.workload.SliceFile.Slice>> slices = SlicePlan.of(jobs, u.arms().size(), warmup, rounds, seed, u.iteration(),
                u.guest().label());
        Path work = WorkDirs.create(dir);
        try {
            List<RunResult> results;
            if (transport.equals("host-fuse")) {
                List<dev.fusebench.bench.run.InterleavedHostFuseRun.Arm> arms = u.arms().stream()
                        .map(a -> new dev.fusebench.bench.run.InterleavedHostFuseRun.Arm(a.name(), variantSettings.get(a.variant()))).toList();
                Double kill = fault instanceof Fault.KillDaemon k ? k.afterSeconds() : null;
                results = dev.fusebench.bench.run.InterleavedHostFuseRun.run(new dev.fusebench.bench.run.InterleavedHostFuseRun.Spec(
                        arms, jobs, workloadsDir.toAbsolutePath(), sz, slices, slice, kill), work);
            } else {
                List<InterleavedGuestRun.Arm> arms = new ArrayList<>();
                GuestConfig cfg = null;
                for (Unit.Arm a : u.arms()) {
                    VirtioFsDaemon d = ds.get(a.daemon());
                    Variant v = variantSettings.get(a.variant());
                    // each device's own settings: the arm's where its device settings are arms, else the guest configuration's
                    Unit.Device dev = a.device() != null ? a.device() : new Unit.Device(null, null, null);
                    GuestConfig device = new GuestConfig(u.guest().kernel(), u.guest().vcpus(), 1024,
                            dev.queueSize() != null ? dev.queueSize() : u.guest().queueSize(), u.guest().kernelArgs(), acc, sz, rt, false,
                            dev.requestQueues() != null ? dev.requestQueues() : u.guest().requestQueues(),
                            dev.readaheadKb() != null ? dev.readaheadKb() : u.guest().readaheadKb());
                    if (cfg == null) cfg = device;
                    // a daemon that takes no variant itself gets it through the INIT-rewriting proxy
                    arms.add(new InterleavedGuestRun.Arm(a.name(), d, d.takesVariants() ? v.toSpec() : a.variant(),
                            d.takesVariants() ? null : Restriction.of(v.init()), device));
                }
                results = InterleavedGuestRun.run(new InterleavedGuestRun.Spec(arms, cfg, jobs, workloadsDir.toAbsolutePath(), slices, slice,
                        InterleavedGuestRun.defaultDeadline(slices, slice), fault, observe, pin.equals("on")), images.get(u.guest().kernel()), work);
            }
            return WorkDirs.keepLogsOfFailures(dir, u, work, results);
        } finally {
            WorkDirs.remove(work);
        }
    }

    /** Runs one guest boot; returns one result per workload. */
    public interface UnitRunner {
        List<RunResult> run(Unit u) throws IOException;

        /** The daemon part of every result's cell when it is not the result's own daemon (--arms daemons), else null. */
        default String cellDaemon() { return null; }
    }

    /** {@code runner} with the cells of --arms daemons: every daemon's results in one cell, named for them all. */
    static UnitRunner comparingDaemons(UnitRunner runner, List<String> daemons) {
        String cell = String.join(" vs ", daemons);
        return new UnitRunner() {
            @Override public List<RunResult> run(Unit u) throws IOException { return runner.run(u); }
            @Override public String cellDaemon() { return cell; }
        };
    }

    /** Runs every unit of the plan not yet done, appending each boot's results before the next starts. */
    public static void execute(List<Unit> plan, Set<String> done, ResultsStore store, UnitRunner runner) throws IOException {
        long start = System.nanoTime();
        String host = Environment.hostName();
        int ran = 0, todo = (int) plan.stream().filter(u -> !done.contains(u.id())).count();
        for (Unit u : plan) {
            if (done.contains(u.id())) continue;
            ran++;
            progress(u, ran, todo, start);
            long t0 = System.nanoTime();
            List<RunResult> results = runner.run(u);
            double wall = (System.nanoTime() - t0) / 1e9;
            List<RunLine> lines = new ArrayList<>();
            for (RunResult r : results) {
                // interleaved: an arm's place is its device's (its slices' own order is in each slice)
                int position = u.interleaved() ? u.blockOrder().indexOf((r.daemon() == null ? "" : r.daemon().name()) + "/" + r.arm()) + 1 : u.position();
                lines.add(new RunLine(RunLine.TYPE, u.id(), u.iteration(), u.warmup(), position, u.blockOrder(), wall, host,
                        u.guest().label(), null, runner.cellDaemon(), r));
            }
            store.append(lines);
            for (RunResult r : results) {
                if (!r.ok()) System.err.println("fusebench matrix:   " + r.workload() + " FAILED: " + r.failure());
            }
        }
        System.err.println("fusebench matrix: done in " + fmt(Duration.ofNanos(System.nanoTime() - start)));
    }

    /** Makes one host change for the run; a change that cannot be made is said, and the runs needing it fail with the reason. */
    private static void change(List<HostSetting.Change> changes, HostChange make, String what) {
        try {
            HostSetting.Change c = make.make();
            if (c == null) return;
            changes.add(c);
            System.err.println("fusebench matrix: " + what + " for this run");
        } catch (IOException e) {
            System.err.println("fusebench matrix: " + e.getMessage() + "; runs that need it fail with that reason");
        }
    }

    private interface HostChange { HostSetting.Change make() throws IOException; }

    /** Puts back each host setting this run changed (once: from the run's end or a signal, whichever comes first). */
    private static synchronized void restore(List<HostSetting.Change> changes) {
        for (HostSetting.Change c : changes) {
            try {
                c.close();
            } catch (IOException e) {
                System.err.println("fusebench matrix: could not restore " + c.setting().name() + ": " + e.getMessage());
            }
        }
        changes.clear();
    }

    private static void progress(Unit u, int k, int n, long start) {
        Duration el = Duration.ofNanos(System.nanoTime() - start);
        String eta = k > 1 ? fmt(el.dividedBy(k - 1).multipliedBy(n - k + 1)) : "?";
        System.err.printf("fusebench matrix: [%d/%d] %s%s  elapsed %s  eta %s%n", k, n, u.id(), u.warmup() ? " (warm-up)" : "", fmt(el), eta);
    }

    static String fmt(Duration d) { return String.format("%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart()); }

    private Map<String, Object> environment(Map<String, VirtioFsDaemon> ds, Map<String, GuestImage> images, Accel acc, List<String> jobs,
                                            Map<String, Variant> variantSettings, List<Unit.GuestKey> guests,
                                            int rt, int sz, int boots) {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("host", Environment.host());
        env.put("qemu", Environment.qemuVersion());
        env.put("transport", transport);
        env.put("accel", transport.equals("host-fuse") ? "native" : acc.name().toLowerCase(java.util.Locale.ROOT));
        env.put("emulated", !transport.equals("host-fuse") && acc == Accel.TCG);
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
        if (primary != null) env.put("primary", primary.stream().map(String::strip).toList());
        env.put("guests", guests.stream().map(Unit.GuestKey::label).toList());
        env.put("iterations", auto ? "auto" : fixedBlocks);
        if (auto) {
            env.put("min_iterations", interleaved ? Comparison.MIN_BOOTS : wholeSquares(Precision.MIN_BLOCKS, ds.size() * variantSettings.size()));
            env.put("target_ci_pct", targetCi);
            env.put("max_iterations", maxIterations);
            env.put("max_minutes", maxMinutes);
        }
        env.put("warmup", warmup);
        env.put("seed", seed);
        env.put("design", design);
        if (interleaved) {
            env.put("schedule", "interleaved: one boot per iteration and guest configuration holding every arm (one device each, attached in a "
                    + "counterbalanced order); each workload in " + rounds + " rounds of one " + slice + " s slice per arm, ordered by seeded random "
                    + "Latin squares, after " + warmup + " warm-up round(s)");
            env.put("slice_s", slice);
            env.put("rounds", rounds);
            env.put("warmup_rounds", warmup);
        } else {
            env.put("schedule", "blocks: every arm of a guest configuration once per iteration, counterbalanced by seeded random Latin squares");
        }
        if (shardOf != null) env.put("shard", shardOf.toString());
        env.put("runtime_s", rt);
        env.put("size_mib", sz);
        if (shareTmpfs != null) env.put("share_tmpfs_mib", shareTmpfs);
        if (!faults.isEmpty()) {
            Map<String, Object> fm = new java.util.TreeMap<>();
            faults.forEach((b, f) -> fm.put(Integer.toString(b), f.toString()));
            env.put("injected_faults", fm);
        }
        env.put("threshold_pct", threshold);
        env.put("boots", boots);
        env.put("one_boot_serves", (interleaved ? "every arm of one guest configuration, one device each; all workloads in order: "
                : "all workloads of one daemon, variant and guest configuration, in order: ") + String.join(", ", jobs));
        env.put("git_commit", gitCommit());
        List<String> args = argv.isEmpty() || !argv.getFirst().equals("matrix") ? argv : argv.subList(1, argv.size());
        env.put("command_line", "run-bench.sh matrix " + String.join(" ", args));
        env.put("started", java.time.Instant.now().toString());
        return env;
    }

    private static String gitCommit() {
        try {
            return Shell.check(null, 10, "git", "rev-parse", "HEAD").strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
