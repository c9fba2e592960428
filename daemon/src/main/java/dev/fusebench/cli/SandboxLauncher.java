package dev.fusebench.cli;

import dev.fusebench.sandbox.Sandbox;
import dev.fusebench.sandbox.SandboxExchange;
import dev.fusebench.sys.Flags;
import dev.fusebench.sys.Libc;
import dev.fusebench.wire.LibcStructs.SockaddrUn;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code run-bench.sh daemon} with a sandbox: starts the same daemon, with the same JVM and
 * options, inside the sandbox and waits for it. A stop (Ctrl-C, SIGTERM) is passed on to the
 * daemon inside, which ends its session and writes its statistics as it would outside.
 */
final class SandboxLauncher {
    private SandboxLauncher() {}

    static int runInside(Sandbox box, DaemonMain d) throws IOException, InterruptedException {
        List<String> inner = new ArrayList<>(DaemonJvm.command(ManagementFactory.getRuntimeMXBean().getInputArguments()));
        inner.addAll(absolutePaths(d.args));
        inner.add("--sandboxed");
        // a group named for the socket is looked up inside
        List<Path> readable = d.socketGroup != null ? List.of(Path.of("/etc/group")) : List.of();
        AbstractListener probe = d.checkSandbox ? AbstractListener.open() : null;
        if (probe != null) inner.addAll(List.of("--probe-abstract", probe.name()));
        SandboxExchange exchange = SandboxExchange.of(d.socketPath, d.statsFile);
        try {
            List<String> command = box.wrapDaemon(inner, d.sharedDir, d.socketPath, d.statsFile, readable);
            Process p = new ProcessBuilder(command).inheritIO().start();
            // unshare waits for its child without passing signals on: give them to the daemon itself
            SignalHandler pass = sig -> p.descendants().forEach(ProcessHandle::destroy);
            Signal.handle(new Signal("TERM"), pass);
            Signal.handle(new Signal("INT"), pass);
            return p.waitFor();
        } finally {
            if (probe != null) probe.close();
            exchange.finish();
        }
    }

    /** An abstract unix socket listening on the host, for --check-sandbox to try to reach from inside. */
    record AbstractListener(String name, int fd) implements AutoCloseable {
        static AbstractListener open() throws IOException {
            String name = "fusebench-check-" + ProcessHandle.current().pid() + "-" + Long.toHexString(System.nanoTime());
            int fd = Libc.socket(Flags.AF_UNIX, Flags.SOCK_STREAM | Flags.SOCK_CLOEXEC, 0);
            if (fd < 0) throw new IOException("socket: " + Libc.strerror(fd));
            try (Arena a = Arena.ofConfined()) {
                MemorySegment addr = a.allocate(SockaddrUn.LAYOUT);
                int r = Libc.bind(fd, addr, SockaddrUn.write(addr, Flags.AF_UNIX, name.getBytes(StandardCharsets.UTF_8), true));
                if (r == 0) r = Libc.listen(fd, 1);
                if (r < 0) { Libc.close(fd); throw new IOException("abstract socket @" + name + ": " + Libc.strerror(r)); }
            }
            return new AbstractListener(name, fd);
        }

        @Override public void close() { Libc.close(fd); }
    }

    private static final List<String> PATH_OPTIONS = List.of("--shared-dir", "--socket-path", "--stats", "--capture", "--mount");

    /** The command line with every path made absolute: inside, the working directory is the new root. */
    static List<String> absolutePaths(List<String> args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            int eq = a.indexOf('=');
            if (eq > 0 && PATH_OPTIONS.contains(a.substring(0, eq))) {
                out.add(a.substring(0, eq + 1) + Path.of(a.substring(eq + 1)).toAbsolutePath());
            } else if (PATH_OPTIONS.contains(a) && i + 1 < args.size()) {
                out.add(a);
                out.add(Path.of(args.get(++i)).toAbsolutePath().toString());
            } else {
                out.add(a);
            }
        }
        return out;
    }
}
