package dev.fusebench.vhostuser;

import dev.fusebench.fuse.FuseServer;
import dev.fusebench.fuse.Session;
import dev.fusebench.sys.Flags;
import dev.fusebench.sys.Libc;
import dev.fusebench.sys.LibcThread;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/** Listens on a unix socket, serves the one frontend that connects, ends when it disconnects. */
public final class VhostUserSession implements Session {
    private static final Logger LOG = Logger.getLogger(VhostUserSession.class.getName());
    private final FuseServer server;
    private final Path socketPath;
    private final String socketGroup;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile VhostUserBackend backend;
    private volatile int listenFd = -1;
    private Thread thread;

    /** @param socketGroup the group that may connect too (socket 0660), or null for root only (0600) */
    public VhostUserSession(FuseServer server, Path socketPath, String socketGroup) {
        this.server = server;
        this.socketPath = socketPath.toAbsolutePath();
        this.socketGroup = socketGroup;
    }

    @Override
    public void start() throws IOException {
        listenFd = UnixSocket.listen(socketPath, socketGroup);
        server.stats().facts().socketPath = socketPath.toString();
        thread = new LibcThread(this::run, "vhost-user");
        thread.start();
    }

    private void run() {
        try {
            int conn = Libc.accept4(listenFd, Flags.SOCK_CLOEXEC);
            if (conn < 0) {
                if (!closed.get()) LOG.warning("accept: " + Libc.strerror(conn));
                return;
            }
            // one frontend per daemon, as virtiofsd: stop listening once it is here
            Libc.close(listenFd);
            listenFd = -1;
            deleteSocket();
            VhostUserBackend b = new VhostUserBackend(server);
            backend = b;
            if (closed.get()) b.close();
            b.serve(conn);
            b.release();
        } finally {
            if (listenFd >= 0) { Libc.close(listenFd); listenFd = -1; }
            deleteSocket();
        }
    }

    private void deleteSocket() {
        try {
            Files.deleteIfExists(socketPath);
        } catch (IOException e) {
            // gone already
        }
    }

    @Override
    public void awaitTermination() throws InterruptedException { thread.join(); }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        VhostUserBackend b = backend;
        if (b != null) b.close();
        else if (listenFd >= 0) Libc.shutdown(listenFd, Flags.SHUT_RDWR); // wakes accept()
        try {
            if (thread != null) thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String where() { return socketPath.toString(); }
}
