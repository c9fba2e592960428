package dev.fusebench.bench.daemons;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Our daemon. Its virtio-fs (vhost-user) transport is the next issue; until then it cannot serve a guest. */
public record JavaDaemon(Path repo) implements VirtioFsDaemon {
    @Override public String name() { return "java"; }

    @Override public String version() { return "fusebench " + getClass().getPackage().getImplementationVersion(); }

    @Override
    public List<String> command(Path shared, Path socket, String variant, Path statsFile) throws IOException {
        throw new IOException("the Java daemon does not speak vhost-user yet, so it cannot serve a guest; "
                + "use --daemon virtiofsd-rust or virtiofsd-c (the Java daemon serves /dev/fuse: run-bench.sh daemon --mount)");
    }

    @Override public boolean takesVariants() { return true; }
}
