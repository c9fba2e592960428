package dev.fusebench.sandbox;

import dev.fusebench.sys.Errno;
import dev.fusebench.sys.Flags;
import dev.fusebench.sys.Libc;
import dev.fusebench.sys.LibcProcess;
import dev.fusebench.wire.LibcStructs.FileHandle;
import dev.fusebench.wire.LibcStructs.SockaddrUn;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code daemon --check-sandbox}: from inside the sandbox, as the daemon, each escape the sandbox
 * must stop is tried for real, and said whether it was stopped. Nothing is changed when one is
 * not: files are opened and closed, never written.
 */
public final class EscapeChecks {
    private EscapeChecks() {}

    /** One attempt: {@code held} true when the sandbox stopped it, null when it does not apply here. */
    public record Check(String name, Boolean held, String detail) {
        public String line() {
            return String.format("%-8s %-30s %s", held == null ? "skipped" : held ? "held" : "ESCAPED", name, detail);
        }
    }

    /** Capabilities no passthrough daemon may hold, whatever {@link Sandbox#CAPABILITIES} says. */
    static final Set<String> FORBIDDEN = Set.of("dac_read_search", "sys_admin", "sys_ptrace", "sys_module", "sys_rawio",
            "net_admin", "net_raw", "sys_boot", "bpf", "perfmon", "setpcap", "sys_chroot", "kill", "sys_resource");

    private static final int PR_GET_NO_NEW_PRIVS = 39, PR_GET_SECCOMP = 21, SYS_USERFAULTFD = 323;

    /**
     * Runs every check. {@code share} is the served directory, {@code socket} the daemon's socket,
     * {@code abstractName} an abstract unix socket listening on the host (null: not tried).
     */
    public static List<Check> run(Path share, Path socket, String abstractName) {
        List<Check> out = new ArrayList<>();
        out.add(capabilities());
        out.add(new Check("no_new_privs", LibcProcess.prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1, "prctl(PR_GET_NO_NEW_PRIVS)"));
        out.add(seccomp());
        out.add(openByHandle(share));
        out.add(openForWriting("/proc/sys/kernel/core_pattern"));
        out.add(openForWriting("/proc/sysrq-trigger"));
        out.add(hostTree());
        out.add(abstractSocket(abstractName));
        out.add(socketDirectory(socket));
        return out;
    }

    static Check capabilities() {
        long caps = SandboxStatus.effectiveCapabilities();
        if (caps < 0) return new Check("capabilities", false, "capget failed");
        List<String> names = SandboxStatus.capabilityNames(caps);
        List<String> extra = names.stream().filter(n -> FORBIDDEN.contains(n) || !Sandbox.CAPABILITIES.contains(n)).toList();
        return new Check("capabilities", extra.isEmpty(), extra.isEmpty() ? String.join(",", names) : "holds " + String.join(",", extra));
    }

    static Check seccomp() {
        if (!Seccomp.supported()) return new Check("seccomp", null, "no filter for " + System.getProperty("os.arch"));
        boolean filtered = LibcProcess.prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 2;
        // root may make a userfaultfd; only the filter refuses it
        long fd = Libc.syscall(SYS_USERFAULTFD, Flags.O_CLOEXEC, 0, 0, 0, 0, 0);
        if (fd >= 0) Libc.close((int) fd);
        boolean held = filtered && fd == -Errno.EPERM;
        return new Check("seccomp", held, (filtered ? "filter on" : "no filter") + "; userfaultfd: " + (fd >= 0 ? "opened" : Errno.name((int) -fd)));
    }

    static Check openByHandle(Path share) {
        try (Arena a = Arena.ofConfined()) {
            int dir = Libc.openat(Flags.AT_FDCWD, a.allocateFrom(share.toString()), Flags.O_PATH | Flags.O_DIRECTORY | Flags.O_CLOEXEC, 0);
            if (dir < 0) return new Check("open_by_handle_at", false, "cannot open the share: " + Libc.strerror(dir));
            try {
                MemorySegment handle = a.allocate(FileHandle.LAYOUT.byteSize() + FileHandle.MAX_HANDLE_SZ, 8);
                FileHandle.handleBytes(handle, FileHandle.MAX_HANDLE_SZ);
                int r = Libc.nameToHandleAt(dir, a.allocateFrom(""), handle, a.allocate(8), Flags.AT_EMPTY_PATH);
                if (r < 0) return new Check("open_by_handle_at", true, "no handle to try (name_to_handle_at: " + Errno.name(-r) + ")");
                int fd = Libc.openByHandleAt(dir, handle, Flags.O_RDONLY | Flags.O_CLOEXEC);
                if (fd >= 0) Libc.close(fd);
                return new Check("open_by_handle_at", fd < 0, fd < 0 ? Errno.name(-fd) : "opened a file by handle");
            } finally {
                Libc.close(dir);
            }
        }
    }

    static Check openForWriting(String path) {
        try (Arena a = Arena.ofConfined()) {
            int fd = Libc.openat(Flags.AT_FDCWD, a.allocateFrom(path), Flags.O_WRONLY | Flags.O_CLOEXEC, 0);
            if (fd >= 0) Libc.close(fd); // opened, never written
            return new Check(path, fd < 0, fd < 0 ? Errno.name(-fd) : "opened for writing");
        }
    }

    static Check hostTree() {
        List<String> seen = Stream.of("/etc/passwd", "/etc/shadow", "/root/.bashrc", "/root/.ssh", "/home", "/var", "/sys", "/usr/sbin", "/run")
                .filter(p -> Files.exists(Path.of(p), LinkOption.NOFOLLOW_LINKS)).toList();
        return new Check("host files", seen.isEmpty(), seen.isEmpty() ? "none of /etc, /root's files, /home, /var, /sys, /run" : "sees " + seen);
    }

    static Check abstractSocket(String name) {
        if (name == null) return new Check("host abstract socket", null, "none given to try");
        try (Arena a = Arena.ofConfined()) {
            int fd = Libc.socket(Flags.AF_UNIX, Flags.SOCK_STREAM | Flags.SOCK_CLOEXEC, 0);
            if (fd < 0) return new Check("host abstract socket", true, "socket: " + Errno.name(-fd));
            try {
                MemorySegment addr = a.allocate(SockaddrUn.LAYOUT);
                int len = SockaddrUn.write(addr, Flags.AF_UNIX, name.getBytes(StandardCharsets.UTF_8), true);
                int r = Libc.connect(fd, addr, len);
                return new Check("host abstract socket", r < 0, r < 0 ? Errno.name(-r) : "connected to @" + name);
            } finally {
                Libc.close(fd);
            }
        }
    }

    static Check socketDirectory(Path socket) {
        try (Stream<Path> s = Files.list(socket.toAbsolutePath().getParent())) {
            List<String> others = s.map(p -> p.getFileName().toString()).filter(n -> !n.equals(socket.getFileName().toString())).toList();
            return new Check("socket directory", others.isEmpty(), others.isEmpty() ? "holds the socket alone" : "also holds " + others);
        } catch (IOException e) {
            return new Check("socket directory", false, "cannot list: " + e.getMessage());
        }
    }
}
