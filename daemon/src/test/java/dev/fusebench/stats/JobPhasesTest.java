package dev.fusebench.stats;

import dev.fusebench.fuse.InitFlag;
import dev.fusebench.fuse.NegotiationSettings;
import dev.fusebench.testing.RecordingFs;
import dev.fusebench.testing.Requests;
import dev.fusebench.testing.ServerHarness;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Job marks cut the daemon's statistics into phases that add up to the whole, with exact request sizes. */
class JobPhasesTest {
    @Test
    @SuppressWarnings("unchecked")
    void marksSplitTheRequestsIntoPhasesThatAddUpToTheTotal() {
        RecordingFs fs = new RecordingFs();
        try (ServerHarness h = new ServerHarness(fs, NegotiationSettings.BASELINE)) {
            h.init(InitFlag.LINUX_6_1_VIRTIOFS_OFFER);
            h.call(Requests.read(2, 7, 0, 4096));
            h.call(Requests.lookup(1, JobMarks.beforeJob(1)));
            assertTrue(fs.calls.contains("lookup 1 .fusebench-job-1"), "a mark is an ordinary lookup for the file system: " + fs.calls);
            for (int i = 0; i < 3; i++) {
                h.call(Requests.read(2, 7, 0, 131056));
                h.call(Requests.read(2, 7, 131056, 16));
            }
            h.call(Requests.lookup(1, JobMarks.beforeJob(2)));
            h.call(Requests.read(2, 7, 0, 131072));
            h.call(Requests.lookup(5, JobMarks.beforeJob(3))); // not in the root: not a mark
            h.call(Requests.lookup(1, JobMarks.END));

            assertEquals(List.of("boot", "job-1", "job-2", "end"), h.stats.phases());
            Map<String, StatsFile.OpcodeFigures> job1 = h.stats.summary(1);
            assertEquals(Map.of(16L, 3L, 131056L, 3L), job1.get("READ").size().histogram(), "exact sizes, not 3-digit buckets");
            assertTrue(job1.get("READ").size().exact());
            assertEquals(1, job1.get("LOOKUP").count(), "the mark counts in the phase it starts");
            assertEquals(Map.of(131072L, 1L), h.stats.summary(2).get("READ").size().histogram());
            assertEquals(2, h.stats.summary(2).get("LOOKUP").count(), "the non-root lookup is an ordinary request of job 2");

            long sum = 0;
            for (int p = 0; p < h.stats.phases().size(); p++)
                for (var s : h.stats.summary(p).values()) sum += s.count();
            long total = h.stats.summary().values().stream().mapToLong(StatsFile.OpcodeFigures::count).sum();
            assertEquals(total, sum);
            assertEquals(8, h.stats.summary().get("READ").count());

            // the file as written (snake_case, sizes as keys), and read back into the same types
            JsonNode tree = h.stats.snapshot().toTree();
            JsonNode phases = tree.path("phases");
            assertEquals("job-1", phases.get(1).path("mark").asText());
            JsonNode size = phases.get(1).path("opcodes").path("READ").path("size");
            assertEquals(3, size.path("histogram").path("16").asLong());
            assertEquals(3, size.path("histogram").path("131056").asLong());
            assertEquals(131056L, size.path("max").asLong());
            assertEquals(16L, size.path("p50").asLong());
            assertTrue(tree.path("negotiation").has("effective_max_pages"), tree.path("negotiation").toString());
            StatsFile back = StatsFile.of(tree);
            assertEquals(job1, back.phase("job-1").opcodes());
            assertEquals(h.stats.summary(), back.opcodes());
        }
    }

    @Test
    void withoutMarksThereAreNoPhases() {
        try (ServerHarness h = new ServerHarness(new RecordingFs(), NegotiationSettings.BASELINE)) {
            h.init(InitFlag.LINUX_6_1_VIRTIOFS_OFFER);
            h.call(Requests.lookup(1, ".fusebench-job-1/x".substring(0, 11))); // ".fusebench-": prefix alone, no label
            h.call(Requests.lookup(1, ".fusebench-JOB")); // labels are lower case
            assertEquals(List.of("boot"), h.stats.phases());
            assertFalse(h.stats.snapshot().toTree().has("phases"));
            assertNull(h.stats.snapshot().phases());
        }
    }

    @Test
    void sizesBeyondTheExactTableAreCountedAndMarkedInexact() {
        SizeCounts c = new SizeCounts();
        for (long s = 1; s <= SizeCounts.DISTINCT + 100; s++) c.record(s * 1000);
        c.record(1000);
        Map<Long, Long> into = new java.util.TreeMap<>();
        assertFalse(c.addTo(into));
        assertEquals(2L, into.get(1000L));
        assertEquals(SizeCounts.DISTINCT + 101, into.values().stream().mapToLong(Long::longValue).sum());
    }

    @Test
    void labelsAreReadFromNamesWithoutAllocatingForOthers() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocateFrom(".fusebench-job-12", StandardCharsets.US_ASCII);
            assertEquals("job-12", JobMarks.label(s, 0, s.byteSize() - 1));
            MemorySegment other = a.allocateFrom("fusebench.dat", StandardCharsets.US_ASCII);
            assertNull(JobMarks.label(other, 0, other.byteSize() - 1));
        }
    }

    /**
     * Anyone in the guest can look marker names up: 100,000 of them (a stat loop, and as many
     * different names) leave the phases, and with them the histograms, bounded, and the daemon
     * serving. The ignored ones are counted.
     */
    @Test
    void markLookupsCannotGrowTheStatisticsWithoutBound() {
        RecordingFs fs = new RecordingFs();
        try (ServerHarness h = new ServerHarness(fs, NegotiationSettings.BASELINE)) {
            h.init(InitFlag.LINUX_6_1_VIRTIOFS_OFFER);
            for (int i = 0; i < 50_000; i++) h.call(Requests.lookup(1, ".fusebench-a"));
            assertEquals(2, h.stats.phases().size(), "a repeated mark continues its phase");
            for (int i = 0; i < 50_000; i++) h.call(Requests.lookup(1, ".fusebench-x" + i));
            assertEquals(JobMarks.MAX_PHASES, h.stats.phases().size());
            assertEquals(0, h.call(Requests.read(2, 7, 0, 4096)).error(), "still serving");
            assertEquals((long) 50_000 - (JobMarks.MAX_PHASES - 2), h.stats.snapshot().marksIgnored());
            assertEquals((long) 50_000 - (JobMarks.MAX_PHASES - 2), h.stats.snapshot().toTree().path("marks_ignored").asLong());
        }
    }
}
