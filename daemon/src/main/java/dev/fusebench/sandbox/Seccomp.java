package dev.fusebench.sandbox;

import dev.fusebench.sys.Libc;
import dev.fusebench.wire.LibcStructs.SockFilter;
import dev.fusebench.wire.LibcStructs.SockFprog;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sandboxed daemon's seccomp filter: a deny-list of the system calls a compromised daemon
 * could use to leave its sandbox or reach the host kernel's riskier parts, installed on every
 * thread (TSYNC). virtiofsd uses an allow-list; a JVM's calls are many and change from release to
 * release, so an allow-list here would break the daemon on the next JDK (the README says what is
 * left reachable). Namespace flags are refused on clone and unshare (a serving thread's
 * unshare(CLONE_FS) stays), and clone3, whose flags a filter cannot read, answers ENOSYS so glibc
 * falls back to clone, as container runtimes do. x86_64 only; elsewhere nothing is installed and
 * the stats say so.
 */
public final class Seccomp {
    private Seccomp() {}

    private static final int AUDIT_ARCH_X86_64 = 0xC000003E;
    private static final int SECCOMP_SET_MODE_FILTER = 1, SECCOMP_FILTER_FLAG_TSYNC = 1, SYS_SECCOMP = 317;
    private static final int RET_KILL_PROCESS = 0x80000000, RET_ALLOW = 0x7fff0000, RET_ERRNO = 0x00050000;
    private static final int EPERM = 1, ENOSYS = 38;
    private static final int LD_W_ABS = 0x20, JEQ_K = 0x15, JGE_K = 0x35, JSET_K = 0x45, RET_K = 0x06;
    /** seccomp_data: nr at 0, arch at 4, args[0] at 16 (its low word, little-endian). */
    private static final int NR = 0, ARCH = 4, ARG0_LOW = 16;
    /** CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET (and NEWTIME's 0x80). */
    static final int NAMESPACE_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000 | 0x80;
    private static final int SYS_CLONE = 56, SYS_UNSHARE = 272, SYS_CLONE3 = 435;

    /** Denied outright (EPERM), by name, with their x86_64 numbers. */
    public static final Map<String, Integer> DENIED = denied();

    private static Map<String, Integer> denied() {
        Map<String, Integer> m = new LinkedHashMap<>();
        // other processes, the kernel's debugging and tracing
        m.put("ptrace", 101); m.put("process_vm_readv", 310); m.put("process_vm_writev", 311); m.put("pidfd_getfd", 438);
        m.put("process_madvise", 440); m.put("kcmp", 312); m.put("perf_event_open", 298); m.put("bpf", 321);
        m.put("userfaultfd", 323); m.put("syslog", 103); m.put("lookup_dcookie", 212);
        // keys, modules, kexec, reboot, swap, accounting, clocks, quotas, raw ports
        m.put("keyctl", 250); m.put("add_key", 248); m.put("request_key", 249);
        m.put("init_module", 175); m.put("finit_module", 313); m.put("delete_module", 176);
        m.put("kexec_load", 246); m.put("kexec_file_load", 320); m.put("reboot", 169);
        m.put("swapon", 167); m.put("swapoff", 168); m.put("acct", 163); m.put("settimeofday", 164);
        m.put("clock_settime", 227); m.put("clock_adjtime", 305); m.put("adjtimex", 159); m.put("quotactl", 179);
        m.put("iopl", 172); m.put("ioperm", 173); m.put("uselib", 134); m.put("vhangup", 153);
        // mounts and namespaces: the sandbox's own walls
        m.put("mount", 165); m.put("umount2", 166); m.put("pivot_root", 155); m.put("chroot", 161);
        m.put("open_tree", 428); m.put("move_mount", 429); m.put("fsopen", 430); m.put("fsconfig", 431);
        m.put("fsmount", 432); m.put("fspick", 433); m.put("mount_setattr", 442); m.put("setns", 308);
        // any host file by handle; io_uring (not used over vhost-user, a large attack surface)
        m.put("open_by_handle_at", 304); m.put("io_uring_setup", 425); m.put("io_uring_enter", 426); m.put("io_uring_register", 427);
        return m;
    }

    /** Whether this machine's architecture has a filter here. */
    public static boolean supported() {
        String arch = System.getProperty("os.arch");
        return arch.equals("amd64") || arch.equals("x86_64");
    }

    /** Installs the filter on every thread of the process; null on success, else why not. */
    public static String install() {
        if (!supported()) return "no seccomp filter for " + System.getProperty("os.arch");
        int[][] program = program();
        MemorySegment filter = Arena.global().allocate((long) SockFilter.SIZE * program.length, 8);
        for (int i = 0; i < program.length; i++) SockFilter.write(filter, i, program[i][0], program[i][1], program[i][2], program[i][3]);
        MemorySegment fprog = Arena.global().allocate(SockFprog.LAYOUT);
        SockFprog.write(fprog, program.length, filter);
        long r = Libc.syscall(SYS_SECCOMP, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, fprog.address(), 0, 0, 0);
        if (r < 0) return "seccomp: " + Libc.strerror((int) r);
        if (r > 0) return "seccomp: thread " + r + " could not be synchronised";
        return null;
    }

    /** The filter as {code, jt, jf, k} instructions. */
    static int[][] program() {
        List<Integer> denied = List.copyOf(DENIED.values());
        int checks = denied.size() + 3; // + clone, unshare, clone3
        int first = 5;
        // classic BPF jumps only forward: the flag test sits between the checks and the returns it reaches
        int allow = first + checks, flags = allow + 1, deny = flags + 3, enosys = deny + 1;
        int[][] p = new int[enosys + 1][];
        p[0] = new int[]{LD_W_ABS, 0, 0, ARCH};
        p[1] = new int[]{JEQ_K, 1, 0, AUDIT_ARCH_X86_64};
        p[2] = new int[]{RET_K, 0, 0, RET_KILL_PROCESS};
        p[3] = new int[]{LD_W_ABS, 0, 0, NR};
        p[4] = new int[]{JGE_K, deny - 5, 0, 0x40000000}; // the x32 ABI's numbers
        int i = first;
        for (int nr : denied) { p[i] = new int[]{JEQ_K, deny - i - 1, 0, nr}; i++; }
        p[i] = new int[]{JEQ_K, flags - i - 1, 0, SYS_CLONE}; i++;
        p[i] = new int[]{JEQ_K, flags - i - 1, 0, SYS_UNSHARE}; i++;
        p[i] = new int[]{JEQ_K, enosys - i - 1, 0, SYS_CLONE3}; i++;
        p[allow] = new int[]{RET_K, 0, 0, RET_ALLOW};
        p[deny] = new int[]{RET_K, 0, 0, RET_ERRNO | EPERM};
        p[enosys] = new int[]{RET_K, 0, 0, RET_ERRNO | ENOSYS};
        p[flags] = new int[]{LD_W_ABS, 0, 0, ARG0_LOW};
        p[flags + 1] = new int[]{JSET_K, deny - flags - 2, 0, NAMESPACE_FLAGS};
        p[flags + 2] = new int[]{RET_K, 0, 0, RET_ALLOW};
        return p;
    }
}
