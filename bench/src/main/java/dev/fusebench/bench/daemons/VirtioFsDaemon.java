package dev.fusebench.bench.daemons;

import dev.fusebench.sandbox.SandboxFacts;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A vhost-user virtio-fs backend the controller can run: ours, the two peers, and a user's own. */
public sealed interface VirtioFsDaemon permits VirtiofsdC, VirtiofsdRust, JavaDaemon, CustomDaemon {
    String name();

    /** What the daemon prints as its version. */
    String version() throws IOException;

    /** The command serving {@code shared} on {@code socket} with the given negotiation variant. */
    List<String> command(Path shared, Path socket, String variant, Path statsFile) throws IOException;

    default Map<String, String> environment() { return Map.of(); }

    /** Whether the daemon negotiates as the variant says itself; the others get it through the INIT-rewriting proxy. */
    boolean takesVariants();

    /** How the daemon is confined, for the results. The peers run in their own default sandboxes. */
    default SandboxFacts confinement() { return SandboxFacts.ownDefault(); }

    /** After the daemon ended: whatever its start arranged around {@code socket} and {@code statsFile} is put back. */
    default void finish(Path socket, Path statsFile) throws IOException {}

    /** Whether a stop must be sent to the daemon's descendants (the started process passes none on). */
    default boolean stopsThroughDescendants() { return false; }

    static VirtioFsDaemon named(String name, Path cache) { return named(name, cache, List.of()); }

    /** A built-in daemon by name, or one of the user's ({@code --daemon-command}). */
    static VirtioFsDaemon named(String name, Path cache, List<CustomDaemon> custom) {
        for (CustomDaemon c : custom) if (c.name().equals(name)) return c;
        VirtioFsDaemon d = BuiltInDaemons.of(name, cache);
        if (d != null) return d;
        throw new IllegalArgumentException("unknown daemon '" + name + "' (known: " + BuiltInDaemons.list()
                + custom.stream().map(c -> ", " + c.name()).reduce("", String::concat) + "; your own: --daemon-command NAME=TEMPLATE)");
    }
}
