package dev.fusebench.passthrough;

import dev.fusebench.sys.Libc;
import dev.fusebench.wire.LibcStructs.Rlimit;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many descriptors the daemon holds on the guest's behalf (an O_PATH per known inode, one
 * per open handle), against a budget below RLIMIT_NOFILE: past it, LOOKUP, OPEN, OPENDIR and
 * CREATE answer ENFILE, and a reserve stays free for the daemon itself (a ring reset's kick and
 * call eventfds, a new connection, the stats file), as virtiofsd keeps one (guest_fd_limit.rs).
 * Process-wide, as the limit is; a few requests racing the edge may overshoot by one each.
 */
final class GuestDescriptors {
    private GuestDescriptors() {}

    private static final int RLIMIT_NOFILE = 7;
    private static final AtomicLong HELD = new AtomicLong();
    private static volatile long limit = budget(softLimit());

    /** The reserve: a sixteenth of the limit, at least 128 (a JVM holds some 40 descriptors of its own). */
    static long budget(long rlimit) { return Math.max(0, rlimit - Math.max(128, rlimit / 16)); }

    private static long softLimit() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment r = a.allocate(Rlimit.LAYOUT);
            return Libc.getrlimit(RLIMIT_NOFILE, r) == 0 ? Rlimit.cur(r) : 1024;
        }
    }

    /** Whether the guest may have one more descriptor. */
    static boolean room() { return HELD.get() < limit; }

    static void taken() { HELD.incrementAndGet(); }

    static void closed() { HELD.decrementAndGet(); }

    static long held() { return HELD.get(); }

    static long limit() { return limit; }

    /** For tests: a smaller budget, as a low RLIMIT_NOFILE would give. */
    static void limit(long n) { limit = n; }
}
