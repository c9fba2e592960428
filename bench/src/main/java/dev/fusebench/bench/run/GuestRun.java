package dev.fusebench.bench.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fusebench.bench.daemons.DaemonProcess;
import dev.fusebench.bench.daemons.VirtioFsDaemon;
import dev.fusebench.bench.guest.GuestConfig;
import dev.fusebench.bench.guest.GuestImage;
import dev.fusebench.bench.guest.GuestOutput;
import dev.fusebench.bench.guest.Qemu;
import dev.fusebench.bench.workload.FioResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One guest boot: a daemon serving a fresh shared directory, QEMU running the given workloads in
 * a row, and one result per workload. Failures (daemon that will not start, guest killed at its
 * deadline, fio error, share that will not mount) are results too, with the reason and the console tail.
 */
public final class GuestRun {
    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public record Spec(VirtioFsDaemon daemon, String variant, GuestConfig guest, List<String> workloads,
                       Path workloadsDir, long deadlineSeconds) {}

    public static long defaultDeadline(GuestConfig g, int jobs) {
        // boot + layout + each job with room for end_fsync; emulation is slow, so be generous
        return 90 + jobs * (g.runtimeSeconds() + 90L);
    }

    /** Runs the boot; returns one result map per workload, in order. Never leaves a process behind. */
    public static List<Map<String, Object>> run(Spec spec, GuestImage image, Path workDir) throws IOException {
        Files.createDirectories(workDir);
        Path shared = Files.createDirectories(workDir.resolve("share"));
        Path socket = workDir.resolve("vfs.sock");
        Path stats = workDir.resolve("daemon-stats.json");
        Path console = workDir.resolve("console.log");
        Path results = workDir.resolve("results.log");
        Map<String, Object> common = new LinkedHashMap<>();
        common.put("variant", spec.variant());
        common.put("daemon", daemonInfo(spec));
        common.put("guest", guestInfo(spec.guest(), image));
        common.put("accel", spec.guest().accel().name().toLowerCase(java.util.Locale.ROOT));
        common.put("emulated", spec.guest().accel() == dev.fusebench.bench.guest.Accel.TCG);
        common.put("host", Environment.host());

        DaemonProcess daemon;
        try {
            daemon = DaemonProcess.start(spec.daemon(), shared, socket, spec.variant(), stats, workDir.resolve("daemon.log"));
        } catch (IOException e) {
            return failAll(spec, common, "daemon did not start: " + e.getMessage());
        }
        Qemu.Outcome out;
        String hostSha = null;
        try {
            ((Map<String, Object>) common.get("daemon")).put("command", daemon.command);
            List<String> cmd = Qemu.command(image, spec.guest(), socket, spec.workloadsDir(), spec.workloads(), console, results);
            out = Qemu.run(cmd, console, results, workDir.resolve("qemu.log"), spec.deadlineSeconds());
            if (spec.guest().checksum() && Files.exists(shared.resolve("fusebench.dat"))) hostSha = sha256(shared.resolve("fusebench.dat"));
        } finally {
            daemon.close();
        }
        Map<String, Object> qemu = new LinkedHashMap<>();
        qemu.put("version", Environment.qemuVersion());
        qemu.put("command", out.command());
        qemu.put("exit_code", out.exitCode());
        qemu.put("wall_s", out.wallSeconds());
        common.put("qemu", qemu);
        if (Files.exists(stats)) common.put("daemon_stats", JSON.readTree(stats.toFile()));
        GuestOutput g = GuestOutput.parse(out.results());
        Map<String, Object> timings = new LinkedHashMap<>();
        timings.put("boot_to_mounted_s", out.hostSecondsToMounted());
        timings.put("guest_uptime_at_mount_s", g.mountedUptime());
        timings.put("layout_s", g.layoutSeconds());
        common.put("guest_kernel_release", g.kernelRelease());
        String integrityFailure = null;
        if (spec.guest().checksum()) {
            Map<String, Object> integrity = new LinkedHashMap<>();
            integrity.put("guest_sha256", g.sha256());
            integrity.put("host_sha256", hostSha);
            boolean match = g.sha256() != null && g.sha256().equals(hostSha);
            integrity.put("match", match);
            common.put("integrity", integrity);
            if (!match && g.done()) integrityFailure = "the test file differs: guest SHA-256 " + g.sha256() + ", host " + hostSha;
        }

        List<Map<String, Object>> list = new ArrayList<>();
        for (String w : spec.workloads()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("workload", w);
            r.putAll(common);
            Map<String, Object> t = new LinkedHashMap<>(timings);
            GuestOutput.Job job = g.jobs().get(w);
            t.put("job_s", job == null ? null : job.seconds());
            r.put("timings", t);
            String failure = failure(out, g, job, spec);
            if (failure == null) failure = integrityFailure;
            if (failure == null) {
                try {
                    FioResult fio = FioResult.parse(job.json());
                    r.put("fio", fio);
                    if (!fio.ok()) failure = "fio reported error " + fio.error() + (job.log() == null ? "" : ": " + job.log());
                } catch (IOException e) {
                    failure = "unreadable fio output: " + e.getMessage();
                }
            }
            r.put("status", failure == null ? "ok" : "failed");
            if (failure != null) {
                r.put("failure", failure);
                r.put("console_tail", out.consoleTail());
            }
            list.add(r);
        }
        return list;
    }

    static String sha256(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            var md = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String failure(Qemu.Outcome out, GuestOutput g, GuestOutput.Job job, Spec spec) {
        if (!g.fatal().isEmpty()) return "guest: " + String.join("; ", g.fatal());
        if (job != null && job.exitCode() != null && job.exitCode() != 0)
            return "fio exited " + job.exitCode() + (job.log() == null ? "" : ": " + job.log());
        if (job != null && job.json() != null && job.exitCode() != null) return null;
        if (out.killedAtDeadline()) return "guest killed at its deadline of " + spec.deadlineSeconds() + " s"
                + (job != null ? " while running " + job.name() : g.mountedUptime() == null ? " before the share was mounted" : "");
        if (g.bootedUptime() == null) return "guest never reached /init (QEMU exit " + out.exitCode() + ")";
        if (job == null) return "guest ended (QEMU exit " + out.exitCode() + ") before the job started";
        return "guest ended (QEMU exit " + out.exitCode() + ") during the job";
    }

    private static List<Map<String, Object>> failAll(Spec spec, Map<String, Object> common, String why) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (String w : spec.workloads()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("workload", w);
            r.putAll(common);
            r.put("status", "failed");
            r.put("failure", why);
            list.add(r);
        }
        return list;
    }

    private static Map<String, Object> daemonInfo(Spec spec) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", spec.daemon().name());
        try {
            d.put("version", spec.daemon().version());
        } catch (IOException e) {
            d.put("version", "unknown: " + e.getMessage());
        }
        d.put("negotiation_follows_variant", spec.daemon().takesVariants());
        return d;
    }

    private static Map<String, Object> guestInfo(GuestConfig g, GuestImage image) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kernel_series", g.kernelSeries());
        m.put("kernel_package", image.kernel().packageName());
        m.put("kernel_version", image.kernel().version());
        m.put("vcpus", g.vcpus());
        m.put("memory_mib", g.memoryMiB());
        m.put("queue_size", g.queueSize());
        m.put("kernel_args", g.kernelArgs() == null ? "" : g.kernelArgs());
        m.put("file_size", g.sizeMiB());
        m.put("runtime_s", g.runtimeSeconds());
        m.put("image", image.dir().getFileName().toString());
        return m;
    }
}
