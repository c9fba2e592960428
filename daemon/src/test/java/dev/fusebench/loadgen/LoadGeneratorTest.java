package dev.fusebench.loadgen;

import dev.fusebench.fuse.FuseServer;
import dev.fusebench.fuse.NegotiationSettings;
import dev.fusebench.passthrough.CachePolicy;
import dev.fusebench.passthrough.PassthroughFs;
import dev.fusebench.stats.DaemonStats;
import dev.fusebench.sys.Flags;
import dev.fusebench.sys.Libc;
import dev.fusebench.vhostuser.VhostUserBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.*;

/** The load generator checks what it gets back, and the daemon's warm-up uses it and leaves nothing behind. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LoadGeneratorTest {
    @TempDir Path tmp;

    /** Our backend on one end of a socketpair, the generator's frontend on the other. */
    private static int[] pair() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(8);
            assertEquals(0, Libc.socketpair(Flags.AF_UNIX, Flags.SOCK_STREAM | Flags.SOCK_CLOEXEC, 0, p));
            return new int[]{p.get(JAVA_INT, 0), p.get(JAVA_INT, 4)};
        }
    }

    @Test
    void aReadThatReturnsOtherBytesIsCaught() throws Exception {
        long fileBytes = 4L << 20;
        Path file = tmp.resolve(LoadGenerator.FILE_NAME);
        LoadGenerator.prepareFile(file, fileBytes);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(3 * 131072);
            f.writeLong(0x5eed); // block 3's stamp no longer says 393216
        }
        PassthroughFs fs = new PassthroughFs(tmp, CachePolicy.NEVER);
        VhostUserBackend backend = new VhostUserBackend(new FuseServer(fs, NegotiationSettings.MAX_PAGES, new DaemonStats()));
        int[] fds = pair();
        Thread serving = new Thread(() -> { backend.serve(fds[1]); backend.release(); });
        serving.start();
        try (VhostUserFrontend fe = new VhostUserFrontend(fds[0], 256, LoadGenerator.memoryFor(131072, 2, 4096))) {
            LoadGenerator gen = new LoadGenerator(fe, 131072, 2, 4096, fileBytes);
            gen.open(serving::isAlive);
            assertEquals(256, gen.maxPages);
            LoadGenerator.Outcome first = gen.run(LoadGenerator.Op.READ, 131072, 10, 0, 3, 1, serving::isAlive);
            assertNull(first.error(), "blocks 0-2 are intact");
            assertEquals(3, first.ops());
            LoadGenerator.Outcome bad = gen.run(LoadGenerator.Op.READ, 131072, 10, 0, 10, 1, serving::isAlive);
            assertNotNull(bad.error());
            assertTrue(bad.error().contains("read of 131072 bytes at 393216: the data read is not the file's"), bad.error());
            LoadGenerator.Outcome write = gen.run(LoadGenerator.Op.WRITE, 131072, 10, 0, 32, 1, serving::isAlive);
            assertNull(write.error());
            assertEquals(32, write.ops(), "writes wrap around the 4 MiB file");
            assertNull(gen.run(LoadGenerator.Op.RANDREAD, 4096, 10, 0, 200, 7, serving::isAlive).error(),
                    "the writes restored every block's stamp");
            gen.metadataRound(serving::isAlive);
            gen.release(serving::isAlive);
        }
        serving.join(10_000);
        assertFalse(serving.isAlive(), "the backend ends when its frontend goes");
        fs.close();
    }

    @Test
    void sizesAboveWhatWasNegotiatedAreRefusedWithTheLimit() throws Exception {
        LoadGenerator.prepareFile(tmp.resolve(LoadGenerator.FILE_NAME), 2L << 20);
        PassthroughFs fs = new PassthroughFs(tmp, CachePolicy.NEVER);
        VhostUserBackend backend = new VhostUserBackend(new FuseServer(fs, NegotiationSettings.BASELINE, new DaemonStats()));
        int[] fds = pair();
        Thread serving = new Thread(() -> { backend.serve(fds[1]); backend.release(); });
        serving.start();
        try (VhostUserFrontend fe = new VhostUserFrontend(fds[0], 256, LoadGenerator.memoryFor(1 << 20, 1, 4096))) {
            LoadGenerator gen = new LoadGenerator(fe, 1 << 20, 1, 4096, 2L << 20);
            gen.open(serving::isAlive);
            assertEquals(131072, gen.limit(), "baseline: 32 pages");
            LoadGenerator.Outcome o = gen.run(LoadGenerator.Op.WRITE, 1 << 20, 1, 0, serving::isAlive);
            assertNotNull(o.error());
            assertTrue(o.error().contains("use --size 128k or less"), o.error());
        }
        serving.join(10_000);
        fs.close();
    }

    @Test
    void warmUpServesItsRequestsAndLeavesNoScratchFiles() throws Exception {
        Path scratchParent = Path.of(System.getProperty("java.io.tmpdir"));
        long before;
        try (var l = Files.list(scratchParent)) { before = l.filter(p -> p.getFileName().toString().startsWith("fusebench-warmup-")).count(); }
        WarmUp.Result r = WarmUp.run(NegotiationSettings.MAX_PAGES, CachePolicy.NEVER, 1200);
        assertTrue(r.requests() >= 1200 + 300, "two sessions: " + r);
        assertTrue(r.seconds() > 0);
        long after;
        try (var l = Files.list(scratchParent)) { after = l.filter(p -> p.getFileName().toString().startsWith("fusebench-warmup-")).count(); }
        assertEquals(before, after, "the scratch directory is removed");
    }
}
