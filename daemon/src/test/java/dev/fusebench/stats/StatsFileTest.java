package dev.fusebench.stats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fusebench.fuse.InitFlag;
import dev.fusebench.fuse.NegotiationSettings;
import dev.fusebench.testing.RecordingFs;
import dev.fusebench.testing.Requests;
import dev.fusebench.testing.ServerHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The statistics file as one typed tree: written and read back with the same types, and older files still read. */
class StatsFileTest {
    @TempDir Path tmp;

    /** A file the daemon wrote at 3105901 (a real one, trimmed; plus a field this version does not know). */
    @Test
    void aFileFromBeforeTheTypesReads() throws Exception {
        JsonNode tree = new ObjectMapper().readTree(getClass().getResourceAsStream("/stats/written-by-3105901.json"));
        StatsFile f = StatsFile.of(tree);
        assertEquals("vhost-user", f.daemon().transport);
        assertEquals(1024, f.daemon().queueSize);
        assertEquals(90132, f.daemon().warmUp.requests());
        assertEquals(7, f.daemon().injectedStall.stalled());
        assertEquals(18731, f.daemon().guestDescriptors.limit());
        assertEquals("namespace", f.daemon().sandbox.mode());
        assertEquals(32, f.negotiation().effectiveMaxPages());
        assertEquals(1020, f.negotiation().virtqueueMaxPages());
        assertFalse(f.negotiation().replied("MAX_PAGES"));
        assertEquals(Map.of(16L, 25676L, 4096L, 52119L, 131056L, 25676L), f.opcodes().get("READ").size().histogram());
        assertEquals(103471, f.phase("job-1").opcodes().get("READ").count());
        assertNull(f.phase("job-2"));
        assertEquals(161554L, f.requestsPerQueue().get("queue-1"));
        assertEquals(0, f.requestsOnRings());
        // written again, it says the same (but for what this version does not know)
        StatsFile again = StatsFile.of(f.toTree());
        assertEquals(f.negotiation(), again.negotiation());
        assertEquals(f.opcodes(), again.opcodes());
        assertEquals(f.phases(), again.phases());
        assertEquals(f.daemon().warmUp, again.daemon().warmUp);
    }

    /** What a serving daemon writes: the negotiation computed once, the facts set where they became known. */
    @Test
    void aServedRunIsWrittenAndReadBack() throws Exception {
        try (ServerHarness h = new ServerHarness(new RecordingFs(), NegotiationSettings.MAX_PAGES)) {
            h.stats.facts().transport = "vhost-user";
            h.stats.facts().queueSize = 128;
            h.init(InitFlag.LINUX_6_1_VIRTIOFS_OFFER);
            h.call(Requests.lookup(1, JobMarks.beforeJob(1)));
            h.call(Requests.read(2, 7, 0, 1 << 20));
            Path file = tmp.resolve("stats.json");
            h.stats.writeJson(file);
            StatsFile f = StatsFile.read(file);
            assertEquals(124, f.negotiation().virtqueueMaxPages(), "a 128-entry queue carries 124 pages");
            assertEquals(124, f.negotiation().effectiveMaxPages(), "capped by the queue below the replied 256");
            assertEquals(256, f.negotiation().maxPages());
            assertTrue(f.negotiation().replied("MAX_PAGES"));
            assertEquals(List.of("boot", "job-1"), f.phases().stream().map(StatsFile.Phase::mark).toList());
            assertEquals(1, f.phase("job-1").opcodes().get("READ").count());
            assertEquals(Map.of((long) (1 << 20), 1L), f.opcodes().get("READ").size().histogram());
            String text = Files.readString(file);
            assertTrue(text.contains("\"effective_max_pages\" : 124") && text.contains("\"queue_size\" : 128"), text);
            assertFalse(text.contains("marks_ignored") || text.contains("uring"), "unset facts are left out: " + text);
        }
    }
}
