package dev.fusebench.fuse;

import dev.fusebench.passthrough.CachePolicy;
import dev.fusebench.passthrough.PassthroughFs;
import dev.fusebench.testing.Fixtures;
import dev.fusebench.testing.MountedFs;
import dev.fusebench.testing.Requests;
import dev.fusebench.testing.ServerHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Random and mutated requests against the real passthrough file system, on a small tmpfs so that
 * nothing a mutation asks for (a huge fallocate, say) can hurt the machine. Nothing escapes, and
 * every request is answered exactly once or counted as dropped.
 */
@Timeout(300)
class FuzzTest {
    static final Set<Integer> NO_REPLY = Set.of(Opcode.FORGET, Opcode.BATCH_FORGET, Opcode.INTERRUPT);
    @TempDir Path tmp;
    Path shared, outside;

    @BeforeEach
    void tmpfs() throws Exception {
        outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("sentinel"), "s");
        shared = Files.createDirectories(tmp.resolve("shared"));
        MountedFs.sh(tmp, "mount", "-t", "tmpfs", "-o", "size=64m", "fuzz", shared.toString());
        Files.createDirectories(shared.resolve("d"));
        Files.writeString(shared.resolve("a.txt"), "hello");
        Files.createSymbolicLink(shared.resolve("l"), Path.of("a.txt"));
    }

    @AfterEach
    void untmpfs() throws Exception {
        MountedFs.sh(tmp, "umount", "-l", shared.toString());
        try (var s = Files.list(outside)) {
            assertEquals(List.of(outside.resolve("sentinel")), s.toList());
        }
    }

    static byte[] mutate(byte[] seed, Random r) {
        byte[] b = seed.clone();
        switch (r.nextInt(6)) {
            case 0 -> { for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) b[r.nextInt(b.length)] = (byte) r.nextInt(256); }
            case 1 -> { int i = 40 + r.nextInt(Math.max(1, b.length - 40)); if (i < b.length) b[i] = (byte) r.nextInt(256); }
            case 2 -> { // keep the header's length consistent but change an argument word
                if (b.length > 48) { int i = 40 + r.nextInt(b.length - 47) & ~3; ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).putInt(i, r.nextInt()); }
            }
            case 3 -> { b = java.util.Arrays.copyOf(b, Math.max(40, b.length + r.nextInt(64) - 32));
                ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).putInt(0, b.length); }
            case 4 -> ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).putInt(4, r.nextInt(60)); // another opcode, same body
            default -> ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).putLong(16, r.nextInt(8)); // another node id
        }
        return b;
    }

    @Test
    void mutatedKernelRequests() throws IOException {
        run(new Random(20261125), 20_000, true);
    }

    @Test
    void randomBytes() throws IOException {
        run(new Random(42), 5_000, false);
    }

    private void run(Random r, int count, boolean mutated) throws IOException {
        PassthroughFs fs = new PassthroughFs(shared, CachePolicy.AUTO);
        try (ServerHarness h = new ServerHarness(fs, NegotiationSettings.MAX_PAGES)) {
            assertEquals(0, h.init(Requests.KERNEL_FLAGS).error());
            List<byte[]> seeds = Fixtures.NAMES.stream().filter(n -> !n.startsWith("INIT")).map(Fixtures::load).toList();
            long replied = 0, silent = 0;
            for (int i = 0; i < count; i++) {
                byte[] req;
                if (mutated) {
                    req = mutate(seeds.get(r.nextInt(seeds.size())), r);
                } else {
                    req = new byte[r.nextInt(200)];
                    r.nextBytes(req);
                    if (req.length >= 8 && r.nextBoolean()) {
                        ByteBuffer.wrap(req).order(ByteOrder.nativeOrder()).putInt(0, req.length).putInt(4, r.nextInt(60));
                    }
                }
                long droppedBefore = h.stats.dropped();
                ServerHarness.Reply reply = h.call(req);
                if (reply != null) {
                    replied++;
                    assertEquals(ByteBuffer.wrap(req).order(ByteOrder.nativeOrder()).getLong(8), reply.unique());
                    assertTrue(reply.error() <= 0 && reply.error() > -4096, "errno in range");
                } else {
                    silent++;
                    boolean tooShort = req.length < 40;
                    if (tooShort) assertEquals(droppedBefore + 1, h.stats.dropped());
                    else {
                        int opcode = ByteBuffer.wrap(req).order(ByteOrder.nativeOrder()).getInt(4);
                        assertTrue(NO_REPLY.contains(opcode), "no reply to opcode " + opcode);
                    }
                }
            }
            assertEquals(count, replied + silent);
            assertEquals(0, h.server.internalFailures(), "no request may hit an unexpected exception");
            assertTrue(replied > count / 2, "most requests get replies");
        } finally {
            fs.close();
        }
    }
}
