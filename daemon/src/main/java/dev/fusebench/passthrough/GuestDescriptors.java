package dev.fusebench.passthrough;

import dev.fusebench.files.ProcFiles;
import dev.fusebench.sys.Libc;
import dev.fusebench.sys.LibcProcess;
import dev.fusebench.wire.LibcStructs.Rlimit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many descriptors the daemon holds on the guest's behalf (an O_PATH per known inode, one
 * per open handle), against a budget below RLIMIT_NOFILE: past it, LOOKUP, OPEN, OPENDIR and
 * CREATE answer ENFILE, and a reserve stays free for the daemon itself (a ring reset's kick and
 * call eventfds, a new connection, the stats file), as virtiofsd keeps one (guest_fd_limit.rs).
 * The budget is the soft RLIMIT_NOFILE less what the process had open when the file system started
 * and the reserve.
 * Process-wide, as the limit is; a few requests racing the edge may overshoot by one each.
 */
final class GuestDescriptors {
    private GuestDescriptors() {}

    private static final int RLIMIT_NOFILE = 7;
    private static final AtomicLong HELD = new AtomicLong();
    private static volatile long limit = computeLimit();

    /** The reserve: a sixteenth of the limit, at least 64 descriptors. */
    static long reserve(long rlimit) { return Math.max(64, rlimit / 16); }

    /** What the guest may hold: the soft limit less what the process has open besides and the reserve. */
    private static long computeLimit() {
        long soft = softLimit(), open = openNow();
        return HELD.get() + Math.max(0, soft - open - reserve(soft));
    }

    /** Computed again, after the limit changed (tests) or the daemon opened what it keeps. */
    static void recompute() { limit = computeLimit(); }

    private static long softLimit() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment r = a.allocate(Rlimit.LAYOUT);
            return LibcProcess.getrlimit(RLIMIT_NOFILE, r) == 0 ? Rlimit.cur(r) : 1024;
        }
    }

    /** Descriptors open now. */
    private static long openNow() {
        try (var s = Files.list(ProcFiles.descriptors())) {
            return s.count();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    /** Whether the guest may have one more descriptor. */
    static boolean room() { return HELD.get() < limit; }

    static void taken() { HELD.incrementAndGet(); }

    static void closed() { HELD.decrementAndGet(); }

    static long held() { return HELD.get(); }

    static long limit() { return limit; }

    /** For tests: a smaller budget. */
    static void limit(long n) { limit = n; }
}
