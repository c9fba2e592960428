package dev.fusebench.bench.run;

import dev.fusebench.bench.daemons.JavaDaemon;
import dev.fusebench.bench.guest.Shell;
import dev.fusebench.bench.workload.FioResult;
import dev.fusebench.devfuse.MountTable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

    public record Spec(String variantSpec, String variantName, List<String> workloads, Path workloadsDir,
                       int sizeMiB, int runtimeSeconds) {}

    public static List<Map<String, Object>> run(Spec spec, Path work) throws IOException {
        Path shared = Files.createDirectories(work.resolve("share"));
        Path mnt = Files.createDirectories(work.resolve("mnt"));
        Path stats = work.resolve("daemon-stats.json");
        List<String> cmd = new ArrayList<>(new JavaDaemon("never", dev.fusebench.sandbox.Sandbox.NONE).command(shared, work.resolve("unused.sock"), spec.variantSpec(), stats));
        int at = cmd.indexOf("--socket-path");
        cmd.set(at, "--mount");
        cmd.set(at + 1, mnt.toString());
        Map<String, Object> common = new LinkedHashMap<>();
        common.put("variant", spec.variantName());
        Map<String, Object> daemon = new LinkedHashMap<>();
        daemon.put("name", "java");
        daemon.put("version", new JavaDaemon().version());
        daemon.put("negotiation_follows_variant", true);
        daemon.put("command", cmd);
        common.put("daemon", daemon);
        common.put("transport", "host-fuse");
        common.put("accel", "native");
        common.put("emulated", false);
        common.put("host", Environment.host());
        common.put("guest_kernel_release", System.getProperty("os.version"));

        Process d = new ProcessBuilder(Shell.diesWithUs(cmd)).redirectErrorStream(true).redirectOutput(work.resolve("daemon.log").toFile()).start();
        List<Map<String, Object>> out = new ArrayList<>();
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
            for (String w : spec.workloads()) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("workload", w);
                r.putAll(common);
                String failure = setupFailure;
                if (failure == null) {
                    Path json = work.resolve(w + ".json");
                    ProcessBuilder fio = new ProcessBuilder(Shell.diesWithUs(List.of("fio", "--output-format=json", "--output=" + json,
                            spec.workloadsDir().resolve(w + ".fio").toString())))
                            .redirectErrorStream(true).redirectOutput(work.resolve(w + ".log").toFile());
                    fio.environment().put("FB_DIR", mnt.toString());
                    fio.environment().put("FB_SIZE", spec.sizeMiB() + "M");
                    fio.environment().put("FB_RUNTIME", Integer.toString(spec.runtimeSeconds()));
                    long t0 = System.nanoTime();
                    HostNoise noise = HostNoise.start();
                    Process p = fio.start();
                    if (!p.waitFor(spec.runtimeSeconds() + 300L, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                        failure = "fio did not finish within its deadline";
                    } else {
                        r.put("timings", Map.of("job_s", (System.nanoTime() - t0) / 1e9));
                        r.put("host_noise", noise.end());
                        try {
                            FioResult f = FioResult.parse(Files.readString(json));
                            r.put("fio", f);
                            if (p.exitValue() != 0 || !f.ok()) failure = "fio exited " + p.exitValue() + ", error " + f.error() + ": " + tail(work.resolve(w + ".log"));
                        } catch (IOException e) {
                            failure = "fio exited " + p.exitValue() + " without results: " + tail(work.resolve(w + ".log"));
                        }
                    }
                }
                r.put("status", failure == null ? "ok" : "failed");
                if (failure != null) r.put("failure", failure);
                out.add(r);
            }
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
        if (Files.exists(stats)) {
            var tree = GuestRun.JSON.readTree(stats.toFile());
            for (Map<String, Object> r : out) r.put("daemon_stats", tree);
        }
        return out;
    }

    private static void sleep(long ms) throws InterruptedException { Thread.sleep(ms); }

    private static String tail(Path log) {
        try {
            List<String> l = Files.readAllLines(log);
            return String.join(" ", l.subList(Math.max(0, l.size() - 3), l.size()));
        } catch (IOException e) {
            return "";
        }
    }
}
