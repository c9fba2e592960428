package dev.fusebench.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** Raw FUSE requests captured from a real kernel (host 6.18, protocol 7.45) with the daemon's --capture. */
public final class Fixtures {
    private Fixtures() {}

    public static final List<String> NAMES = List.of("COPY_FILE_RANGE-0", "CREATE-0", "CREATE-1", "FALLOCATE-0",
            "FLUSH-0", "FORGET-0", "FSYNC-0", "FSYNC-1", "GETATTR-0", "GETATTR-2", "GETXATTR-0", "INIT-0", "LINK-0",
            "LISTXATTR-0", "LOOKUP-0", "LOOKUP-1", "LSEEK-0", "LSEEK-1", "MKDIR-0", "MKNOD-0", "OPEN-0", "OPEN-1",
            "OPENDIR-0", "READ-0", "READDIR-0", "READDIRPLUS-0", "READLINK-0", "RELEASE-0", "RELEASEDIR-0",
            "REMOVEXATTR-0", "RENAME-0", "RENAME2-0", "SETATTR-0", "SETATTR-1", "SETATTR-2", "SETXATTR-0",
            "STATFS-0", "SYMLINK-0", "UNLINK-0", "WRITE-0", "WRITE-1");

    public static byte[] load(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/host-6.18/" + name + ".bin")) {
            if (in == null) throw new IllegalArgumentException("no fixture " + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
