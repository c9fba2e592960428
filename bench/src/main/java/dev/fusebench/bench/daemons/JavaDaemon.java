package dev.fusebench.bench.daemons;

import dev.fusebench.cli.DaemonJvm;
import dev.fusebench.sandbox.Sandbox;
import dev.fusebench.sandbox.SandboxExchange;
import dev.fusebench.sandbox.SandboxFacts;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Our daemon, started as its own JVM from the controller's class path, serving vhost-user. It runs
 * with --cache never, as the peers run with --cache=never / cache=none: every read and write
 * reaches the daemon, so the three are compared on the same path. It runs in its sandbox (mount
 * and pid namespace, no_new_privs, a passthrough server's capabilities), as the peers run in theirs.
 */
public record JavaDaemon(String cache, Sandbox sandbox) implements VirtioFsDaemon {
    /** As the matrix runs it: --cache never, the peers' cache=never / cache=none, in the default sandbox. */
    public JavaDaemon() { this("never"); }

    public JavaDaemon(String cache) { this(cache, new Sandbox(Sandbox.Mode.NAMESPACE, Sandbox.DEFAULT_NOFILE)); }

    @Override public String name() { return "java"; }

    @Override public String version() { return "fusebench daemon (Java " + Runtime.version().feature() + ")"; }

    @Override
    public List<String> command(Path shared, Path socket, String variant, Path statsFile) throws IOException {
        List<String> c = new ArrayList<>(DaemonJvm.command(DaemonJvm.OPTIONS));
        c.addAll(List.of("--shared-dir", shared.toString(), "--socket-path", socket.toString(), "--variant", variant, "--cache", cache));
        if (statsFile != null) c.addAll(List.of("--stats", statsFile.toString()));
        if (!sandbox.on()) {
            c.addAll(List.of("--sandbox", "none"));
            return c;
        }
        c.addAll(List.of("--rlimit-nofile", Long.toString(sandbox.rlimitNofile()), "--sandboxed"));
        return sandbox.wrapDaemon(c, shared, socket, statsFile, List.of());
    }

    /** The sandbox's exchange directory: the stats to their path, the socket's symlink and the directory removed. */
    @Override
    public void finish(Path socket, Path statsFile) throws IOException {
        if (sandbox.on()) SandboxExchange.of(socket, statsFile).finish();
    }

    @Override public boolean takesVariants() { return true; }

    @Override public SandboxFacts confinement() { return sandbox.describe(); }

    /** The daemon runs under unshare, which passes no signals on: a stop goes to the daemon itself. */
    @Override public boolean stopsThroughDescendants() { return sandbox.on(); }
}
