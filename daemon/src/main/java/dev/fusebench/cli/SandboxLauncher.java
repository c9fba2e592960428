package dev.fusebench.cli;

import dev.fusebench.sandbox.Sandbox;

import java.io.IOException;
import java.lang.management.ManagementFactory;
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
        List<String> inner = new ArrayList<>();
        inner.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        inner.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        inner.addAll(List.of("-cp", System.getProperty("java.class.path"), DaemonMain.class.getName()));
        inner.addAll(absolutePaths(d.args));
        inner.add("--sandboxed");
        // a group named for the socket is looked up inside
        List<Path> readable = d.socketGroup != null ? List.of(Path.of("/etc/group")) : List.of();
        List<String> command = box.wrapDaemon(inner, d.sharedDir, d.socketPath, d.statsFile, readable);
        Process p = new ProcessBuilder(command).inheritIO().start();
        // unshare waits for its child without passing signals on: give them to the daemon itself
        sun.misc.SignalHandler pass = sig -> p.descendants().forEach(ProcessHandle::destroy);
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), pass);
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), pass);
        return p.waitFor();
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
