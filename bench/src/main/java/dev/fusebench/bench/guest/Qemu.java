package dev.fusebench.bench.guest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Boots one guest: vhost-user-fs-pci on the daemon's socket (memfd shared memory), the tools and
 * workloads as read-only 9p shares, console on ttyS0 and results on ttyS1, both to files.
 * Every guest has a deadline; past it QEMU is killed and the run says so.
 */
public final class Qemu {
    public static final String BINARY = "qemu-system-x86_64";
    public static final String TAG = "fbshare";

    /**
     * How it ended. {@code stoppedBecause} is the watcher's reason when the controller stopped the
     * guest; {@code panic} the guest kernel's panic line, when there was one.
     */
    public record Outcome(List<String> command, int exitCode, boolean killedAtDeadline, double wallSeconds,
                          Double hostSecondsToMounted, String results, String consoleTail, String stoppedBecause,
                          String panic) {}

    /** Looks at a running guest every poll; a reason (not null) makes the controller stop it. */
    public interface Watch {
        /** {@code sinceFirstJob}: seconds since the guest reported its first fio job, or null before that. */
        String check(Process qemu, Double sinceFirstJob);
    }

    public static List<String> command(GuestImage image, GuestConfig cfg, Path socket, Path workloads,
                                       List<String> jobs, Path console, Path results) {
        return command(image, cfg, List.of(socket), List.of(cfg), workloads, jobs, console, results, false, false);
    }

    /**
     * An interleaved design's guest: one virtio-fs device per arm's socket, tags {@code fbshare1..N} in
     * socket order, each mounted at its own mount point, the jobs run as slice files. Each device takes
     * its queue size, request queues and readahead from its own entry of {@code devices}; the guest
     * everything else from {@code cfg}.
     */
    public static List<String> command(GuestImage image, GuestConfig cfg, List<Path> sockets, List<GuestConfig> devices, Path workloads,
                                       List<String> jobs, Path console, Path results, boolean pin) {
        return command(image, cfg, sockets, devices, workloads, jobs, console, results, true, pin);
    }

    private static List<String> command(GuestImage image, GuestConfig cfg, List<Path> sockets, List<GuestConfig> devices, Path workloads,
                                        List<String> jobs, Path console, Path results, boolean interleaved, boolean pin) {
        List<String> c = new ArrayList<>(List.of(BINARY, "-nodefaults", "-no-user-config", "-machine", "q35"));
        c.addAll(cfg.accel().qemuArgs());
        c.addAll(List.of("-smp", Integer.toString(cfg.vcpus()), "-m", cfg.memoryMiB() + "M",
                "-object", "memory-backend-memfd,id=mem,size=" + cfg.memoryMiB() + "M,share=on",
                "-numa", "node,memdev=mem"));
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < sockets.size(); i++) {
            String tag = interleaved ? TAG + (i + 1) : TAG;
            tags.add(tag);
            GuestConfig d = devices.get(i);
            c.addAll(List.of("-chardev", "socket,id=vfs" + i + ",path=" + sockets.get(i),
                    "-device", "vhost-user-fs-pci,queue-size=" + d.queueSize() + ",chardev=vfs" + i + ",tag=" + tag
                            + (d.requestQueues() > 1 ? ",num-request-queues=" + d.requestQueues() : "")
                            + (cfg.dmaApi() ? ",iommu_platform=on" : "")));
        }
        c.addAll(List.of(
                "-fsdev", "local,id=tools,path=" + image.tools() + ",security_model=none,readonly=on",
                "-device", "virtio-9p-pci,fsdev=tools,mount_tag=tools",
                "-fsdev", "local,id=jobs,path=" + workloads + ",security_model=none,readonly=on",
                "-device", "virtio-9p-pci,fsdev=jobs,mount_tag=jobs",
                "-kernel", image.kernel().vmlinux().toString(),
                "-initrd", image.initramfs().toString(),
                "-append", interleaved ? cfg.cmdline(jobs, tags, devices.stream().map(GuestConfig::readaheadKb).toList(), pin) : cfg.cmdline(jobs, TAG),
                "-display", "none", "-monitor", "none",
                "-serial", "file:" + console, "-serial", "file:" + results,
                "-no-reboot"));
        return c;
    }

    /** Runs QEMU to its end or its deadline; polls the result port to time boot-to-mounted from the host. */
    public static Outcome run(List<String> command, Path console, Path results, Path log, long deadlineSeconds, Watch watch)
            throws IOException {
        Files.deleteIfExists(console);
        Files.deleteIfExists(results);
        long start = System.nanoTime();
        Process p = new ProcessBuilder(Shell.diesWithUs(command)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Double mountedAt = null;
        Long firstJobAt = null;
        boolean killed = false;
        String stoppedBecause = null;
        try {
            long deadline = start + TimeUnit.SECONDS.toNanos(deadlineSeconds);
            while (!p.waitFor(25, TimeUnit.MILLISECONDS)) {
                if ((mountedAt == null || firstJobAt == null) && Files.exists(results)) {
                    String r = Files.readString(results, StandardCharsets.ISO_8859_1);
                    if (mountedAt == null && r.contains("@@FB MOUNTED")) mountedAt = (System.nanoTime() - start) / 1e9;
                    if (firstJobAt == null && r.contains("@@FB JOB-START")) firstJobAt = System.nanoTime();
                }
                String reason = watch.check(p, firstJobAt == null ? null : (System.nanoTime() - firstJobAt) / 1e9);
                if (reason != null) {
                    stoppedBecause = reason;
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                    break;
                }
                if (System.nanoTime() > deadline) {
                    killed = true;
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                    break;
                }
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the guest ran");
        } finally {
            if (p.isAlive()) p.destroyForcibly();
        }
        double wall = (System.nanoTime() - start) / 1e9;
        String res = Files.exists(results) ? Files.readString(results, StandardCharsets.ISO_8859_1) : "";
        return new Outcome(command, p.isAlive() ? -1 : p.exitValue(), killed, wall, mountedAt, res, tail(console, 40, log),
                stoppedBecause, panicLine(console));
    }

    /** The guest kernel's "Kernel panic - not syncing: ..." line, if the console has one. */
    static String panicLine(Path console) {
        try {
            if (!Files.exists(console)) return null;
            return Files.readString(console, StandardCharsets.ISO_8859_1).replace("\r", "").lines()
                    .filter(l -> l.contains("Kernel panic - not syncing")).map(l -> l.replaceFirst("^\\[[ 0-9.]+\\] ", "").strip())
                    .findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    static String tail(Path console, int lines, Path log) {
        StringBuilder sb = new StringBuilder();
        for (Path f : List.of(console, log)) {
            try {
                if (!Files.exists(f)) continue;
                List<String> all = Files.readString(f, StandardCharsets.ISO_8859_1).replace("\r", "").lines().toList();
                for (String l : all.subList(Math.max(0, all.size() - lines), all.size())) sb.append(l).append('\n');
            } catch (IOException e) {
                // nothing to add
            }
        }
        return sb.toString();
    }

    public static String version() throws IOException {
        return Shell.check(null, 30, BINARY, "--version").lines().findFirst().orElse("?").strip();
    }
}
