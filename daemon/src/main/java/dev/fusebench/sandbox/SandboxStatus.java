package dev.fusebench.sandbox;

import dev.fusebench.sys.Libc;
import dev.fusebench.sys.LibcProcess;
import dev.fusebench.wire.LibcStructs.Capabilities;
import dev.fusebench.wire.LibcStructs.Rlimit;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What confines this process, read back from the kernel rather than taken from the command line:
 * the results record the sandbox as it was.
 */
public final class SandboxStatus {
    private SandboxStatus() {}

    /** Capability numbers to names, for the ones a daemon may hold (capability.h). */
    private static final String[] CAP_NAMES = {"chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill",
            "setgid", "setuid", "setpcap", "linux_immutable", "net_bind_service", "net_broadcast", "net_admin", "net_raw",
            "ipc_lock", "ipc_owner", "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct", "sys_admin",
            "sys_boot", "sys_nice", "sys_resource", "sys_time", "sys_tty_config", "mknod", "lease", "audit_write",
            "audit_control", "setfcap", "mac_override", "mac_admin", "syslog", "wake_alarm", "block_suspend", "audit_read",
            "perfmon", "bpf", "checkpoint_restore"};

    public static SandboxFacts ofThisProcess(Sandbox configured) { return ofThisProcess(configured, null); }

    /**
     * The sandbox as the kernel reports it, from system calls (inside, /proc holds only the daemon's
     * descriptors): no_new_privs, seccomp mode, the effective capabilities, the open-file limit, and
     * the pid in the namespace. {@code seccompFailure} is why no filter was installed, if not.
     */
    public static SandboxFacts ofThisProcess(Sandbox configured, String seccompFailure) {
        long caps = effectiveCapabilities();
        Long nofile = null;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment r = a.allocate(Rlimit.LAYOUT);
            if (LibcProcess.getrlimit(RLIMIT_NOFILE, r) == 0) nofile = Rlimit.cur(r);
        }
        return configured.describe().readBack(caps >= 0 ? capabilityNames(caps) : null,
                LibcProcess.prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1,
                LibcProcess.prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == SECCOMP_MODE_FILTER ? "filter" : "none",
                seccompFailure, ProcessHandle.current().pid(), nofile);
    }

    private static final int PR_GET_SECCOMP = 21, PR_GET_NO_NEW_PRIVS = 39, SECCOMP_MODE_FILTER = 2, RLIMIT_NOFILE = 7;

    /** This thread's effective capability set, or -1 when capget fails. */
    public static long effectiveCapabilities() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment h = a.allocate(Capabilities.HEADER), d = a.allocate(Capabilities.DATA, 2);
            Capabilities.header(h);
            return LibcProcess.capget(h, d) < 0 ? -1 : Capabilities.effective(d);
        }
    }

    public static Map<String, String> status(Path file) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            int colon = line.indexOf(':');
            if (colon > 0) m.put(line.substring(0, colon), line.substring(colon + 1).trim());
        }
        return m;
    }

    public static List<String> capabilityNames(long mask) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            if ((mask & (1L << i)) == 0) continue;
            out.add(i < CAP_NAMES.length ? CAP_NAMES[i] : "cap_" + i);
        }
        return out;
    }
}
