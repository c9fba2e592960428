package dev.fusebench.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What confines this process, read back from the kernel (/proc/self) rather than taken from the
 * command line: the results record the sandbox as it was.
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

    public static Map<String, Object> ofThisProcess(Sandbox configured) {
        Map<String, Object> m = new LinkedHashMap<>(configured.describe());
        try {
            Map<String, String> status = status(Path.of("/proc/self/status"));
            m.put("no_new_privs", "1".equals(status.get("NoNewPrivs")));
            m.put("capabilities", capabilityNames(Long.parseUnsignedLong(status.getOrDefault("CapEff", "0"), 16)));
            m.put("pid_in_namespace", ProcessHandle.current().pid());
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                    m.put("rlimit_nofile", Long.parseLong(f[1]));
                }
            }
        } catch (IOException | RuntimeException e) {
            m.put("status_error", e.toString());
        }
        return m;
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
