package dev.fusebench.bench.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time of a process and everything it started, from /proc/PID/stat. */
public final class ProcessCpu {
    private ProcessCpu() {}

    /** Clock ticks per second (USER_HZ on Linux). */
    public static final double TICKS_PER_SECOND = 100.0;

    /**
     * utime + stime of a process and its descendants (both peers fork a sandboxed child that does
     * the work), in clock ticks; -1 when the process is gone.
     */
    public static long ticks(long pid) {
        long own = ownTicks(pid);
        if (own < 0) return -1;
        var ph = ProcessHandle.of(pid);
        if (ph.isPresent()) for (var child : ph.get().descendants().toList()) own += Math.max(0, ownTicks(child.pid()));
        return own;
    }

    private static long ownTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of stat(5)
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
