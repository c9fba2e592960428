package dev.fusebench.bench.run;

import dev.fusebench.bench.BadCommandLine;
import dev.fusebench.bench.daemons.BuiltInDaemons;
import dev.fusebench.bench.daemons.CustomDaemonOptions;
import dev.fusebench.bench.daemons.Variants;
import dev.fusebench.bench.daemons.VirtioFsDaemon;
import dev.fusebench.bench.guest.Accel;
import dev.fusebench.bench.guest.GuestAxisOptions;
import dev.fusebench.bench.guest.GuestConfig;
import dev.fusebench.bench.guest.GuestImage;
import dev.fusebench.bench.results.RunResult;
import dev.fusebench.bench.workload.Workloads;
import dev.fusebench.cli.Sizes;
import dev.fusebench.files.Trees;
import dev.fusebench.fuse.Variant;
import dev.fusebench.proxy.Restriction;
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
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code run-bench.sh run}: one guest boot running one or more workloads; one JSON result per workload. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false, modelTransformer = GuestAxisOptions.class,
        description = "Boots a guest on a virtio-fs daemon, runs fio workloads in it and writes one JSON result per workload.")
public final class RunCommand implements Callable<Integer> {
    @CommandLine.Mixin CustomDaemonOptions customDaemons = new CustomDaemonOptions();
    @Option(names = "--observe", description = "Count request sizes in a proxy in front of the daemon (see matrix --observe).") boolean observe;
    @Option(names = "--daemon", required = true, paramLabel = "NAME", description = BuiltInDaemons.NAMES + ", or your own (--daemon-command).")
    String daemon;

    @Option(names = "--workload", required = true, split = ",", paramLabel = "NAME",
            description = "Workload(s) from guest-workloads/ (file name without .fio), comma separated; 'seed' = the seed's four.")
    List<String> workloads;

    @Option(names = "--variant", defaultValue = "max-pages", paramLabel = "NAME", description = "Negotiation variant: the Java daemon negotiates it, the others get it through the INIT-rewriting proxy (default: ${DEFAULT-VALUE}).")
    String variant;

    @Option(names = "--accel", defaultValue = "auto", paramLabel = "auto|kvm|tcg", description = "Accelerator (default: ${DEFAULT-VALUE}).")
    String accel;

    @Option(names = "--runtime", defaultValue = "10", paramLabel = "S", description = "Seconds per fio job (default: ${DEFAULT-VALUE}).")
    int runtime;

    @Option(names = "--size", defaultValue = "512", paramLabel = "MIB", description = "Test file size in MiB (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--memory", defaultValue = "1024", paramLabel = "MIB") int memory;

    @Option(names = "--checksum", description = "After the jobs, compare the test file's SHA-256 in the guest with the host's.")
    boolean checksum;

    @Option(names = "--deadline", paramLabel = "S", description = "Kill the guest after this many seconds (default: from runtime and job count).")
    Long deadline;

    @Option(names = "--out", paramLabel = "DIR", description = "Where results go (default: results/run-TIMESTAMP).")
    Path out;

    @Option(names = "--share-tmpfs", paramLabel = "MIB", description = "Serve the share from a tmpfs of this size: a full file system gives the guest ENOSPC.")
    Integer shareTmpfs;

    @Option(names = "--fault", paramLabel = "FAULT", description = "Harness check: kill-daemon@S or kill-qemu@S, S seconds into the first job.")
    String fault;

    @Option(names = "--workloads-dir", hidden = true, defaultValue = "guest-workloads") Path workloadsDir;

    /** The guest axes' options ({@link GuestAxisOptions}: --guest-kernel, --queue-size, --vcpus, ...) are read from here. */
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<String> jobs;
        GuestConfig cfg;
        VirtioFsDaemon d;
        Variant parsed;
        Fault injected;
        try {
            injected = fault == null ? null : Fault.parse(fault);
            if (shareTmpfs != null && (shareTmpfs < 1 || shareTmpfs > 1 << 20)) throw new IllegalArgumentException("--share-tmpfs wants 1..1048576 MiB");
            jobs = Workloads.resolve(workloadsDir, workloads);
            int sizeMiB;
            try {
                sizeMiB = Sizes.mib(size);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--size wants MiB (512, 512m, 1g), got '" + size + "'");
            }
            cfg = new GuestConfig(GuestAxisOptions.given(spec).single(), memory, Accel.choose(accel), sizeMiB, runtime, checksum);
            d = VirtioFsDaemon.named(daemon, GuestImage.defaultCache(), customDaemons.daemons());
            parsed = Variant.parse(variant);
            Variants.checkTakes(d, List.of(parsed));
            Variants.checkGuests(List.of(parsed));
        } catch (IllegalArgumentException e) {
            return BadCommandLine.refuse(e.getMessage());
        }
        Path dir = out != null ? out : Path.of("results", "run-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(dir);
        System.err.println("fusebench run: preparing the " + cfg.kernelSeries() + " guest image (cached after the first time)");
        GuestImage image = GuestImage.obtain(cfg.kernelSeries(), GuestImage.defaultCache(), workloadsDir.resolve("init"));
        long dl = deadline != null ? deadline : GuestRun.defaultDeadline(cfg, jobs.size());
        System.err.println("fusebench run: " + daemon + " / " + variant + " / " + String.join(",", jobs) + " on " + cfg.accel().label());
        Path work = Files.createTempDirectory("fusebench-run-");
        List<RunResult> results;
        try {
            var spec = new GuestRun.Spec(d, variant, cfg, jobs, workloadsDir.toAbsolutePath(), dl, injected, shareTmpfs, variant);
            // a daemon that takes no variant itself gets it through the INIT-rewriting proxy
            if (!d.takesVariants()) spec = spec.withProxy(Restriction.of(parsed.init()));
            if (observe) spec = spec.withObserve();
            results = GuestRun.run(spec, image, work);
            for (String keep : List.of("console.log", "results.log", "daemon.log", "qemu.log")) {
                Path f = work.resolve(keep);
                if (Files.exists(f)) Files.copy(f, dir.resolve(keep), StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            try {
                Trees.delete(work);
            } catch (IOException e) {
                System.err.println("fusebench run: could not remove " + work + ": " + e.getMessage());
            }
        }
        boolean allOk = true;
        List<String> lines = new ArrayList<>();
        for (RunResult r : results) {
            Path f = dir.resolve(r.workload() + ".json");
            GuestRun.JSON.writeValue(f.toFile(), r);
            allOk &= r.ok();
            lines.add(summary(r) + "  -> " + f);
        }
        lines.forEach(System.out::println);
        return allOk ? 0 : 1;
    }

    static String summary(RunResult r) {
        if (!r.ok()) return r.workload() + ": FAILED: " + r.failure();
        var fio = r.fio();
        var d = fio.read().active() ? fio.read() : fio.write();
        return String.format(Locale.ROOT, "%s: %.1f MiB/s, %.0f IOPS, p99 clat %.0f us", r.workload(),
                d.bandwidthBytesPerSec() / 1048576.0, d.iops(), d.clatPercentilesUs().getOrDefault("99", Double.NaN));
    }

}
