package dev.fusebench.fuzz;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The short, seeded fuzz runs CI makes on every change: mutations of well-formed inputs and plain
 * random bytes through the same targets the coverage-guided fuzzer drives in long runs
 * (FuzzTargetsTest, ./run-bench.sh fuzz). The FUSE parser's seeded run is FuzzTest.
 */
@Timeout(300)
class SeededFuzzTest {
    @TempDir Path tmp;

    @Test
    void hostileRings() {
        List<byte[]> seeds = List.of(Seeds.ring(true), Seeds.ring(false));
        Random r = new Random(20261125);
        try (VirtqueueTarget t = new VirtqueueTarget()) {
            for (byte[] s : seeds) t.accept(s);
            assertEquals(6, t.chains, "the seeds themselves: 3 chains each");
            assertEquals(0, t.refused, "the seeds are well-formed");
            for (int i = 0; i < 20_000; i++) {
                byte[] in;
                if (i % 10 == 0) {
                    in = new byte[r.nextInt(2048)];
                    r.nextBytes(in);
                } else {
                    in = Seeds.mutate(seeds.get(r.nextInt(seeds.size())), seeds, r);
                }
                t.accept(in);
            }
            assertTrue(t.refused > 100 && t.chains - t.refused > 1000, "both kinds reached: " + t.chains + " chains, " + t.refused + " refused");
        }
    }

    @Test
    void hostileVhostUserMessages() throws Exception {
        List<byte[]> seeds = List.of(Seeds.vhostHandshake());
        Random r = new Random(7);
        try (VhostMessageTarget t = new VhostMessageTarget(tmp.resolve("share"))) {
            t.accept(seeds.getFirst());
            for (int i = 0; i < 400; i++) {
                byte[] in;
                if (i % 8 == 0) {
                    in = new byte[r.nextInt(1024)];
                    r.nextBytes(in);
                } else {
                    in = Seeds.mutate(seeds.getFirst(), seeds, r);
                }
                t.accept(in);
            }
            assertTrue(t.messages > 4000, "messages sent: " + t.messages);
        }
    }
}
