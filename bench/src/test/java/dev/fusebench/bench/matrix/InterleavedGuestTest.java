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
 * One real guest holding two arms: two vhost-user-fs-pci devices, two Java daemons with different
 * variants. Each slice's requests reach only its own arm's daemon: 1 MiB READs on max-pages, at
 * most 128 KiB on baseline.
 */
@Timeout(600)
class InterleavedGuestTest {
    @TempDir Path tmp;

    @Test
    void eachArmsSlicesReachOnlyItsOwnDevice() throws Exception {
        Path out = tmp.resolve("g");
        assertEquals(0, new CommandLine(new MatrixCommand(null)).execute("--variants", "baseline,max-pages", "--workloads", "direct-read-1m",
                "--iterations", "1", "--rounds", "2", "--warmup", "0", "--size", "32", "--out", out.toString(),
                "--workloads-dir", MatrixFaultsTest.WORKLOADS.toString()));
        List<RunLine> runs = RunLines.runs(new ResultsStore(out).read(false));
        assertEquals(2, runs.size(), "one line per arm of the one boot");
        assertEquals(runs.get(0).unit(), runs.get(1).unit(), "one boot");
        for (RunLine r : runs) {
            assertEquals("ok", r.result().status(), r.result().failure() + "\n" + r.result().consoleTail());
            assertEquals(2, r.result().slices().size());
            for (SliceResult s : r.result().slices()) {
                assertTrue(s.ok(), s.failure());
                assertTrue(s.seconds() >= 1, "a 1 s slice, marker to marker: " + s.seconds());
                var reads = s.requests().opcode("READ").sizes();
                long max = reads.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
                if (r.arm().equals("max-pages")) assertEquals(1L << 20, max, "max-pages slice " + s.id() + ": " + reads);
                else assertTrue(max <= 131072, "baseline slice " + s.id() + ": " + reads);
            }
        }
        assertTrue(ProcessHandle.current().descendants().noneMatch(ProcessHandle::isAlive), "nothing left running");
    }
}
