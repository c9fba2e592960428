package dev.fusebench.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files the daemon writes for its operator (statistics, captured requests): 0644 (directories
 * 0755) whatever the umask of the writing thread (a serving thread's is 0), replaced atomically.
 */
public final class PrivateFiles {
    private PrivateFiles() {}

    public static final String MODE = "rw-r--r--";

    public static void write(Path file, byte[] bytes) throws IOException { write(file, bytes, MODE); }

    /** The same, readable by root alone (0600): captured requests hold every user's WRITE payloads. */
    public static void writeOwnerOnly(Path file, byte[] bytes) throws IOException { write(file, bytes, "rw-------"); }

    private static void write(Path file, byte[] bytes, String mode) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        // createFile's mode is masked by the umask; chmod is not, so the mode is exactly the one asked
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(mode));
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
