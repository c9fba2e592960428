package dev.fusebench.bench.daemons;

import dev.fusebench.bench.guest.Shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * QEMU 7.2's C virtiofsd. cache=none is the fair peer of a direct-to-host path; MALLOC_ARENA_MAX
 * keeps glibc from calls its seccomp filter kills it for.
 */
public record VirtiofsdC() implements VirtioFsDaemon {
    static final Path BINARY = Path.of("/usr/lib/qemu/virtiofsd");

    @Override public String name() { return "virtiofsd-c"; }

    @Override
    public String version() throws IOException {
        return Shell.check(null, 30, BINARY.toString(), "--version").lines().findFirst().orElse("?").strip();
    }

    @Override
    public List<String> command(Path shared, Path socket, String variant, Path statsFile) throws IOException {
        if (!Files.isExecutable(BINARY)) throw new IOException(BINARY + " is missing (package qemu-system-x86)");
        return List.of(BINARY.toString(), "--socket-path=" + socket, "-o", "source=" + shared + ",cache=none");
    }

    @Override public Map<String, String> environment() { return Map.of("MALLOC_ARENA_MAX", "8"); }

    @Override public boolean takesVariants() { return false; }
}
