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
        assertEquals(2, Main.execute("run", "--daemon", "virtiofsd-c", "--workload", "seed", "--variant", "k:+FOPEN_KEEP_CACHE"), "FOPEN for a peer");
        assertEquals(2, Main.execute("matrix", "--variants", "x:cache=sometimes"), "bad cache mode");
    }
}
