package dev.fusebench.bench.matrix;

import dev.fusebench.files.Trees;
import dev.fusebench.bench.results.RunResult;
import dev.fusebench.bench.guest.Shell;
import dev.fusebench.devfuse.MountTable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Each guest boot works in {@code DIR/work/N} (share, socket, console), inside the results
 * directory (or a short path under /tmp named after it) so a killed controller's leftovers are found and cleared on resume; the logs of a boot
 * that failed are kept in {@code DIR/logs/UNIT/} and named in its results.
 */
final class WorkDirs {
    static final List<String> LOGS = List.of("console.log", "results.log", "daemon.log", "qemu.log", "daemon-stats.json");

    private WorkDirs() {}

    static Path create(Path dir) throws IOException {
        Path work = Files.createDirectories(base(dir));
        for (int n = 1; ; n++) {
            Path p = work.resolve(Integer.toString(n));
            if (!Files.exists(p)) return Files.createDirectory(p);
        }
    }

    /** DIR/work, or a short directory under /tmp when a socket path there would pass sun_path's 108 bytes. */
    static Path base(Path dir) {
        Path inside = dir.toAbsolutePath().normalize().resolve("work");
        if (inside.toString().length() + "/999/vfs.sock".length() < 100) return inside;
        String id = Integer.toHexString(inside.toString().hashCode());
        return Path.of(System.getProperty("java.io.tmpdir"), "fusebench-work-" + id);
    }

    static void remove(Path work) throws IOException {
        unmountAll(work);
        Trees.delete(work);
    }

    /** Unmounts whatever a killed run left mounted under DIR/work (a tmpfs share, a FUSE mount), then removes it. */
    static void clear(Path dir) throws IOException {
        Path work = base(dir);
        if (!Files.exists(work)) return;
        System.err.println("fusebench matrix: clearing what the interrupted run left in " + work);
        remove(work);
    }

    private static void unmountAll(Path under) throws IOException {
        for (Path mp : MountTable.under(under)) Shell.run(null, List.of("umount", "-l", mp.toString()), 30);
    }

    /** Copies the boot's logs aside when any of its results failed, and says where in each failed result. */
    static List<RunResult> keepLogsOfFailures(Path dir, PlannedBoot u, Path work, List<RunResult> results) throws IOException {
        if (results.stream().allMatch(RunResult::ok)) return results;
        Path logs = Files.createDirectories(dir.resolve("logs").resolve(u.id().replaceAll("[^A-Za-z0-9._=-]", "_")));
        for (String name : LOGS) {
            Path f = work.resolve(name);
            if (Files.exists(f)) Files.copy(f, logs.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            // an interleaved boot's arms each have their own daemon: arm1/daemon.log -> arm1-daemon.log
            for (int i = 1; Files.isDirectory(work.resolve("arm" + i)); i++) {
                Path a = work.resolve("arm" + i).resolve(name);
                if (Files.exists(a)) Files.copy(a, logs.resolve("arm" + i + "-" + name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        String rel = dir.relativize(logs).toString();
        return results.stream().map(r -> r.ok() ? r : r.withLogs(rel)).toList();
    }
}
