package dev.fusebench.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import static dev.fusebench.sys.NativeCall.*;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The libc calls about the process and its threads rather than files: credentials (the per-thread
 * file-system ids and supplementary groups, capabilities), limits, namespaces, CPU affinity and
 * prctl. Same conventions as {@link Libc}: the result, or a negative errno.
 */
public final class LibcProcess {
    private LibcProcess() {}

    private static final MethodHandle SCHED_SETAFFINITY = errnoCall("sched_setaffinity", i(JAVA_INT, JAVA_LONG, ADDRESS));
    private static final MethodHandle UNSHARE = errnoCall("unshare", i(JAVA_INT));
    private static final MethodHandle GETRLIMIT = errnoCall("getrlimit", i(JAVA_INT, ADDRESS));
    private static final MethodHandle SETRLIMIT = errnoCall("setrlimit", i(JAVA_INT, ADDRESS));
    private static final MethodHandle GETGROUPS = errnoCall("getgroups", i(JAVA_INT, ADDRESS));
    // glibc's capget/capset are the bare system calls: they read and change the calling thread alone
    private static final MethodHandle CAPGET = errnoCall("capget", i(ADDRESS, ADDRESS));
    private static final MethodHandle CAPSET = errnoCall("capset", i(ADDRESS, ADDRESS));
    private static final MethodHandle PRCTL = errnoCall("prctl", i(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1));
    private static final MethodHandle SETFSUID = plainCall("setfsuid", i(JAVA_INT));
    private static final MethodHandle SETFSGID = plainCall("setfsgid", i(JAVA_INT));
    private static final MethodHandle GETEUID = plainCall("geteuid", i());
    private static final MethodHandle UMASK = plainCall("umask", i(JAVA_INT));
    /** setgroups(2) by number: glibc's wrapper changes every thread of the process (setxid), the call itself only the caller. */
    private static final long SYS_SETGROUPS = switch (System.getProperty("os.arch")) {
        case "amd64", "x86_64" -> 116;
        case "aarch64" -> 159;
        default -> -1;
    };

    /** Binds the calling thread to one CPU (a cpu_set_t of 1024 bits with only {@code cpu} set). */
    public static int pinToCpu(int cpu) {
        if (cpu < 0 || cpu >= 1024) return -Errno.EINVAL;
        MemorySegment c = cs();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment set = a.allocate(128);
            set.set(ValueLayout.JAVA_BYTE, cpu / 8, (byte) (1 << (cpu % 8)));
            return ret((int) SCHED_SETAFFINITY.invokeExact(c, 0, 128L, set), c);
        } catch (Throwable t) { throw fatal(t); }
    }

    public static int unshare(int flags) {
        MemorySegment c = cs();
        try { return ret((int) UNSHARE.invokeExact(c, flags), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static int getrlimit(int resource, MemorySegment rlimit) {
        MemorySegment c = cs();
        try { return ret((int) GETRLIMIT.invokeExact(c, resource, rlimit), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static int setrlimit(int resource, MemorySegment rlimit) {
        MemorySegment c = cs();
        try { return ret((int) SETRLIMIT.invokeExact(c, resource, rlimit), c); } catch (Throwable t) { throw fatal(t); }
    }

    /** The process's supplementary groups into {@code list} (room for {@code size}); their number. */
    public static int getgroups(int size, MemorySegment list) {
        MemorySegment c = cs();
        try { return ret((int) GETGROUPS.invokeExact(c, size, list), c); } catch (Throwable t) { throw fatal(t); }
    }

    /** The calling thread's supplementary groups, for it alone (the raw system call). */
    public static int setgroupsThisThread(int count, MemorySegment list) {
        if (SYS_SETGROUPS < 0) return -Errno.ENOSYS;
        return (int) Libc.syscall(SYS_SETGROUPS, count, list.address(), 0, 0, 0, 0);
    }

    /** capget(2) of the calling thread: {@code header} a __user_cap_header_struct, {@code data} two __user_cap_data_struct. */
    public static int capget(MemorySegment header, MemorySegment data) {
        MemorySegment c = cs();
        try { return ret((int) CAPGET.invokeExact(c, header, data), c); } catch (Throwable t) { throw fatal(t); }
    }

    /** capset(2) of the calling thread only. */
    public static int capset(MemorySegment header, MemorySegment data) {
        MemorySegment c = cs();
        try { return ret((int) CAPSET.invokeExact(c, header, data), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static int prctl(int option, long a, long b, long c2, long d) {
        MemorySegment c = cs();
        try { return ret((int) PRCTL.invokeExact(c, option, a, b, c2, d), c); } catch (Throwable t) { throw fatal(t); }
    }

    /** The calling thread's file-system uid (the raw call is per thread); returns the previous one. */
    public static int setfsuid(int uid) {
        try { return (int) SETFSUID.invokeExact(uid); } catch (Throwable t) { throw fatal(t); }
    }

    /** The calling thread's file-system gid; returns the previous one. */
    public static int setfsgid(int gid) {
        try { return (int) SETFSGID.invokeExact(gid); } catch (Throwable t) { throw fatal(t); }
    }

    public static int geteuid() {
        try { return (int) GETEUID.invokeExact(); } catch (Throwable t) { throw fatal(t); }
    }

    public static int umask(int mask) {
        try { return (int) UMASK.invokeExact(mask); } catch (Throwable t) { throw fatal(t); }
    }
}
