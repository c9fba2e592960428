package dev.fusebench.fuzz;

import dev.fusebench.fuse.FuseServer;
import dev.fusebench.fuse.NegotiationSettings;
import dev.fusebench.passthrough.CachePolicy;
import dev.fusebench.passthrough.PassthroughFs;
import dev.fusebench.stats.DaemonStats;
import dev.fusebench.sys.FdSender;
import dev.fusebench.sys.Flags;
import dev.fusebench.sys.Libc;
import dev.fusebench.vhostuser.Message;
import dev.fusebench.vhostuser.VhostUserBackend;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

/**
 * The vhost-user message handler over a stream of hostile messages: the input is cut into
 * messages (request, flags, claimed size, payload: sizes may lie), those that carry file
 * descriptors get a small memfd or an eventfd, as QEMU's would. Whatever arrives, the backend
 * never throws out of its loop or crashes the JVM (a region mapped past its file's end would
 * SIGBUS), ends when the frontend hangs up, and leaks no file descriptor.
 */
public final class VhostMessageTarget implements AutoCloseable {
    static final int MEMFD_SIZE = 1 << 20;
    private final Arena arena = Arena.ofShared();
    private final FuseServer server;
    private final PassthroughFs fs;
    private final MemorySegment buf = arena.allocate(dev.fusebench.wire.VhostUserMsg.Header.SIZE + 4096 + 64, 8);
    private final FdSender sender = new FdSender(arena);
    private final MemorySegment pair = arena.allocate(8, 4);
    public long messages, inputs;

    public VhostMessageTarget(Path shared) throws IOException {
        Files.createDirectories(shared);
        fs = new PassthroughFs(shared, CachePolicy.NEVER);
        server = new FuseServer(fs, NegotiationSettings.MAX_PAGES, new DaemonStats());
    }

    public void accept(byte[] data) throws InterruptedException {
        inputs++;
        long fdsBefore = openFds();
        if (Libc.socketpair(Flags.AF_UNIX, Flags.SOCK_STREAM | Flags.SOCK_CLOEXEC, 0, pair) < 0) throw new IllegalStateException("socketpair");
        int front = pair.get(JAVA_INT_UNALIGNED, 0), back = pair.get(JAVA_INT_UNALIGNED, 4);
        VhostUserBackend backend = new VhostUserBackend(server);
        AtomicReference<Throwable> died = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                backend.serve(back);
            } catch (Throwable e) {
                died.set(e);
            } finally {
                backend.release();
            }
        }, "fuzzed-backend");
        t.start();
        try {
            int at = 0;
            while (at + 12 <= data.length) {
                int request = Byte.toUnsignedInt(data[at]) % 48;
                int flags = data[at + 1] & 0x0f;
                int claimed = Byte.toUnsignedInt(data[at + 2]) | (data[at + 3] & 0x0f) << 8;   // 0..4095
                int actual = Math.min(Math.min(Byte.toUnsignedInt(data[at + 4]), 255), data.length - at - 12);
                if ((data[at + 5] & 0x80) != 0) claimed = actual;                            // mostly honest
                if (!send(front, request, flags, claimed, data, at + 12, actual)) break;
                messages++;
                at += 12 + actual;
            }
        } finally {
            Libc.shutdown(front, Flags.SHUT_RDWR);
            t.join(10_000);
            Libc.close(front);
        }
        if (t.isAlive()) throw new AssertionError("the backend did not end after the frontend hung up");
        if (died.get() != null) throw new AssertionError("the backend's loop threw", died.get());
        long fdsAfter = openFds();
        if (fdsAfter > fdsBefore) throw new AssertionError("file descriptors leaked: " + fdsBefore + " -> " + fdsAfter + ": " + fdTargets());
    }

    /** One message; fds for the requests that take them. False when the backend has hung up. */
    private boolean send(int sock, int request, int flags, int claimed, byte[] data, int from, int actual) {
        buf.set(JAVA_INT_UNALIGNED, 0, request);
        buf.set(JAVA_INT_UNALIGNED, 4, Message.VERSION | flags);
        buf.set(JAVA_INT_UNALIGNED, 8, claimed);
        MemorySegment.copy(MemorySegment.ofArray(data), from, buf, dev.fusebench.wire.VhostUserMsg.Header.SIZE, actual);
        int fd = -1;
        if (request == Message.SET_MEM_TABLE) {
            fd = Libc.memfdCreate(arena.allocateFrom("fuzz"), Flags.MFD_CLOEXEC);
            Libc.ftruncate(fd, MEMFD_SIZE);
        } else if (request == Message.SET_VRING_KICK || request == Message.SET_VRING_CALL || request == Message.SET_VRING_ERR
                || request == Message.SET_BACKEND_REQ_FD) {
            fd = Libc.eventfd(0, Flags.EFD_CLOEXEC);
        }
        int how = Flags.MSG_NOSIGNAL | Flags.MSG_DONTWAIT;
        long n = fd >= 0 ? sender.send(sock, buf, dev.fusebench.wire.VhostUserMsg.Header.SIZE + actual, how, fd) : sender.send(sock, buf, dev.fusebench.wire.VhostUserMsg.Header.SIZE + actual, how);
        if (fd >= 0) Libc.close(fd); // the backend holds its own copy now
        return n >= 0;
    }

    private static String fdTargets() {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.map(p -> {
                try {
                    return p.getFileName() + "->" + Files.readSymbolicLink(p);
                } catch (IOException e) {
                    return p.getFileName() + "->?";
                }
            }).sorted().toList().toString();
        } catch (IOException e) {
            return "?";
        }
    }

    private static long openFds() {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        fs.close();
        arena.close();
    }
}
