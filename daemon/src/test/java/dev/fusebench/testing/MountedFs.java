package dev.fusebench.testing;

import dev.fusebench.devfuse.DevFuseSession;
import dev.fusebench.fuse.FuseServer;
import dev.fusebench.fuse.NegotiationSettings;
import dev.fusebench.passthrough.CachePolicy;
import dev.fusebench.passthrough.PassthroughFs;
import dev.fusebench.stats.DaemonStats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The Java daemon mounted over /dev/fuse in-process: {@code shared} passed through at {@code mount}. */
public final class MountedFs implements AutoCloseable {
    public final Path shared;
    public final Path mount;
    public final DaemonStats stats = new DaemonStats();
    public final PassthroughFs fs;
    public final FuseServer server;
    private final DevFuseSession session;

    public MountedFs(Path base, NegotiationSettings settings, CachePolicy cache) throws IOException {
        this.shared = Files.createDirectories(base.resolve("shared"));
        this.mount = Files.createDirectories(base.resolve("mnt"));
        this.fs = new PassthroughFs(shared, cache);
        this.server = new FuseServer(fs, settings, stats);
        this.session = new DevFuseSession(server, mount, 2, null);
        session.start();
    }

    public MountedFs(Path base, NegotiationSettings settings) throws IOException {
        this(base, settings, CachePolicy.AUTO);
    }

    @Override
    public void close() throws IOException {
        session.close();
        fs.close();
    }

    /** Runs a command, fails with its output unless it exits 0; returns stdout+stderr. */
    public static String sh(Path dir, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", command));
        }
        if (p.exitValue() != 0) throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
        return out;
    }
}
