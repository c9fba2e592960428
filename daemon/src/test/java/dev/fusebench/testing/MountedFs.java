package dev.fusebench.testing;

import dev.fusebench.devfuse.DevFuseSession;
import dev.fusebench.fuse.FuseServer;
import dev.fusebench.fuse.NegotiationSettings;
import dev.fusebench.passthrough.CachePolicy;
import dev.fusebench.passthrough.PassthroughFs;
import dev.fusebench.passthrough.XattrPolicy;
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
        this(base, settings, cache, XattrPolicy.OFF);
    }

    public MountedFs(Path base, NegotiationSettings settings, CachePolicy cache, XattrPolicy xattrs) throws IOException {
        this(base, settings, cache, xattrs, null);
    }

    /** With {@code captureDir} non-null, the first raw requests of each opcode are saved there (--capture). */
    public MountedFs(Path base, NegotiationSettings settings, CachePolicy cache, XattrPolicy xattrs, Path captureDir) throws IOException {
        this.shared = Files.createDirectories(base.resolve("shared"));
        this.mount = Files.createDirectories(base.resolve("mnt"));
        this.fs = new PassthroughFs(shared, cache, xattrs);
        this.server = new FuseServer(fs, settings, stats);
        this.session = new DevFuseSession(server, mount, 2, captureDir);
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

    /** setxattr(2) on a path: 0 or a negative errno. */
    public static int setxattr(Path file, String name, byte[] value) {
        try (java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
            int fd = dev.fusebench.sys.Libc.openat(dev.fusebench.sys.Flags.AT_FDCWD, a.allocateFrom(file.toString()),
                    dev.fusebench.sys.Flags.O_RDONLY | dev.fusebench.sys.Flags.O_CLOEXEC, 0);
            if (fd < 0) return fd;
            try {
                java.lang.foreign.MemorySegment v = a.allocate(Math.max(1, value.length));
                java.lang.foreign.MemorySegment.copy(java.lang.foreign.MemorySegment.ofArray(value), 0, v, 0, value.length);
                return dev.fusebench.sys.Libc.fsetxattr(fd, a.allocateFrom(name), v, value.length, 0);
            } finally {
                dev.fusebench.sys.Libc.close(fd);
            }
        }
    }
}
