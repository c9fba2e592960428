package dev.fusebench.bench.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fusebench.bench.daemons.DaemonProcess;
import dev.fusebench.bench.daemons.VirtioFsDaemon;
import dev.fusebench.bench.guest.Accel;
import dev.fusebench.bench.guest.GuestConfig;
import dev.fusebench.bench.guest.GuestImage;
import dev.fusebench.bench.guest.GuestOutput;
import dev.fusebench.bench.guest.Qemu;
import dev.fusebench.bench.guest.Shell;
import dev.fusebench.bench.results.JobRequests;
import dev.fusebench.bench.results.RunResult;
import dev.fusebench.bench.workload.FioResult;
import dev.fusebench.bench.workload.Workloads;
import dev.fusebench.proxy.Observed;
import dev.fusebench.proxy.ProxyServer;
import dev.fusebench.proxy.Restriction;
import dev.fusebench.stats.JobMarks;
import dev.fusebench.stats.StatsFile;
import dev.fusebench.sys.Errno;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One guest boot: a daemon serving a fresh shared directory, QEMU running the given workloads in
 * a row, and one result per workload. Failures (daemon that will not start, guest killed at its
 * deadline, fio error, share that will not mount) are results too, with the reason and the console tail.
 */
public final class GuestRun {
    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * One boot. {@code variantArg}: what the daemon's command line is given as its variant (a
     * variant's name or its settings; for a daemon behind the proxy, the arm's name);
     * {@code arm}: the name its results carry (the variant as given, unless a matrix names it);
     * {@code fault}: a fault to inject (null for none); {@code shareTmpfsMiB}: serve the share from a
     * tmpfs of this size (null: a plain directory), to give the guest ENOSPC.
     */
    public record Spec(VirtioFsDaemon daemon, String variantArg, GuestConfig guest, List<String> workloads,
                       Path workloadsDir, long deadlineSeconds, Fault fault, Integer shareTmpfsMiB, String arm, Restriction proxy,
                       boolean observe) {
        public Spec(VirtioFsDaemon daemon, String variantArg, GuestConfig guest, List<String> workloads,
                    Path workloadsDir, long deadlineSeconds) {
            this(daemon, variantArg, guest, workloads, workloadsDir, deadlineSeconds, null, null, variantArg, null, false);
        }

        public Spec(VirtioFsDaemon daemon, String variantArg, GuestConfig guest, List<String> workloads,
                    Path workloadsDir, long deadlineSeconds, Fault fault, Integer shareTmpfsMiB, String arm) {
            this(daemon, variantArg, guest, workloads, workloadsDir, deadlineSeconds, fault, shareTmpfsMiB, arm, null, false);
        }

        public Spec withFault(Fault f) { return new Spec(daemon, variantArg, guest, workloads, workloadsDir, deadlineSeconds, f, shareTmpfsMiB, arm, proxy, observe); }

        public Spec withShareTmpfs(Integer mib) { return new Spec(daemon, variantArg, guest, workloads, workloadsDir, deadlineSeconds, fault, mib, arm, proxy, observe); }

        public Spec withArm(String name) { return new Spec(daemon, variantArg, guest, workloads, workloadsDir, deadlineSeconds, fault, shareTmpfsMiB, name, proxy, observe); }

        /** The daemon behind an INIT-rewriting proxy applying {@code r} (for daemons that take no variant themselves). */
        public Spec withProxy(Restriction r) { return new Spec(daemon, variantArg, guest, workloads, workloadsDir, deadlineSeconds, fault, shareTmpfsMiB, arm, r, observe); }

        /** The proxy also counting request sizes on the kick path; a daemon without one gets one that changes nothing. */
        public Spec withObserve() {
            return new Spec(daemon, variantArg, guest, workloads, workloadsDir, deadlineSeconds, fault, shareTmpfsMiB, arm,
                    proxy != null ? proxy : Restriction.NONE, true);
        }
    }

    public static long defaultDeadline(GuestConfig g, int jobs) {
        // boot + layout + each job with room for end_fsync; emulation is slow, so be generous
        return 90 + jobs * (g.runtimeSeconds() + 90L);
    }

    /** Runs the boot; returns one result per workload, in order. Never leaves a process behind. */
    public static List<RunResult> run(Spec spec, GuestImage image, Path workDir) throws IOException {
        Files.createDirectories(workDir);
        Path shared = Files.createDirectories(workDir.resolve("share"));
        Path socket = workDir.resolve("vfs.sock");
        Path stats = workDir.resolve("daemon-stats.json");
        Path console = workDir.resolve("console.log");
        Path results = workDir.resolve("results.log");
        RunResult.Builder common = new RunResult.Builder();
        common.arm = spec.arm();
        common.daemon = daemonInfo(spec);
        common.guest = guestInfo(spec.guest(), image);
        common.accel = spec.guest().accel().name().toLowerCase(Locale.ROOT);
        common.emulated = spec.guest().accel() == Accel.TCG;
        common.host = Environment.host();
        if (spec.fault() != null) common.faultInjected = spec.fault().toString();
        if (spec.shareTmpfsMiB() != null) {
            common.shareTmpfsMib = spec.shareTmpfsMiB();
            try {
                Shell.check(null, 30, "mount", "-t", "tmpfs", "-o", "size=" + spec.shareTmpfsMiB() + "m,mode=0755", "fusebench-share", shared.toString());
            } catch (IOException e) {
                return failAll(spec, common, "could not mount the tmpfs share: " + e.getMessage());
            }
        }
        try {
            return boot(spec, image, workDir, common, shared, socket, stats, console, results);
        } finally {
            if (spec.shareTmpfsMiB() != null) Shell.run(null, List.of("umount", "-l", shared.toString()), 30);
        }
    }

    private static List<RunResult> boot(Spec spec, GuestImage image, Path workDir, RunResult.Builder common,
                                                  Path shared, Path socket, Path stats, Path console, Path results) throws IOException {
        // the test file is written on the host while the daemon starts (its warm-up is CPU, dd is mostly I/O)
        long t0 = System.nanoTime();
        Process layout = layOut(shared.resolve("fusebench.dat"), spec.guest().sizeMiB());
        DaemonProcess daemon;
        ProxyServer proxy = null;
        try {
            // behind a proxy the daemon listens on its own socket, and QEMU connects to the proxy's
            Path daemonSocket = spec.proxy() != null ? workDir.resolve("daemon.sock") : socket;
            daemon = DaemonProcess.start(spec.daemon(), shared, daemonSocket, spec.variantArg(), stats, workDir.resolve("daemon.log"));
        } catch (IOException e) {
            layout.destroyForcibly();
            return failAll(spec, common, "daemon did not start: " + e.getMessage());
        }
        if (spec.proxy() != null) {
            try {
                proxy = new ProxyServer(socket, workDir.resolve("daemon.sock"), spec.proxy(), spec.observe());
            } catch (IOException e) {
                daemon.close(); // nothing is left running
                layout.destroyForcibly();
                return failAll(spec, common, "the proxy could not listen: " + e.getMessage());
            }
        }
        long t1 = System.nanoTime();
        String layoutFailure = awaitLayout(layout);
        if (layoutFailure != null) {
            daemon.close();
            if (proxy != null) proxy.close();
            return failAll(spec, common, "laying out the test file on the host failed: " + layoutFailure);
        }
        long t2 = System.nanoTime();
        Qemu.Outcome out;
        String hostSha = null;
        Integer daemonExit;
        Watcher watcher = new Watcher(spec.fault(), daemon, new JobCpu(results));
        try {
            common.daemon = common.daemon.withCommand(daemon.command);
            List<String> cmd = Qemu.command(image, spec.guest(), socket, spec.workloadsDir(), spec.workloads(), console, results);
            out = Qemu.run(cmd, console, results, workDir.resolve("qemu.log"), spec.deadlineSeconds(), watcher);
            daemonExit = daemon.exitCode();
            if (spec.guest().checksum() && Files.exists(shared.resolve("fusebench.dat"))) hostSha = sha256(shared.resolve("fusebench.dat"));
        } finally {
            daemon.close();
            if (proxy != null) proxy.close();
        }
        String proxyRefusal = null;
        List<Observed.Phase> observedPhases = null;
        if (proxy != null) {
            ProxyServer.Report p = proxy.report();
            if (spec.observe()) observedPhases = p.observedPhases();
            common.proxy = new RunResult.ProxyInfo(spec.arm(), RunResult.InitReply.of(p.daemonReply()), RunResult.InitReply.of(p.givenReply()),
                    p.refusal(), p.steppedOut(), p.error(), spec.observe() ? p.observedSizes() : null, spec.observe() ? p.observedMissed() : null,
                    spec.observe() ? p.observedUnreadable() : null);
            if (p.refusal() != null) proxyRefusal = "the proxy could not give variant " + spec.arm() + ": " + p.refusal();
        }
        common.qemu = new RunResult.QemuInfo(Environment.qemuVersion(), out.command(), out.exitCode(), out.wallSeconds());
        if (Files.exists(stats)) common.daemonStats = StatsFile.read(stats);
        GuestOutput g = GuestOutput.parse(out.results());
        // where the boot's wall time went, phase by phase (host clock, then the guest's uptime)
        Map<String, Double> timings = new LinkedHashMap<>();
        timings.put("daemon_start_s", (t1 - t0) / 1e9);
        timings.put("daemon_start_and_host_layout_s", (t2 - t0) / 1e9);
        timings.put("boot_to_mounted_s", out.hostSecondsToMounted());
        timings.put("guest_uptime_at_mount_s", g.mountedUptime());
        timings.put("layout_s", g.layoutSeconds());
        timings.put("qemu_wall_s", out.wallSeconds());
        timings.put("after_last_job_s", g.afterLastJob());
        common.guestKernelRelease = g.kernelRelease();
        if (g.readaheadKb() != null) common.guest = common.guest.withReadaheadReadBack(g.readaheadKb());
        common.guestPanic = out.panic();
        if (daemonExit != null) common.daemonExit = Shell.describeExit(daemonExit);
        String cause = proxyRefusal != null ? proxyRefusal : cause(out, g, watcher.daemonDeath, spec.deadlineSeconds());
        String integrityFailure = null;
        if (spec.guest().checksum()) {
            boolean match = g.sha256() != null && g.sha256().equals(hostSha);
            common.integrity = new RunResult.Integrity(g.sha256(), hostSha, match);
            if (!match && g.done()) integrityFailure = "the test file differs: guest SHA-256 " + g.sha256() + ", host " + hostSha;
        }

        List<RunResult> list = new ArrayList<>();
        int jobNumber = 0;
        for (String w : spec.workloads()) {
            String phase = JobMarks.jobLabel(++jobNumber);
            // the job's own requests: the daemon's statistics where it keeps them, else what the proxy observed
            JobRequests requests = JobRequests.fromDaemonStats(common.daemonStats, phase);
            if (requests == null) requests = JobRequests.fromObserved(observedPhases, phase);
            Map<String, Double> t = new LinkedHashMap<>(timings);
            GuestOutput.Job job = g.jobs().get(w);
            t.put("job_s", job == null ? null : job.seconds());
            t.put("before_job_s", g.beforeJob(w));
            String failure = failure(out, g, job, cause);
            if (failure == null) failure = integrityFailure;
            FioResult fio = null;
            if (failure == null) {
                try {
                    fio = FioResult.parse(job.json(), w);
                    if (!fio.ok()) failure = "fio reported error " + fio.error() + " (" + Errno.name(fio.error()) + ")"
                            + (job.log() == null ? "" : ": " + job.log());
                    else failure = Workloads.missingOwnMetric(w, job.metric());
                } catch (IOException e) {
                    failure = "unreadable fio output: " + e.getMessage();
                }
            }
            list.add((failure == null ? common.ok(w, watcher.cpu.of(w), watcher.cpu.noiseOf(w), t, fio)
                    : common.failed(w, watcher.cpu.of(w), watcher.cpu.noiseOf(w), t, fio, failure, out.consoleTail()))
                    .withRequests(requests).withMetric(job == null ? null : job.metric()));
        }
        return list;
    }

    /**
     * The test file, written on the host before the boot as the seed's harness did (dd of zeros,
     * fsync): the guest finds it on the share, seconds sooner than writing it there under emulation.
     */
    static Process layOut(Path file, int mib) throws IOException {
        return new ProcessBuilder(Shell.diesWithUs(List.of("dd", "if=/dev/zero", "of=" + file, "bs=1M", "count=" + mib, "conv=fsync", "status=none")))
                .redirectErrorStream(true).start();
    }

    /** Waits for the layout; its error, or null when the file is complete. */
    static String awaitLayout(Process dd) throws IOException {
        try {
            if (!dd.waitFor(600, TimeUnit.SECONDS)) {
                dd.destroyForcibly();
                return "dd did not finish within 600 s";
            }
            String out = new String(dd.getInputStream().readAllBytes()).strip();
            return dd.exitValue() == 0 ? null : "dd exited " + dd.exitValue() + (out.isEmpty() ? "" : ": " + out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            dd.destroyForcibly();
            throw new IOException("interrupted");
        }
    }

    static String sha256(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            var md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What ended the boot early, if something did, most fundamental first: the guest's own fatal
     * report, a kernel panic, a dead daemon, the controller's watcher, QEMU's death, the deadline.
     */
    static String cause(Qemu.Outcome out, GuestOutput g, String daemonDeath, long deadlineSeconds) {
        if (!g.fatal().isEmpty()) return "guest: " + String.join("; ", g.fatal());
        if (out.panic() != null) return "guest kernel panic: " + out.panic();
        if (daemonDeath != null) return daemonDeath;
        if (out.stoppedBecause() != null) return out.stoppedBecause();
        if (out.killedAtDeadline()) return "guest killed at its deadline of " + deadlineSeconds + " s";
        if (g.bootedUptime() == null) return "guest never reached /init (QEMU " + Shell.describeExit(out.exitCode()) + ")";
        if (!g.done()) return "guest ended early (QEMU " + Shell.describeExit(out.exitCode()) + ")";
        return null;
    }

    /** Why one job failed, or null when it ran to the end (even if the boot broke down after it). */
    private static String failure(Qemu.Outcome out, GuestOutput g, GuestOutput.Job job, String cause) {
        if (!g.fatal().isEmpty()) return cause;
        if (job != null && job.exitCode() != null && job.exitCode() != 0)
            return "fio exited " + job.exitCode() + (job.log() == null ? "" : ": " + job.log());
        if (job != null && job.json() != null && job.exitCode() != null) return null;
        String where = job != null ? " while running " + job.name()
                : g.mountedUptime() == null ? " before the share was mounted" : " before the job started";
        return (cause != null ? cause : "guest ended (QEMU " + Shell.describeExit(out.exitCode()) + ")") + where;
    }

    /** Injects the spec's fault when its time comes, and stops a guest whose daemon has died. */
    private static final class Watcher implements Qemu.Watch {
        private final Fault fault;
        private final DaemonProcess daemon;
        final JobCpu cpu;
        private boolean injected;
        private long daemonDeadSince;
        /** Set when the daemon was seen dead while QEMU still ran (daemons exit on their own once QEMU has gone). */
        String daemonDeath;

        Watcher(Fault fault, DaemonProcess daemon, JobCpu cpu) {
            this.fault = fault;
            this.daemon = daemon;
            this.cpu = cpu;
        }

        @Override
        public String check(Process qemu, Double sinceFirstJob) {
            if (sinceFirstJob != null) cpu.poll(daemon.pid(), qemu.pid());
            if (fault != null && !injected && sinceFirstJob != null && sinceFirstJob >= fault.afterSeconds()) {
                injected = true;
                switch (fault) {
                    case Fault.KillDaemon k -> daemon.kill();
                    case Fault.KillQemu k -> qemu.destroyForcibly();
                }
            }
            if (daemon.alive() || !qemu.isAlive()) return null;
            if (daemonDeadSince == 0) {
                daemonDeadSince = System.nanoTime();
                daemonDeath = "the daemon " + Shell.describeExit(daemon.exitCode());
            }
            // give QEMU a moment to end by itself, then stop a guest that can only hang on its share
            if (System.nanoTime() - daemonDeadSince < 2_000_000_000L) return null;
            return daemonDeath + "; the controller stopped the guest";
        }
    }

    private static List<RunResult> failAll(Spec spec, RunResult.Builder common, String why) {
        return spec.workloads().stream().map(w -> common.failed(w, why)).toList();
    }

    private static RunResult.DaemonInfo daemonInfo(Spec spec) { return daemonInfo(spec.daemon()); }

    static RunResult.DaemonInfo daemonInfo(VirtioFsDaemon daemon) {
        String version;
        try {
            version = daemon.version();
        } catch (IOException e) {
            version = "unknown: " + e.getMessage();
        }
        return new RunResult.DaemonInfo(daemon.name(), version, daemon.takesVariants(), daemon.confinement(), null);
    }

    static RunResult.GuestInfo guestInfo(GuestConfig g, GuestImage image) {
        return new RunResult.GuestInfo(g.kernelSeries(), image.kernel().packageName(), image.kernel().version(), g.vcpus(),
                g.memoryMiB(), g.queueSize(), g.kernelArgs() == null ? "" : g.kernelArgs(), g.dmaApi(), g.sizeMiB() + "M",
                g.runtimeSeconds(), image.dir().getFileName().toString(), g.requestQueues(), g.readaheadKb() > 0 ? g.readaheadKb() : null, null);
    }
}
