package dev.fusebench.devfuse;

import dev.fusebench.fuse.NegotiationSettings;
import dev.fusebench.passthrough.CachePolicy;
import dev.fusebench.stats.StatsFile;
import dev.fusebench.testing.MountedFs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static dev.fusebench.testing.MountedFs.sh;
import static org.junit.jupiter.api.Assertions.*;

/** The negotiated max_pages decides the size of the READs and WRITEs the kernel sends. */
@Timeout(120)
class NegotiationEffectTest {
    @TempDir Path tmp;

    private Map<String, StatsFile.OpcodeFigures> directIo(String name, NegotiationSettings s) throws Exception {
        MountedFs m = new MountedFs(tmp.resolve(name), s, CachePolicy.AUTO);
        try {
            Files.write(m.shared.resolve("f"), new byte[4 << 20]);
            sh(m.mount, "dd", "if=f", "of=/dev/null", "bs=1M", "iflag=direct");
            sh(m.mount, "dd", "if=/dev/zero", "of=g", "bs=1M", "count=4", "oflag=direct");
        } finally {
            m.close(); // workers joined: their statistics are complete
        }
        return m.stats.summary();
    }

    @Test
    void maxPagesGivesOneMebibyteRequests() throws Exception {
        var ops = directIo("max", NegotiationSettings.MAX_PAGES);
        assertEquals(1 << 20, ops.get("READ").size().max());
        assertEquals(1 << 20, ops.get("READ").size().p50());
        assertEquals(1 << 20, ops.get("WRITE").size().max());
        assertTrue(ops.get("READ").count() >= 4);
    }

    @Test
    void baselineStaysAtOneHundredTwentyEightKibibytes() throws Exception {
        var ops = directIo("base", NegotiationSettings.BASELINE);
        assertTrue(ops.get("READ").size().max() <= 131072, "READ max " + ops.get("READ").size().max());
        assertEquals(131072, ops.get("READ").size().max());
        assertTrue(ops.get("READ").count() >= 32, "4 MiB in 128 KiB READs");
        assertTrue(ops.get("WRITE").size().max() <= 131072);
    }

    @Test
    void customMaxPagesIsHonoured() throws Exception {
        var ops = directIo("custom", NegotiationSettings.BASELINE.withMaxPages("64"));
        assertEquals(64 * 4096, ops.get("READ").size().max());
    }
}
