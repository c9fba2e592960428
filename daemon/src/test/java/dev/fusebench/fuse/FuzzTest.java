package dev.fusebench.fuse;

import dev.fusebench.testing.Fixtures;
import dev.fusebench.fuzz.FuseRequestTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Random and mutated requests against the real passthrough file system, on a small tmpfs so that
 * nothing a mutation asks for (a huge fallocate, say) can hurt the machine: the seeded CI run of
 * the fuseRequest fuzz target, whose checks (one reply with its unique and an errno in range, or a
 * counted drop, no unexpected exception, nothing outside the share touched) apply to every input.
 */
@Timeout(300)
class FuzzTest {
    @TempDir Path tmp;

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
    void mutatedKernelRequests() throws Exception {
        run(new Random(20261125), 20_000, true);
    }

    @Test
    void randomBytes() throws Exception {
        run(new Random(42), 5_000, false);
    }

    private void run(Random r, int count, boolean mutated) throws Exception {
        List<byte[]> seeds = Fixtures.NAMES.stream().filter(n -> !n.startsWith("INIT")).map(Fixtures::load).toList();
        try (FuseRequestTarget target = new FuseRequestTarget(tmp)) {
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
                target.accept(req);
            }
            assertEquals(count, target.requests);
            assertTrue(target.replied > count / 2, "most requests get replies: " + target.replied);
        }
    }
}
