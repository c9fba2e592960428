package dev.fusebench.bench.daemons;

import dev.fusebench.fuse.NegotiationSettings;
import dev.fusebench.fuse.Variant;

import java.util.Collection;

/** Which daemons can take which variants. */
public final class Variants {
    private Variants() {}

    /**
     * Refuses, in one line, what a guest cannot honour: FUSE passthrough (backing files need
     * /dev/fuse), FUSE over io_uring (a /dev/fuse channel) and max_pages above 256 (the guest
     * kernels here have no fs.fuse.max_pages_limit).
     */
    public static void checkGuests(Collection<Variant> variants) {
        for (Variant v : variants) {
            if (v.passesThrough())
                throw new IllegalArgumentException("variant '" + v.name() + "': FUSE passthrough needs /dev/fuse (backing files); use --transport host-fuse");
            if (v.overIoUring())
                throw new IllegalArgumentException("variant '" + v.name() + "': FUSE over io_uring replaces /dev/fuse reads, which virtio-fs has none of; use --transport host-fuse");
            if (v.init().offersMaxPages() && v.init().maxPages() > NegotiationSettings.KERNEL_MAX_PAGES)
                throw new IllegalArgumentException("variant '" + v.name() + "' asks max_pages " + v.init().maxPages()
                        + ": the guest kernels here cap it at 256 (a higher fs.fuse.max_pages_limit needs Linux 6.13+); use --transport host-fuse");
        }
    }

    /**
     * Refuses, in one line, a variant that changes caching for a daemon that takes no variants: the
     * proxy rewrites FUSE_INIT alone, and a peer's cache mode and open flags are its own options.
     */
    public static void checkTakes(VirtioFsDaemon d, Collection<Variant> variants) {
        if (d.takesVariants()) return;
        for (Variant v : variants) {
            if (v.needsOurDaemon())
                throw new IllegalArgumentException("variant '" + v.name() + "' sets " + String.join(", ", v.describeCaching().keySet())
                        + ", which " + d.name() + " cannot take through the proxy (it rewrites FUSE_INIT only): give its own cache option"
                        + " in a --daemon-command, or run the variant on --daemons java");
        }
    }
}
