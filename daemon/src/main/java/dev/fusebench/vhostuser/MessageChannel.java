package dev.fusebench.vhostuser;

import dev.fusebench.sys.Errno;
import dev.fusebench.sys.FdSender;
import dev.fusebench.sys.Flags;
import dev.fusebench.sys.Libc;
import dev.fusebench.wire.LibcStructs.Cmsghdr;
import dev.fusebench.wire.LibcStructs.Iovec;
import dev.fusebench.wire.LibcStructs.Msghdr;
import dev.fusebench.wire.VhostUserMsg.Header;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

/**
 * Whole vhost-user messages (header, payload and the descriptors that came with them) read from one
 * socket into one reused buffer: the backend's way in, and each direction of the proxy.
 */
public final class MessageChannel {
    public final MemorySegment msg;
    /** The descriptors that came with the message; a taker sets its slot to -1 ({@link #closeFds} closes the rest). */
    public final int[] fds = new int[Message.MAX_FDS];
    public int nfds;
    /** Why the last {@link #receive} failed other than by the connection ending, or null. */
    public String malformed;
    private final int from;
    private final MemorySegment iov, control, msghdr;
    private final FdSender sender;

    public MessageChannel(Arena arena, int from) {
        this.from = from;
        this.msg = arena.allocate(Header.SIZE + Message.MAX_PAYLOAD, 8);
        this.iov = arena.allocate(Iovec.LAYOUT);
        this.control = arena.allocate(Cmsghdr.spaceFor(4L * Message.MAX_FDS), 8);
        this.msghdr = arena.allocate(Msghdr.LAYOUT);
        this.sender = new FdSender(arena);
    }

    public int request() { return Header.request(msg); }

    public int size() { return Header.size(msg); }

    /** Reads one message; false when the connection ended or the message is malformed ({@link #malformed} says how). */
    public boolean receive() {
        nfds = 0;
        Iovec.write(iov, 0, msg.address(), Header.SIZE);
        Msghdr.write(msghdr, iov, 1, control, control.byteSize());
        long n = Libc.recvmsg(from, msghdr, Flags.MSG_CMSG_CLOEXEC);
        if (n <= 0) return false;
        if (Msghdr.controllen(msghdr) >= Cmsghdr.SIZE
                && Cmsghdr.level(control, 0) == Flags.SOL_SOCKET && Cmsghdr.type(control, 0) == Flags.SCM_RIGHTS) {
            int count = (int) Math.min((Cmsghdr.len(control, 0) - Cmsghdr.SIZE) / 4, Message.MAX_FDS);
            for (int i = 0; i < count; i++) fds[nfds++] = control.get(JAVA_INT_UNALIGNED, Cmsghdr.SIZE + 4L * i);
        }
        if (n < Header.SIZE && !readFully(Header.SIZE - n, n)) return false;
        int size = size();
        if (size < 0 || size > Message.MAX_PAYLOAD) {
            malformed = "message " + request() + " with a " + size + "-byte payload";
            return false;
        }
        return size == 0 || readFully(size, Header.SIZE);
    }

    private boolean readFully(long count, long at) {
        while (count > 0) {
            long r = Libc.read(from, msg.asSlice(at), count);
            if (r == -Errno.EINTR) continue;
            if (r <= 0) return false;
            at += r;
            count -= r;
        }
        return true;
    }

    /** Writes the message as read (with {@code fds}) to {@code to}; false when that socket is gone. */
    public boolean forward(int to, int... sendFds) {
        long length = Header.SIZE + size();
        return sender.send(to, msg, length, Flags.MSG_NOSIGNAL, sendFds) == length;
    }

    /** The descriptors that came with the message, in order. */
    public int[] receivedFds() { return Arrays.copyOf(fds, nfds); }

    /** Closes the received descriptors not kept ({@code -1} marks a kept one). */
    public void closeFds() {
        for (int i = 0; i < nfds; i++) if (fds[i] >= 0) Libc.close(fds[i]);
        nfds = 0;
    }
}
