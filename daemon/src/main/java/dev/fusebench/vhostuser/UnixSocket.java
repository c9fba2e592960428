package dev.fusebench.vhostuser;

import dev.fusebench.files.ProcFiles;
import dev.fusebench.sys.Errno;
import dev.fusebench.sys.Flags;
import dev.fusebench.sys.Libc;
import dev.fusebench.wire.LibcStructs.SockaddrUn;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.locks.LockSupport;

/** Unix stream sockets for vhost-user: the daemon's, created in place atomically and only as open as it must be, and a frontend's connection. */
public final class UnixSocket {
    private UnixSocket() {}

    /**
     * Connects to {@code path}; a daemon may create its socket file a moment before it listens, so
     * refusals and a missing file are retried until {@code timeoutNanos} has passed. Returns the fd.
     */
    public static int connect(Path path, long timeoutNanos) throws IOException {
        byte[] p = path.toString().getBytes();
        if (p.length >= 108) throw new IOException("socket path too long: " + path);
        int sock = Libc.socket(Flags.AF_UNIX, Flags.SOCK_STREAM | Flags.SOCK_CLOEXEC, 0);
        if (sock < 0) throw new IOException("socket: " + Libc.strerror(sock));
        int r;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment addr = a.allocate(SockaddrUn.LAYOUT);
            int len = SockaddrUn.write(addr, Flags.AF_UNIX, p, false);
            long deadline = System.nanoTime() + timeoutNanos;
            while ((r = Libc.connect(sock, addr, len)) < 0 && System.nanoTime() < deadline
                    && (r == -Errno.ECONNREFUSED || r == -Errno.ENOENT)) {
                LockSupport.parkNanos(20_000_000L);
            }
        }
        if (r < 0) { Libc.close(sock); throw new IOException("connect " + path + ": " + Libc.strerror(r)); }
        return sock;
    }

    /**
     * Creates the listening socket at {@code path} (replacing a stale one); returns its fd. The
     * socket is bound, restricted and listening in a private directory of its own (0700) first and
     * then renamed into place, so no one can swap the name for a symlink before its mode is set, and
     * a frontend that connects as soon as the path appears is never refused. Whoever can connect
     * gets a root file server over the share: the socket is 0600, or 0660 owned by {@code group}
     * when one is given, set before it listens (connecting needs write permission on it).
     */
    public static int listen(Path path, String group) throws IOException {
        Path dir = Files.createTempDirectory(path.toAbsolutePath().getParent(), ".sock-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path tmp = dir.resolve("s");
        int fd = -1, dirFd = -1;
        try (Arena a = Arena.ofConfined()) {
            dirFd = Libc.openat(Flags.AT_FDCWD, a.allocateFrom(dir.toString()), Flags.O_PATH | Flags.O_DIRECTORY | Flags.O_CLOEXEC, 0);
            if (dirFd < 0) throw new IOException("open " + dir + ": " + Libc.strerror(dirFd));
            // bound through the directory's descriptor: a sun_path holds 107 bytes, a deep directory may not fit
            String bindPath = ProcFiles.descriptors() + "/" + dirFd + "/s";
            if (bindPath.length() >= 108) throw new IOException("socket path too long: " + bindPath);
            fd = Libc.socket(Flags.AF_UNIX, Flags.SOCK_STREAM | Flags.SOCK_CLOEXEC, 0);
            if (fd < 0) throw new IOException("socket: " + Libc.strerror(fd));
            MemorySegment addr = a.allocate(SockaddrUn.LAYOUT);
            int r = Libc.bind(fd, addr, SockaddrUn.write(addr, Flags.AF_UNIX, bindPath.getBytes(), false));
            if (r < 0) throw new IOException("bind " + tmp + ": " + Libc.strerror(r));
            restrict(tmp, group);
            r = Libc.listen(fd, 1);
            if (r < 0) throw new IOException("listen: " + Libc.strerror(r));
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (fd >= 0) Libc.close(fd);
            Files.deleteIfExists(tmp);
            throw e;
        } finally {
            if (dirFd >= 0) Libc.close(dirFd);
            Files.deleteIfExists(dir);
        }
        return fd;
    }

    /**
     * chmod/chown by path: opening a socket file (as Java's attribute views do) fails with ENXIO.
     * The path is in a directory only we can write, so nothing can have replaced it.
     */
    private static void restrict(Path socket, String group) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment name = a.allocateFrom(socket.toString());
            if (group != null) {
                int r = Libc.fchownat(Flags.AT_FDCWD, name, -1, groupId(group), Flags.AT_SYMLINK_NOFOLLOW);
                if (r < 0) throw new IOException("chown of " + socket + ": " + Libc.strerror(r));
            }
            int r = Libc.fchmodat(Flags.AT_FDCWD, name, group != null ? 0660 : 0600, 0);
            if (r < 0) throw new IOException("chmod of " + socket + ": " + Libc.strerror(r));
        }
    }

    /** A group's id, by name (from /etc/group) or as a number. */
    static int groupId(String group) throws IOException {
        if (group.matches("[0-9]+")) return Integer.parseInt(group);
        for (String line : Files.readAllLines(Path.of("/etc/group"))) {
            String[] f = line.split(":", -1);
            if (f.length >= 3 && f[0].equals(group)) return Integer.parseInt(f[2]);
        }
        throw new IOException("no group named '" + group + "' (--socket-group)");
    }

}
