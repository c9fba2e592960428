package dev.fusebench.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** An eventfd's two uses here: adding one to its counter (a signal), and reading the counter back to 0. */
public final class EventFd {
    private EventFd() {}

    /** Adds one, through {@code scratch} (8 bytes the caller owns: no allocation on the data path). */
    public static void signal(int fd, MemorySegment scratch) {
        scratch.set(JAVA_LONG, 0, 1);
        Libc.write(fd, scratch, 8);
    }

    /** Adds one, off the data path (control messages, shutdown): allocates its own 8 bytes. */
    public static void signal(int fd) {
        try (Arena a = Arena.ofConfined()) {
            signal(fd, a.allocate(JAVA_LONG));
        }
    }

    /** Reads the counter (resetting it) into {@code scratch}. */
    public static void drain(int fd, MemorySegment scratch) {
        Libc.read(fd, scratch, 8);
    }
}
