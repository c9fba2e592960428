package dev.fusebench.bench.daemons;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Our daemon, started as its own JVM from the controller's class path, serving vhost-user. It runs
 * with --cache never, as the peers run with --cache=never / cache=none: every read and write
 * reaches the daemon, so the three are compared on the same path.
 */
public record JavaDaemon(Path repo, String cache) implements VirtioFsDaemon {
    /** As the matrix runs it: --cache never, the peers' cache=never / cache=none. */
    public JavaDaemon(Path repo) { this(repo, "never"); }

    @Override public String name() { return "java"; }

    @Override public String version() { return "fusebench daemon (Java " + Runtime.version().feature() + ")"; }

    @Override
    public List<String> command(Path shared, Path socket, String variant, Path statsFile) {
        List<String> c = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC", "-cp", System.getProperty("java.class.path"),
                "dev.fusebench.cli.DaemonMain", "--shared-dir", shared.toString(), "--socket-path", socket.toString(),
                "--variant", variant, "--cache", cache));
        if (statsFile != null) c.addAll(List.of("--stats", statsFile.toString()));
        return c;
    }

    @Override public boolean takesVariants() { return true; }
}
