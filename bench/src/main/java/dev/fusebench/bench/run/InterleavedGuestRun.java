package dev.fusebench.bench.run;

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
import dev.fusebench.bench.workload.SliceFile;
import dev.fusebench.proxy.Observed;
import dev.fusebench.proxy.ProxyServer;
import dev.fusebench.proxy.Restriction;
import dev.fusebench.stats.StatsFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One guest boot of the interleaved design: every arm of a group in the same guest, one
 * vhost-user-fs-pci device each, with its own daemon process (or a peer behind its own
 * INIT-rewriting proxy), its own share with its own copy of the test file, and its own tag and
 * mount point. Each workload runs as the slices the controller planned (rounds in which every arm
 * takes a short turn, see {@link SliceFile}), so the arms meet the same host noise second by second.
 * A device whose daemon dies fails its arm's slices in this boot, and the guest is stopped (its
 * requests to the dead device can never complete): the other arms' slices of the workloads that
 * ended before still count, while the workload then running is lost for every arm, since the guest
 * sends fio's results when a workload's whole slice file has run.
 */
public final class InterleavedGuestRun {
    private InterleavedGuestRun() {}

    /**
     * One arm: its name, its daemon, what the daemon is given, the proxy's restriction (null: no proxy),
     * and its device's settings (queue size, request queues, readahead: the guest's when they are no arm).
     */
    /** @param variantArg what the daemon's command line is given as its variant (behind the proxy: the arm's name) */
    public record Arm(String name, VirtioFsDaemon daemon, String variantArg, Restriction proxy, GuestConfig device) {}

    /**
     * One boot. {@code slices}: each workload's slices in run order; {@code fault}: kill-daemon kills the
     * daemon of the last device attached (whichever arm the boot's order put there), kill-qemu the guest.
     */
    public record Spec(List<Arm> arms, GuestConfig guest, List<String> workloads, Path workloadsDir,
                       Map<String, List<SliceFile.Slice>> slices, int sliceSeconds, long deadlineSeconds, Fault fault, boolean observe,
                       boolean pin) {}

    /** The mount point of device {@code i} (0-based) in the guest: /init mounts tag i+1 there. */
    static String guestMount(int i) { return "/mnt/fb" + (i + 1); }

    /** A deadline for the boot: boot and layout, each slice with its start-up, fsync and room to spare. */
    public static long defaultDeadline(Map<String, List<SliceFile.Slice>> slices, int sliceSeconds) {
        long n = slices.values().stream().mapToLong(List::size).sum();
        return 120 + n * (sliceSeconds + 5L);
    }

    public static List<RunResult> run(Spec spec, GuestImage image, Path work) throws IOException {
        int k = spec.arms().size();
        Path jobs = Files.createDirectories(work.resolve("jobs"));
        List<String> mounts = new ArrayList<>();
        for (int i = 0; i < k; i++) mounts.add(guestMount(i));
        for (String w : spec.workloads()) {
            SliceFile.Parsed p = SliceFile.read(spec.workloadsDir(), w);
            Files.writeString(jobs.resolve(w + ".slices.fio"), SliceFile.of(p, spec.slices().get(w), mounts, spec.sliceSeconds(), "/bin/sh /jobs/" + SliceFile.MARKER));
        }
        Files.copy(spec.workloadsDir().resolve(SliceFile.MARKER), jobs.resolve(SliceFile.MARKER));
        List<RunResult.Builder> common = new ArrayList<>();
        List<Path> armDirs = new ArrayList<>(), sockets = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            Arm a = spec.arms().get(i);
            Path dir = Files.createDirectories(work.resolve("arm" + (i + 1)));
            armDirs.add(dir);
            Files.createDirectories(dir.resolve("share"));
            sockets.add(dir.resolve("vfs.sock"));
            RunResult.Builder b = new RunResult.Builder();
            b.arm = a.name();
            b.daemon = GuestRun.daemonInfo(a.daemon());
            b.guest = GuestRun.guestInfo(a.device(), image);
            b.accel = spec.guest().accel().name().toLowerCase(Locale.ROOT);
            b.emulated = spec.guest().accel() == Accel.TCG;
            b.host = Environment.host();
            if (spec.fault() != null) b.faultInjected = spec.fault().toString();
            common.add(b);
        }
        Path console = work.resolve("console.log"), results = work.resolve("results.log");
        List<Process> layouts = new ArrayList<>();
        List<DaemonProcess> daemons = new ArrayList<>();
        List<ProxyServer> proxies = new ArrayList<>();
        JobCpu marks = new JobCpu(results, 25_000_000L);
        Watcher watcher = new Watcher(spec.fault(), daemons, spec.arms().stream().map(Arm::name).toList(), marks);
        Qemu.Outcome out;
        Map<String, Double> timings = new LinkedHashMap<>();
        try {
            long t0 = System.nanoTime();
            for (Path d : armDirs) layouts.add(GuestRun.layOut(d.resolve("share").resolve("fusebench.dat"), spec.guest().sizeMiB()));
            String startFailure = startAll(spec, armDirs, daemons, proxies);
            long t1 = System.nanoTime();
            for (Process dd : layouts) {
                String f = GuestRun.awaitLayout(dd);
                if (f != null && startFailure == null) startFailure = "laying out the test file on the host failed: " + f;
            }
            // one device's daemon that cannot start keeps the guest from booting: every arm fails, with the reason
            if (startFailure != null) {
                List<RunResult> failed = new ArrayList<>();
                for (String w : spec.workloads()) for (RunResult.Builder b : common) failed.add(b.failed(w, startFailure));
                return failed;
            }
            long t2 = System.nanoTime();
            for (int i = 0; i < k; i++) common.get(i).daemon = common.get(i).daemon.withCommand(daemons.get(i).command);
            List<String> cmd = Qemu.command(image, spec.guest(), sockets, spec.arms().stream().map(Arm::device).toList(), jobs,
                    spec.workloads(), console, results, spec.pin());
            out = Qemu.run(cmd, console, results, work.resolve("qemu.log"), spec.deadlineSeconds(), watcher);
            timings.put("daemon_start_s", (t1 - t0) / 1e9);
            timings.put("daemon_start_and_host_layout_s", (t2 - t0) / 1e9);
        } finally {
            layouts.forEach(Process::destroyForcibly); // a no-op for those that ended
            closeAll(daemons, proxies);
        }
        List<StatsFile> stats = new ArrayList<>();
        List<List<Observed.Phase>> observed = new ArrayList<>();
        Map<Integer, String> refusals = new HashMap<>();
        for (int i = 0; i < k; i++) {
            RunResult.Builder b = common.get(i);
            stats.add(readStats(armDirs.get(i).resolve("daemon-stats.json")));
            b.daemonStats = stats.get(i) == null ? null : stats.get(i).withoutPhases();
            b.qemu = new RunResult.QemuInfo(Environment.qemuVersion(), out.command(), out.exitCode(), out.wallSeconds());
            b.guestPanic = out.panic();
            Integer exit = daemons.get(i).exitCode();
            if (exit != null) b.daemonExit = Shell.describeExit(exit);
            ProxyServer p = proxies.get(i);
            observed.add(null);
            if (p != null) {
                ProxyServer.Report r = p.report();
                if (spec.observe()) observed.set(i, r.observedPhases());
                b.proxy = new RunResult.ProxyInfo(b.arm, RunResult.InitReply.of(r.daemonReply()), RunResult.InitReply.of(r.givenReply()),
                        r.refusal(), r.steppedOut(), r.error(), spec.observe() ? r.observedSizes() : null,
                        spec.observe() ? r.observedMissed() : null, spec.observe() ? r.observedUnreadable() : null);
                if (r.refusal() != null) refusals.put(i, "the proxy could not give variant " + b.arm + ": " + r.refusal());
            }
        }
        GuestOutput g = GuestOutput.parse(out.results());
        for (int i = 0; i < k; i++) {
            RunResult.Builder b = common.get(i);
            b.guestKernelRelease = g.kernelRelease();
            Integer ra = g.readaheadKb(i);
            if (ra != null) b.guest = b.guest.withReadaheadReadBack(ra);
        }
        String bootCause = GuestRun.cause(out, g, watcher.firstDeath(), spec.deadlineSeconds());
        // a daemon ends by itself once QEMU has gone: a death only fails its arm when the guest did not finish
        Map<Integer, String> armFailure = new HashMap<>(g.done() ? Map.of() : watcher.deaths);
        refusals.forEach(armFailure::putIfAbsent);
        Map<String, Map<String, FioResult>> fio = new HashMap<>();
        Map<String, Double> jobSeconds = new HashMap<>();
        for (String w : spec.workloads()) {
            GuestOutput.Job j = g.jobs().get(w);
            fio.put(w, SliceResults.sections(j == null ? null : j.json()));
            jobSeconds.put(w, j == null ? null : j.seconds());
        }
        timings.put("boot_to_mounted_s", out.hostSecondsToMounted());
        timings.put("guest_uptime_at_mount_s", g.mountedUptime());
        timings.put("qemu_wall_s", out.wallSeconds());
        return SliceResults.assemble(spec.workloads(), spec.slices(), common, SliceResults.timings(spec.workloads(), timings, jobSeconds),
                new SliceResults.Boot() {
                    public FioResult fio(String workload, SliceFile.Slice s) { return fio.get(workload).get(s.section()); }

                    public GuestOutput.SliceTimes times(SliceFile.Slice s) { return g.slices().getOrDefault(s.id(), GuestOutput.SliceTimes.NONE); }

                    public Double steal(SliceFile.Slice s) { return marks.stealOf(s.id()); }

                    public JobRequests requests(int arm, SliceFile.Slice s) { return SliceResults.requests(stats.get(arm), observed.get(arm), s); }

                    public String armFailure(int arm) { return armFailure.get(arm); }

                    public String bootCause() { return bootCause; }

                    public RunResult.HostNoise noise(String workload) { return marks.noiseOf(workload); }

                    public String consoleTail() { return out.consoleTail(); }
                });
    }

    /**
     * Starts every arm's daemon and proxy; the first failure, or null. The daemons start together (a
     * Java daemon warms up for seconds), all forked from this thread, which outlives them.
     */
    private static String startAll(Spec spec, List<Path> armDirs, List<DaemonProcess> daemons, List<ProxyServer> proxies) {
        String failure = null;
        for (int i = 0; i < spec.arms().size(); i++) {
            Arm a = spec.arms().get(i);
            Path dir = armDirs.get(i);
            boolean proxied = a.proxy() != null || spec.observe();
            try {
                daemons.add(DaemonProcess.launch(a.daemon(), dir.resolve("share"), dir.resolve(proxied ? "daemon.sock" : "vfs.sock"), a.variantArg(),
                        dir.resolve("daemon-stats.json"), dir.resolve("daemon.log")));
            } catch (IOException e) {
                daemons.add(null);
                if (failure == null) failure = "the daemon of arm " + a.name() + " did not start: " + e.getMessage();
            }
        }
        for (int i = 0; i < daemons.size(); i++) {
            if (daemons.get(i) == null) continue;
            try {
                daemons.get(i).awaitListening(spec.arms().get(i).daemon().name());
            } catch (IOException e) {
                if (failure == null) failure = "the daemon of arm " + spec.arms().get(i).name() + " did not start: " + e.getMessage();
            }
        }
        for (int i = 0; i < spec.arms().size(); i++) {
            Arm a = spec.arms().get(i);
            proxies.add(null);
            if (failure != null || (a.proxy() == null && !spec.observe())) continue;
            Path dir = armDirs.get(i);
            try {
                proxies.set(i, new ProxyServer(dir.resolve("vfs.sock"), dir.resolve("daemon.sock"), a.proxy() != null ? a.proxy() : Restriction.NONE,
                        spec.observe()));
            } catch (IOException e) {
                failure = "the proxy of arm " + a.name() + " could not listen: " + e.getMessage();
            }
        }
        return failure;
    }

    /** Stops every daemon and proxy, each whatever the others do; the first failure is thrown after. */
    private static void closeAll(List<DaemonProcess> daemons, List<ProxyServer> proxies) throws IOException {
        for (DaemonProcess d : daemons) if (d != null) d.close();
        IOException first = null;
        for (ProxyServer p : proxies) {
            try {
                if (p != null) p.close();
            } catch (IOException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }

    /** A daemon's statistics file, or null when it has none or only part of one (a daemon killed while writing it). */
    static StatsFile readStats(Path file) {
        try {
            return Files.exists(file) ? StatsFile.read(file) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Samples each slice's host noise, injects the fault, and notices a dead daemon: its arm fails in
     * this boot, and the guest is stopped two seconds later (its requests to that device never return).
     * A daemon also ends by itself when QEMU goes, so a death counts only when QEMU still runs a
     * moment after it was seen: a crashed guest is not blamed on an arm.
     */
    private static final class Watcher implements Qemu.Watch {
        private static final long CONFIRM_NANOS = 300_000_000L, STOP_AFTER_NANOS = 2_000_000_000L;
        private final Fault fault;
        private final List<DaemonProcess> daemons;
        private final List<String> arms;
        private final JobCpu marks;
        private boolean injected;
        private final Map<Integer, Long> seenDead = new HashMap<>();
        final Map<Integer, String> deaths = new HashMap<>();
        private long firstDeathAt;
        private String firstDeath;

        Watcher(Fault fault, List<DaemonProcess> daemons, List<String> arms, JobCpu marks) {
            this.fault = fault;
            this.daemons = daemons;
            this.arms = arms;
            this.marks = marks;
        }

        String firstDeath() { return firstDeath; }

        @Override
        public String check(Process qemu, Double sinceFirstJob) {
            if (sinceFirstJob != null) marks.poll(-1, qemu.pid());
            if (fault != null && !injected && sinceFirstJob != null && sinceFirstJob >= fault.afterSeconds()) {
                injected = true;
                switch (fault) {
                    case Fault.KillDaemon k -> daemons.getLast().kill();
                    case Fault.KillQemu k -> qemu.destroyForcibly();
                }
            }
            if (!qemu.isAlive()) return null;
            long now = System.nanoTime();
            for (int i = 0; i < daemons.size(); i++) {
                if (daemons.get(i).alive() || deaths.containsKey(i)) continue;
                long since = seenDead.computeIfAbsent(i, x -> now);
                if (now - since < CONFIRM_NANOS) continue;
                String why = "the daemon of arm " + arms.get(i) + " " + Shell.describeExit(daemons.get(i).exitCode()) + " during the boot";
                deaths.put(i, why);
                if (firstDeath == null) {
                    firstDeath = why;
                    firstDeathAt = now;
                }
            }
            if (firstDeath == null || now - firstDeathAt < STOP_AFTER_NANOS) return null;
            return firstDeath + "; the controller stopped the guest";
        }
    }
}
