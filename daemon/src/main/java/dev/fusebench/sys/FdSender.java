package dev.fusebench.sys;

import dev.fusebench.wire.LibcStructs.Cmsghdr;
import dev.fusebench.wire.LibcStructs.Iovec;
import dev.fusebench.wire.LibcStructs.Msghdr;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

/**
 * sendmsg(2) of one buffer with file descriptors attached (SCM_RIGHTS), as a vhost-user frontend
 * sends SET_MEM_TABLE or SET_VRING_KICK. The msghdr, iovec and control buffer are allocated once.
 */
public final class FdSender {
    /** vhost-user messages carry at most 8 descriptors. */
    public static final int MAX_FDS = 8;
    private final MemorySegment iov, hdr, ctl;

    public FdSender(Arena arena) {
        iov = arena.allocate(Iovec.LAYOUT);
        hdr = arena.allocate(Msghdr.LAYOUT);
        ctl = arena.allocate(Cmsghdr.spaceFor(4L * MAX_FDS), 8);
    }

    /** Sends {@code length} bytes of {@code data} with {@code fds}; returns sendmsg's result (negative errno on failure). */
    public long send(int sock, MemorySegment data, long length, int flags, int... fds) {
        if (fds.length > MAX_FDS) throw new IllegalArgumentException("at most " + MAX_FDS + " descriptors");
        Iovec.write(iov, 0, data.address(), length);
        if (fds.length > 0) {
            long len = Cmsghdr.lenFor(4L * fds.length);
            Cmsghdr.write(ctl, 0, len, Flags.SOL_SOCKET, Flags.SCM_RIGHTS);
            for (int i = 0; i < fds.length; i++) ctl.set(JAVA_INT_UNALIGNED, Cmsghdr.SIZE + 4L * i, fds[i]);
            Msghdr.write(hdr, iov, 1, ctl, Cmsghdr.spaceFor(4L * fds.length));
        } else {
            Msghdr.write(hdr, iov, 1, MemorySegment.NULL, 0);
        }
        return Libc.sendmsg(sock, hdr, flags);
    }
}
