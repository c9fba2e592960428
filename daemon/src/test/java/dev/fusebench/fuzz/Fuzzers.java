package dev.fusebench.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Entry points for Jazzer's own driver (long runs: ./run-bench.sh fuzz TARGET SECONDS), one
 * nested class per target with the {@code fuzzerTestOneInput} Jazzer calls; the JUnit
 * {@link FuzzTargetsTest} wraps the same targets for CI.
 */
public final class Fuzzers {
    private Fuzzers() {}

    private static Path dir(String name) {
        try {
            return Files.createTempDirectory("fusebench-fuzz-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static final class FuseRequest {
        private static FuseRequestTarget target;

        public static void fuzzerInitialize() throws Exception {
            target = new FuseRequestTarget(dir("fuse"));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    target.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
        }

        public static void fuzzerTestOneInput(byte[] data) { target.accept(data); }
    }

    public static final class VhostMessages {
        private static VhostMessageTarget target;

        public static void fuzzerInitialize() throws Exception {
            // every refused message logs a warning: millions of them would slow the run to a crawl
            java.util.logging.Logger.getLogger("dev.fusebench").setLevel(java.util.logging.Level.SEVERE);
            target = new VhostMessageTarget(dir("vhost").resolve("share"));
        }

        public static void fuzzerTestOneInput(byte[] data) throws InterruptedException { target.accept(data); }
    }

    public static final class Virtqueue {
        private static final VirtqueueTarget target = new VirtqueueTarget();

        public static void fuzzerTestOneInput(byte[] data) { target.accept(data); }
    }
}
