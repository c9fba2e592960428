package dev.fusebench.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Reads /proc files whole, and finds this process's descriptor directory. Files.readString trusts the size stat reports, which is 0 there: on a
 * sysctl it returned the first byte only ("2" for 256).
 */
public final class ProcFiles {
    private ProcFiles() {}

    private static final Path SELF_FD = Path.of("/proc/self/fd"), PROC = Path.of("/proc");

    /**
     * This process's descriptor directory: /proc/self/fd, or in the sandbox /proc itself (enter.sh
     * binds our /proc/1/fd there, as virtiofsd does). A whole procfs at /proc would name processes,
     * not descriptors: that is refused.
     */
    public static Path descriptors() throws IOException {
        if (Files.isDirectory(SELF_FD)) return SELF_FD;
        if (Files.isDirectory(PROC) && !Files.exists(PROC.resolve("self"), LinkOption.NOFOLLOW_LINKS)) return PROC;
        throw new IOException("no descriptor directory: neither /proc/self/fd nor the sandbox's /proc");
    }

    public static String read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
