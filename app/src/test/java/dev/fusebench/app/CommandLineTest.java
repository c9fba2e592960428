package dev.fusebench.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Bad command lines are one-line errors with exit status 2, before anything starts. */
class CommandLineTest {
    @TempDir Path tmp;

    @Test
    void badDirectoriesAndOptionsAreOneLineErrors() {
        assertEquals(2, Main.execute("report", tmp.resolve("nope").toString()));
        assertEquals(2, Main.execute("compare", tmp.toString(), tmp.resolve("nope").toString()));
        assertEquals(2, Main.execute("matrix", "--variants", "fast"));
        assertEquals(2, Main.execute("matrix", "--transport", "carrier-pigeon"));
        assertEquals(2, Main.execute("run", "--daemon", "java"));
        assertEquals(2, Main.execute("no-such-command"));
        assertEquals(2, Main.execute("matrix", "--daemons", "mine", "--daemon-command", "mine=/opt/d --shared-dir={shared}"), "no {socket}");
        assertEquals(2, Main.execute("run", "--daemon", "virtiofsd-rust", "--workload", "seed", "--variant", "wide:+NO_SUCH_FLAG"), "unknown flag");
        // caching is not FUSE_INIT: the proxy cannot give it to a peer
        assertEquals(2, Main.execute("matrix", "--daemons", "java,virtiofsd-rust", "--variants", "baseline,cached:cache=auto"), "cache for a peer");
        assertEquals(2, Main.execute("matrix", "--arms", "builds"), "--arms variants or daemons");
        assertEquals(2, Main.execute("matrix", "--pin", "maybe"), "--pin on or off");
        assertEquals(2, Main.execute("matrix", "--arms", "daemons"), "one daemon is nothing to compare");
        assertEquals(2, Main.execute("matrix", "--arms", "daemons", "--daemons", "java,virtiofsd-rust", "--variants", "baseline,max-pages"),
                "daemons as arms run under one variant");
        assertEquals(2, Main.execute("matrix", "--arms", "daemons", "--daemons", "java,virtiofsd-rust", "--transport", "host-fuse"),
                "host-fuse runs the Java daemon alone");
        assertEquals(2, Main.execute("run", "--daemon", "virtiofsd-c", "--workload", "seed", "--variant", "k:+FOPEN_KEEP_CACHE"), "FOPEN for a peer");
        assertEquals(2, Main.execute("matrix", "--variants", "x:cache=sometimes"), "bad cache mode");
        // guest axes a guest cannot honour
        assertEquals(2, Main.execute("matrix", "--request-queues", "1,9"), "more request queues than QEMU and the daemon serve");
        assertEquals(2, Main.execute("matrix", "--readahead-kb", "lots"), "readahead not a number");
        assertEquals(2, Main.execute("matrix", "--readahead-kb", "0"), "readahead not above 0");
        assertEquals(2, Main.execute("matrix", "--transport", "host-fuse", "--vcpus", "4"), "a guest axis without a guest");
        assertEquals(2, Main.execute("run", "--daemon", "java", "--workload", "seed", "--request-queues", "0"), "no request queue");
        assertEquals(2, Main.execute("run", "--daemon", "java", "--workload", "seed", "--variant", "mp512:max_pages=512"), "guests cap max_pages at 256");
    }
}
