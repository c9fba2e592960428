package dev.fusebench.sandbox;

import dev.fusebench.files.Trees;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The one host directory the sandboxed daemon may write outside its share: {@code .NAME.sandbox}
 * beside its socket (root's, 0711), holding the socket and, once the daemon ends, its stats. The
 * socket's own path is a symlink to the socket in there, and the stats are moved to their path by
 * whoever started the daemon, after it ended ({@link #finish}). So the daemon sees nothing of the
 * directory its socket was asked for (a /run, a /tmp, a run's results), and cannot forge what is
 * written there; virtiofsd reaches the same by creating its listener before it enters its sandbox,
 * which a JVM started inside cannot do.
 *
 * @param dir        the exchange directory, bound read-write in the sandbox
 * @param socket     the socket inside it, where the daemon listens
 * @param hostSocket the socket's path as asked for: a symlink to {@code socket}
 * @param stats      where the daemon writes its stats, or null
 * @param hostStats  where they go when it has ended, or null
 */
public record SandboxExchange(Path dir, Path socket, Path hostSocket, Path stats, Path hostStats) {
    static final String STATS = "stats.json";

    /** The exchange for a daemon asked to listen on {@code socket} and write {@code statsFile} (or null). */
    public static SandboxExchange of(Path socket, Path statsFile) {
        Path host = socket.toAbsolutePath().normalize();
        Path dir = host.resolveSibling("." + host.getFileName() + ".sandbox");
        return new SandboxExchange(dir, dir.resolve(host.getFileName()), host, statsFile == null ? null : dir.resolve(STATS),
                statsFile == null ? null : statsFile.toAbsolutePath().normalize());
    }

    /** Makes the directory (emptied if a crashed run left it) and the socket's symlink. */
    SandboxExchange prepare() throws IOException {
        if (Files.isSymbolicLink(dir) || (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)))
            throw new IOException(dir + " exists and is not the sandbox's directory");
        Trees.delete(dir); // what a crashed run left
        Files.createDirectory(dir);
        // the socket's directory may be anyone's to read (QEMU runs as another user): search, never list
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        if (Files.exists(hostSocket, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isSymbolicLink(hostSocket) && (Files.isRegularFile(hostSocket, LinkOption.NOFOLLOW_LINKS)
                    || Files.isDirectory(hostSocket, LinkOption.NOFOLLOW_LINKS)))
                throw new IOException(hostSocket + " exists and is not a socket");
            Files.delete(hostSocket);
        }
        Files.createSymbolicLink(hostSocket, hostSocket.getParent().relativize(socket));
        return this;
    }

    /**
     * After the daemon ended: its stats to their path (only a regular file: a symlink it left
     * there is not followed), the symlink and the directory removed.
     */
    public void finish() throws IOException {
        IOException failed = null;
        if (hostStats != null && Files.isRegularFile(stats, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectories(hostStats.getParent());
                Files.move(stats, hostStats, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                failed = e;
            }
        }
        if (Files.isSymbolicLink(hostSocket) && Files.readSymbolicLink(hostSocket).equals(hostSocket.getParent().relativize(socket)))
            Files.delete(hostSocket);
        Trees.delete(dir); // and whatever the daemon left there, never following a link
        if (failed != null) throw failed;
    }
}
