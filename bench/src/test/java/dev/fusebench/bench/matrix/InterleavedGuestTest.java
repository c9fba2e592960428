package dev.fusebench.bench.matrix;

import dev.fusebench.bench.results.RunLine;
import dev.fusebench.bench.results.SliceResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * One real guest holding four arms: two variants on two queue sizes (a device axis given two values
 * is an arm in this design), four vhost-user-fs-pci devices, four Java daemons. Each slice's
 * requests reach only its own arm's daemon: 1 MiB READs on max-pages with 1024 descriptors, at most
 * 28 pages (the queue size 32 less 4) on max-pages with 32, at most 128 KiB on baseline.
 */
@Timeout(600)
class InterleavedGuestTest {
    @TempDir Path tmp;

    @Test
    void eachArmsSlicesReachOnlyItsOwnDevice() throws Exception {
        Path out = tmp.resolve("g");
        assertEquals(0, new CommandLine(new MatrixCommand(null)).execute("--variants", "baseline,max-pages", "--queue-sizes", "1024,32",
                "--workloads", "direct-read-1m",
                "--iterations", "1", "--rounds", "2", "--warmup", "0", "--size", "32", "--out", out.toString(),
                "--workloads-dir", MatrixFaultsTest.WORKLOADS.toString()));
        List<RunLine> runs = RunLines.runs(new ResultsStore(out).read(false));
        assertEquals(4, runs.size(), "one line per arm of the one boot");
        assertEquals(1, runs.stream().map(RunLine::unit).distinct().count(), "one boot");
        assertEquals(java.util.Set.of("baseline@q1024", "baseline@q32", "max-pages@q1024", "max-pages@q32"),
                runs.stream().map(RunLine::arm).collect(java.util.stream.Collectors.toSet()));
        assertEquals("baseline@q1024", new ResultsStore(out).read(false).getFirst().get("reference_variant").asText());
        for (RunLine r : runs) {
            assertEquals("ok", r.result().status(), r.result().failure() + "\n" + r.result().consoleTail());
            assertTrue(String.join(" ", r.result().qemu().command()).contains("fb.pin=1"), "fio and the interrupts pinned (--pin on)");
            assertEquals(2, r.result().slices().size());
            for (SliceResult s : r.result().slices()) {
                assertTrue(s.ok(), s.failure());
                assertTrue(s.seconds() >= 1, "a 1 s slice, marker to marker: " + s.seconds());
                var reads = s.requests().opcode("READ").sizes();
                long max = reads.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
                int queue = r.arm().endsWith("@q32") ? 32 : 1024;
                assertEquals(queue, r.result().guest().queueSize(), "the arm's own device");
                if (r.arm().equals("max-pages@q1024")) assertEquals(1L << 20, max, r.arm() + " slice " + s.id() + ": " + reads);
                else if (r.arm().equals("max-pages@q32")) assertEquals(28 * 4096L, max, r.arm() + " slice " + s.id() + ": " + reads);
                else assertTrue(max <= 131072, r.arm() + " slice " + s.id() + ": " + reads);
            }
        }
        assertTrue(ProcessHandle.current().descendants().noneMatch(ProcessHandle::isAlive), "nothing left running");
    }
}
