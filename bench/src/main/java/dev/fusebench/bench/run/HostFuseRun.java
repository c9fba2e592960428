package dev.fusebench.bench.run;

import dev.fusebench.bench.daemons.JavaDaemon;
import dev.fusebench.bench.guest.GuestOutput;
import dev.fusebench.bench.guest.Shell;
import dev.fusebench.bench.results.JobRequests;
import dev.fusebench.bench.results.RunResult;
import dev.fusebench.bench.workload.FioResult;
import dev.fusebench.bench.workload.Workloads;
import dev.fusebench.cli.DaemonJvm;
import dev.fusebench.devfuse.MountTable;
import dev.fusebench.fuse.InitFlag;
import dev.fusebench.fuse.NegotiationSettings;
import dev.fusebench.fuse.Variant;
import dev.fusebench.stats.JobMarks;
import dev.fusebench.stats.StatsFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The host-fuse transport: the Java daemon mounted on this host through /dev/fuse and fio run
 * against the mount at native speed, with the same job files and the same result shape as a
 * guest run. One mount serves all the workloads of one variant, in a row.
 */
public final class HostFuseRun {
    private HostFuseRun() {}

    /** @param variant the variant, as an object until the daemon's command line is written */
    public record Spec(Variant variant, String variantName, List<String> workloads, Path workloadsDir,
                       int sizeMiB, int runtimeSeconds) {}

    public static List<RunResult> run(Spec spec, Path work) throws IOException {
        Path shared = Files.createDirectories(work.resolve("share"));
        Path mnt = Files.createDirectories(work.resolve("mnt"));
        Path stats = work.resolve("daemon-stats.json");
        List<String> cmd = mountCommand(shared, mnt, spec.variant(), stats);
        RunResult.Builder common = common(spec.variantName(), cmd);

        NegotiationSettings wanted = spec.variant().init();
        boolean ring = (wanted.flags() & InitFlag.OVER_IO_URING.mask) != 0;
        String refused = hostRefusal(wanted);
        if (refused != null) return spec.workloads().stream().map(w -> common.failed(w, refused)).toList();
        Process d = new ProcessBuilder(Shell.diesWithUs(cmd)).redirectErrorStream(true).redirectOutput(work.resolve("daemon.log").toFile()).start();
        List<RunResult> out = new ArrayList<>();
        String setupFailure = null;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (MountTable.at(mnt).isEmpty() && d.isAlive() && System.nanoTime() < deadline) sleep(20);
            if (MountTable.at(mnt).isEmpty()) setupFailure = "the daemon did not mount " + mnt + ": " + tail(work.resolve("daemon.log"));
            else {
                Process dd = new ProcessBuilder(Shell.diesWithUs(List.of("dd", "if=/dev/zero", "of=" + mnt.resolve("fusebench.dat"), "bs=1M",
                        "count=" + spec.sizeMiB(), "conv=fsync"))).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!dd.waitFor(600, TimeUnit.SECONDS) || dd.exitValue() != 0) setupFailure = "laying out the test file failed";
            }
            int jobNumber = 0;
            for (String w : spec.workloads()) {
                String failure = setupFailure;
                // the job's mark (see JobMarks): a lookup the daemon sees before the job's first request
                Files.exists(mnt.resolve(JobMarks.beforeJob(++jobNumber)));
                Map<String, Double> timings = null;
                RunResult.HostNoise hostNoise = null;
                FioResult f = null;
                Double metric = null;
                if (failure == null) {
                    Path json = work.resolve(w + ".json");
                    ProcessBuilder fio = new ProcessBuilder(Shell.diesWithUs(List.of("fio", "--output-format=json", "--output=" + json,
                            spec.workloadsDir().resolve(w + ".fio").toString())))
                            .redirectErrorStream(true).redirectOutput(work.resolve(w + ".log").toFile())
                            .directory(work.toFile()); // fio leaves verify state and prerun output in its working directory
                    fio.environment().put("FB_DIR", mnt.toString());
                    fio.environment().put("FB_SIZE", spec.sizeMiB() + "M");
                    fio.environment().put("FB_RUNTIME", Integer.toString(spec.runtimeSeconds()));
                    // a job that reports its own figure (readdir.sh) writes it here; no cache dropping on the host
                    Path metrics = work.resolve(w + ".metrics");
                    fio.environment().put("FB_METRICS", metrics.toString());
                    fio.environment().put("FB_JOBS", spec.workloadsDir().toString());
                    long t0 = System.nanoTime();
                    HostNoiseSampler noise = HostNoiseSampler.start();
                    Process p = fio.start();
                    if (!p.waitFor(spec.runtimeSeconds() + 300L, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                        failure = "fio did not finish within its deadline";
                    } else {
                        timings = Map.of("job_s", (System.nanoTime() - t0) / 1e9);
                        hostNoise = noise.end();
                        try {
                            f = FioResult.parse(Files.readString(json), w);
                            if (p.exitValue() != 0 || !f.ok()) failure = "fio exited " + p.exitValue() + ", error " + f.error() + ": " + tail(work.resolve(w + ".log"));
                            metric = ownMetric(work.resolve(w + ".metrics"), w);
                            if (failure == null) failure = Workloads.missingOwnMetric(w, metric);
                        } catch (IOException e) {
                            failure = "fio exited " + p.exitValue() + " without results: " + tail(work.resolve(w + ".log"));
                        }
                    }
                }
                out.add((failure == null ? common.ok(w, null, hostNoise, timings, f)
                        : common.failed(w, null, hostNoise, timings, f, failure, null)).withMetric(metric));
            }
            if (setupFailure == null) Files.exists(mnt.resolve(JobMarks.END));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } finally {
            d.destroy(); // SIGTERM: the daemon unmounts and writes its statistics
            try {
                if (!d.waitFor(30, TimeUnit.SECONDS)) d.destroyForcibly();
            } catch (InterruptedException e) {
                d.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        if (!Files.exists(stats)) return out;
        // the daemon writes its statistics when it stops, after the last job
        common.daemonStats = StatsFile.read(stats);
        String notOnRing = ring ? notServedOverRing(common.daemonStats) : null;
        List<RunResult> withStats = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            RunResult r = notOnRing != null && out.get(i).failure() == null ? common.failed(out.get(i).workload(), notOnRing) : out.get(i);
            withStats.add(r.withDaemonStats(common.daemonStats)
                    .withRequests(JobRequests.fromDaemonStats(common.daemonStats, JobMarks.jobLabel(i + 1))));
        }
        return withStats;
    }

    /** The Java daemon serving {@code shared} at {@code mnt} through /dev/fuse with a variant. */
    static List<String> mountCommand(Path shared, Path mnt, Variant variant, Path stats) {
        List<String> cmd = new ArrayList<>(DaemonJvm.command(DaemonJvm.OPTIONS));
        // --cache never as the matrix's daemons run; /dev/fuse is served unsandboxed (see the README's Security)
        cmd.addAll(List.of("--shared-dir", shared.toString(), "--mount", mnt.toString(), "--variant", variant.toSpec(), "--cache", "never",
                "--stats", stats.toString(), "--sandbox", "none"));
        return cmd;
    }

    /** What every result of a host-fuse run of arm {@code arm} shares. */
    static RunResult.Builder common(String arm, List<String> cmd) throws IOException {
        RunResult.Builder common = new RunResult.Builder();
        common.arm = arm;
        common.daemon = new RunResult.DaemonInfo("java", new JavaDaemon().version(), true, null, cmd);
        common.transport = "host-fuse";
        common.accel = "native";
        common.emulated = false;
        common.host = Environment.host();
        common.guestKernelRelease = System.getProperty("os.version");
        return common;
    }

    /** Why this host cannot give a variant what it asks (max_pages above the limit, io_uring it will not offer), or null. */
    static String hostRefusal(NegotiationSettings wanted) {
        // max_pages above this host's limit would silently negotiate fewer pages: a failed run with the reason
        int limit = HostPagesLimit.current();
        if (wanted.offersMaxPages() && wanted.maxPages() > Math.max(limit, NegotiationSettings.KERNEL_MAX_PAGES)) {
            return limit < 0 ? "this kernel has no fs.fuse.max_pages_limit (Linux 6.13+): max_pages " + wanted.maxPages() + " cannot take effect"
                    : "fs.fuse.max_pages_limit is " + limit + ", below max_pages " + wanted.maxPages() + " (it could not be raised)";
        }
        // FUSE over io_uring that the kernel will not offer would quietly run over /dev/fuse reads
        boolean ring = (wanted.flags() & InitFlag.OVER_IO_URING.mask) != 0;
        String uring = HostSetting.FUSE_URING.current().orElse(null);
        if (ring && !"Y".equals(uring)) {
            return uring == null ? "this kernel has no FUSE over io_uring (Linux 6.14+ built with CONFIG_FUSE_IO_URING)"
                    : "the fuse module's enable_uring is " + uring + " (the matrix sets it to Y for the run; it could not)";
        }
        return null;
    }

    /** Why a run that asked for FUSE over io_uring was not served through the rings, or null when it was. */
    static String notServedOverRing(StatsFile stats) {
        if (stats.daemon() != null && stats.daemon().uringFailure != null) return "FUSE over io_uring failed in the daemon: " + stats.daemon().uringFailure;
        if (stats.negotiation() == null || !stats.negotiation().replied("OVER_IO_URING"))
            return "FUSE over io_uring was not negotiated (the kernel did not offer it)";
        return stats.requestsOnRings() > 0 ? null : "FUSE over io_uring was negotiated but no request came through a ring";
    }

    private static void sleep(long ms) throws InterruptedException { Thread.sleep(ms); }

    /** The figure a job reported itself ("@@FB METRIC JOB NAME VALUE ..."), or null. */
    static Double ownMetric(Path metrics, String job) throws IOException {
        if (!Files.exists(metrics)) return null;
        Double value = null;
        for (String line : Files.readAllLines(metrics)) {
            Double v = GuestOutput.metric(line, job);
            if (v != null) value = v;
        }
        return value;
    }

    private static String tail(Path log) {
        try {
            List<String> l = Files.readAllLines(log);
            return String.join(" ", l.subList(Math.max(0, l.size() - 3), l.size()));
        } catch (IOException e) {
            return "";
        }
    }
}
