package dev.fusebench.bench.daemons;

import dev.fusebench.fuse.Variant;

import java.util.Collection;

/** Which daemons can take which variants. */
public final class Variants {
    private Variants() {}

    /**
     * Refuses, in one line, a variant that changes caching for a daemon that takes no variants: the
     * proxy rewrites FUSE_INIT alone, and a peer's cache mode and open flags are its own options.
     */
    public static void checkTakes(VirtioFsDaemon d, Collection<Variant> variants) {
        if (d.takesVariants()) return;
        for (Variant v : variants) {
            if (v.changesCaching())
                throw new IllegalArgumentException("variant '" + v.name() + "' sets " + String.join(", ", v.describeCaching().keySet())
                        + ", which " + d.name() + " cannot take through the proxy (it rewrites FUSE_INIT only): give its own cache option"
                        + " in a --daemon-command, or run the variant on --daemons java");
        }
    }
}
