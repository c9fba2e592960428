package dev.fusebench.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads /proc files whole. Files.readString trusts the size stat reports, which is 0 there: on a
 * sysctl it returned the first byte only ("2" for 256).
 */
public final class ProcFiles {
    private ProcFiles() {}

    public static String read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
