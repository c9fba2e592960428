package dev.fusebench.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * sendmsg(2) of one buffer with file descriptors attached (SCM_RIGHTS), as a vhost-user frontend
 * sends SET_MEM_TABLE or SET_VRING_KICK. The msghdr, iovec and control buffer are allocated once.
 */
public final class FdSender {
    /** vhost-user messages carry at most 8 descriptors. */
    public static final int MAX_FDS = 8;
    private final MemorySegment iov, hdr, ctl;

    public FdSender(Arena arena) {
        iov = arena.allocate(16, 8);
        hdr = arena.allocate(56, 8);
        ctl = arena.allocate(16 + 4L * MAX_FDS, 8);
    }

    /** Sends {@code length} bytes of {@code data} with {@code fds}; returns sendmsg's result (negative errno on failure). */
    public long send(int sock, MemorySegment data, long length, int flags, int... fds) {
        if (fds.length > MAX_FDS) throw new IllegalArgumentException("at most " + MAX_FDS + " descriptors");
        iov.set(JAVA_LONG_UNALIGNED, 0, data.address());
        iov.set(JAVA_LONG_UNALIGNED, 8, length);
        hdr.fill((byte) 0);
        hdr.set(JAVA_LONG_UNALIGNED, 16, iov.address());
        hdr.set(JAVA_LONG_UNALIGNED, 24, 1);
        if (fds.length > 0) {
            long len = 16 + 4L * fds.length; // cmsghdr (len, level, type) then the descriptors
            ctl.set(JAVA_LONG_UNALIGNED, 0, len);
            ctl.set(JAVA_INT_UNALIGNED, 8, Flags.SOL_SOCKET);
            ctl.set(JAVA_INT_UNALIGNED, 12, Flags.SCM_RIGHTS);
            for (int i = 0; i < fds.length; i++) ctl.set(JAVA_INT_UNALIGNED, 16 + 4L * i, fds[i]);
            hdr.set(JAVA_LONG_UNALIGNED, 32, ctl.address());
            hdr.set(JAVA_LONG_UNALIGNED, 40, (len + 7) & ~7L);
        }
        return Libc.sendmsg(sock, hdr, flags);
    }
}
