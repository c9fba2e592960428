package dev.fusebench.proxy;

import dev.fusebench.fuse.InitOut;
import dev.fusebench.sys.Flags;
import dev.fusebench.sys.Libc;
import dev.fusebench.sys.LibcThread;
import dev.fusebench.vhostuser.UnixSocket;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The proxy as a socket a frontend connects to: listens at {@code frontendSocket}, takes one
 * connection, connects to the daemon at {@code daemonSocket} and proxies between them.
 */
public final class ProxyServer implements AutoCloseable {
    private final Path socket;
    private final int listenFd;
    private final Thread acceptor;
    private volatile VhostUserProxy proxy;
    private volatile String error;

    /** What the proxy saw: the daemon's INIT reply, the one the guest got, a refusal, or why it never proxied. */
    public record Report(InitOut daemonReply, InitOut givenReply, String refusal, boolean steppedOut, String error,
                         Map<String, Map<Long, Long>> observedSizes, List<Observed.Phase> observedPhases,
                         long observedMissed, Map<String, Long> observedUnreadable) {}

    public ProxyServer(Path frontendSocket, Path daemonSocket, Restriction restriction) throws IOException {
        this(frontendSocket, daemonSocket, restriction, false);
    }

    /** With {@code observe} the proxy also counts request sizes on the kick path ({@link VhostUserProxy}). */
    public ProxyServer(Path frontendSocket, Path daemonSocket, Restriction restriction, boolean observe) throws IOException {
        this.socket = frontendSocket;
        this.listenFd = UnixSocket.listen(frontendSocket, null);
        this.acceptor = new LibcThread(() -> {
            int conn = Libc.accept4(listenFd, Flags.SOCK_CLOEXEC);
            if (conn < 0) return;
            try {
                int daemon = UnixSocket.connect(daemonSocket, TimeUnit.SECONDS.toNanos(30));
                proxy = new VhostUserProxy(conn, daemon, restriction, observe);
            } catch (IOException | RuntimeException e) {
                error = "the proxy could not reach the daemon: " + e.getMessage();
                Libc.close(conn);
            }
        }, "proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public Report report() {
        VhostUserProxy p = proxy;
        if (p == null) return new Report(null, null, null, false, error != null ? error : "no frontend connected", Map.of(), List.of(), 0, Map.of());
        InitRewriter init = p.rewriter();
        Observed seen = p.observed();
        String e = p.broken() != null ? p.broken()
                : init.daemonReply() == null && init.refusal() == null ? "the daemon never answered FUSE_INIT" : null;
        return new Report(init.daemonReply(), init.givenReply(), init.refusal(), p.steppedOut(), e, seen.snapshot(), seen.phases(), seen.missed(), seen.unreadable());
    }

    /** CPU seconds the proxy has used so far (0 before a frontend connected). */
    public double cpuSeconds() {
        VhostUserProxy p = proxy;
        return p == null ? 0 : p.cpuNanos() / 1e9;
    }

    @Override
    public void close() throws IOException {
        Libc.shutdown(listenFd, Flags.SHUT_RDWR); // wakes accept()
        try {
            acceptor.join(10_000);
            VhostUserProxy p = proxy;
            if (p != null) p.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Libc.close(listenFd);
            Files.deleteIfExists(socket);
        }
    }
}
