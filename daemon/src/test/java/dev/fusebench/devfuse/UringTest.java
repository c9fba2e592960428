package dev.fusebench.devfuse;

import dev.fusebench.fuse.InitFlag;
import dev.fusebench.fuse.NegotiationSettings;
import dev.fusebench.passthrough.CachePolicy;
import dev.fusebench.testing.MountedFs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static dev.fusebench.devfuse.PassthroughTest.sha256;
import static dev.fusebench.testing.MountedFs.sh;
import static org.junit.jupiter.api.Assertions.*;

/**
 * FUSE over io_uring on /dev/fuse (Linux 6.14+): with the fuse module's enable_uring on (set for
 * the test and put back), the kernel sends requests through the daemon's rings, one per CPU, and
 * the bytes and metadata come out as over /dev/fuse reads.
 */
@Timeout(120)
class UringTest {
    static final Path ENABLE = Path.of("/sys/module/fuse/parameters/enable_uring");
    @TempDir Path tmp;
    private String before;

    @BeforeEach
    void enable() throws Exception {
        assertTrue(Files.exists(ENABLE), "this host's kernel has FUSE over io_uring (6.14+, CONFIG_FUSE_IO_URING)");
        before = Files.readString(ENABLE).strip();
        Files.writeString(ENABLE, "Y");
    }

    @AfterEach
    void restore() throws Exception {
        Files.writeString(ENABLE, before);
    }

    static final NegotiationSettings RING = NegotiationSettings.MAX_PAGES.withFlag("OVER_IO_URING", true).named("ring");

    @Test
    void requestsTravelTheRingsAndTheBytesAreRight() throws Exception {
        byte[] data = new byte[8 << 20];
        new Random(11).nextBytes(data);
        MountedFs m = new MountedFs(tmp.resolve("ring"), RING, CachePolicy.NEVER);
        String copied, listing;
        try {
            Files.write(m.shared.resolve("f"), data);
            assertTrue(Files.exists(m.mount.resolve("f"))); // INIT is answered by now
            assertNotEquals(0, m.server.negotiation().reply().flags() & InitFlag.OVER_IO_URING.mask, "replied OVER_IO_URING");
            // from each CPU, so each queue serves (the kernel picks the caller's CPU's queue)
            for (int cpu = 0; cpu < DevFuseSession.possibleCpus(); cpu++) {
                sh(m.mount, "taskset", "-c", Integer.toString(cpu), "dd", "if=f", "of=g" + cpu, "bs=1M", "iflag=direct", "oflag=direct");
                sh(m.mount, "taskset", "-c", Integer.toString(cpu), "dd", "if=f", "of=/dev/null", "bs=128k");
            }
            sh(m.mount, "mkdir", "d");
            sh(m.mount, "sh", "-c", "echo hi > d/x && ln -s x d/y && mv d/x d/z && chmod 600 d/z");
            listing = sh(m.mount, "ls", "-l", "d");
            sh(m.mount, "rm", "-r", "d");
            copied = sha256(Files.readAllBytes(m.shared.resolve("g0")));
        } finally {
            m.close();
        }
        assertEquals(sha256(data), copied, "the bytes written through the rings are the file's");
        assertTrue(listing.contains("-rw------- ") && listing.contains("y -> x"), listing);
        Map<String, Long> queues = m.stats.requestsPerQueue();
        for (int q = 0; q < DevFuseSession.possibleCpus(); q++)
            assertTrue(queues.getOrDefault("uring-" + q, 0L) > 0, "queue " + q + " served: " + queues);
        var reads = m.stats.summary().get("READ");
        assertEquals(java.util.Set.of(128L << 10, 1L << 20), reads.size().histogram().keySet(),
                "1 MiB direct reads whole through the ring's payload, 128 KiB reads as they were asked");
        assertTrue(queues.get("dev-fuse") < 10, "only INIT (and FORGETs) read from /dev/fuse: " + queues);
        assertNull(m.stats.facts().uringFailure, "no queue failed");
        assertEquals(0, m.fs.openHandles());
    }

    @Test
    void withoutEnableUringTheKernelDoesNotOfferItAndDevFuseServes() throws Exception {
        Files.writeString(ENABLE, "N");
        MountedFs m = new MountedFs(tmp.resolve("plain"), RING, CachePolicy.NEVER);
        try {
            Files.write(m.shared.resolve("f"), new byte[1 << 20]);
            sh(m.mount, "dd", "if=f", "of=/dev/null", "bs=1M", "iflag=direct");
            assertEquals(0, m.server.negotiation().offered().flags() & InitFlag.OVER_IO_URING.mask, "not offered");
        } finally {
            m.close();
        }
        assertEquals(Map.of(), m.stats.requestsPerQueue(), "no rings");
        assertTrue(m.stats.summary().get("READ").count() >= 1, "READs served from /dev/fuse");
    }
}
