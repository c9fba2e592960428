package dev.fusebench.devfuse;

import dev.fusebench.fuse.InitFlag;
import dev.fusebench.fuse.NegotiationSettings;
import dev.fusebench.passthrough.CachePolicy;
import dev.fusebench.testing.MountedFs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import static dev.fusebench.testing.MountedFs.sh;
import static org.junit.jupiter.api.Assertions.*;

/**
 * FUSE passthrough on /dev/fuse: each open registers its file as the kernel's backing file, so
 * reads and writes move their bytes without reaching the daemon, and the bytes are right.
 */
@Timeout(120)
class PassthroughTest {
    @TempDir Path tmp;

    static String sha256(byte[] b) throws Exception { return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)); }

    @Test
    void readsAndWritesGoToTheBackingFile() throws Exception {
        NegotiationSettings s = NegotiationSettings.MAX_PAGES.withFlag("PASSTHROUGH", true).named("pt");
        byte[] data = new byte[8 << 20];
        new Random(7).nextBytes(data);
        MountedFs m = new MountedFs(tmp.resolve("pt"), s, CachePolicy.AUTO);
        String copied;
        try {
            Files.write(m.shared.resolve("f"), data);
            assertTrue(Files.exists(m.mount.resolve("f"))); // INIT is answered by now
            assertNotEquals(0, m.server.negotiation().reply().flags() & InitFlag.PASSTHROUGH.mask, "the kernel took PASSTHROUGH");
            sh(m.mount, "dd", "if=f", "of=g", "bs=1M", "iflag=direct", "oflag=direct"); // O_DIRECT too: no page cache to hide a READ
            sh(m.mount, "dd", "if=f", "of=/dev/null", "bs=128k");
            copied = sha256(Files.readAllBytes(m.shared.resolve("g")));
        } finally {
            m.close();
        }
        assertEquals(sha256(data), copied, "the bytes written through the mount are the file's");
        var ops = m.stats.summary();
        assertNull(ops.get("READ"), "no READ reached the daemon: " + ops.keySet());
        assertNull(ops.get("WRITE"), "no WRITE reached the daemon");
        assertEquals(3L, m.fs.passthrough().opens(), "f twice and g once: " + m.fs.passthrough());
        assertEquals(0, m.fs.openHandles(), "every handle released (and its backing id closed)");
    }

    @Test
    void withoutPassthroughTheSameCopyReachesTheDaemon() throws Exception {
        MountedFs m = new MountedFs(tmp.resolve("plain"), NegotiationSettings.MAX_PAGES, CachePolicy.AUTO);
        try {
            Files.write(m.shared.resolve("f"), new byte[4 << 20]);
            sh(m.mount, "dd", "if=f", "of=/dev/null", "bs=1M", "iflag=direct");
        } finally {
            m.close();
        }
        assertEquals(4, m.stats.summary().get("READ").count());
        assertEquals(0L, m.fs.passthrough().opens());
    }
}
