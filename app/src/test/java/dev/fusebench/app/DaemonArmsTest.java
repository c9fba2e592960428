package dev.fusebench.app;

import dev.fusebench.bench.daemons.VirtiofsdRust;
import dev.fusebench.bench.guest.GuestImage;
import dev.fusebench.bench.matrix.RunLines;
import dev.fusebench.bench.matrix.ResultsStore;
import dev.fusebench.bench.results.RunLine;
import dev.fusebench.bench.stats.Comparison;
import dev.fusebench.reports.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Two builds of one daemon as the arms of one matrix (--arms daemons), as a pull request's CI runs
 * its main build against the PR's: each boot holds both, one device each, behind the INIT-rewriting
 * proxy (they take no variants themselves); their results share one cell named for both, the first
 * daemon is the reference, and the report compares the second with it. (Both are the Rust virtiofsd
 * here, spelled out as a user's --daemon-command.)
 */
@Timeout(600)
class DaemonArmsTest {
    @TempDir Path tmp;

    @Test
    void twoBuildsOfOneDaemonAreTheArmsOfOneCell() throws Exception {
        var rust = new VirtiofsdRust(GuestImage.defaultCache());
        String template = String.join(" ", rust.command(Path.of("{shared}"), Path.of("{socket}"), "max-pages", null));
        Path out = tmp.resolve("pr");
        assertEquals(0, Main.execute("matrix", "--daemons", "main,pr", "--arms", "daemons", "--variants", "max-pages",
                "--daemon-command", "main=" + template, "--daemon-command", "pr=" + template, "--workloads", "seq-read",
                "--iterations", "2", "--rounds", "2", "--quick", "--seed", "3", "--out", out.toString(),
                "--workloads-dir", Path.of("..", "guest-workloads").toString()));
        List<RunLine> runs = RunLines.runs(new ResultsStore(out).read(false));
        assertEquals(4, runs.size(), "two boots, each with both daemons");
        for (RunLine r : runs) {
            assertEquals("ok", r.result().status(), r.result().failure());
            assertEquals(r.result().daemon().name(), r.arm(), "each daemon's arm is named for it");
            assertEquals("main vs pr", r.cellDaemon());
        }
        assertEquals(Set.of("main", "pr"), runs.stream().map(RunLine::arm).collect(Collectors.toSet()));
        assertEquals("daemons", new ResultsStore(out).environment().path("arms").asText());

        ResultSet rs = new ResultSet(out);
        assertEquals(1, rs.cells().size(), "one cell: " + rs.cells());
        RunLines.Cell cell = rs.cells().getFirst();
        assertEquals("main vs pr", cell.daemon());
        assertEquals("main", rs.reference);
        assertEquals(List.of("main", "pr"), rs.armsOf(cell));
        Comparison pr = rs.compare(cell, "pr");
        assertNotNull(pr, "pr is compared with main");
        assertTrue(Double.isFinite(pr.effectPct()), pr.toString());
        assertTrue(Files.readString(out.resolve("summary.md")).contains("main vs pr"));
    }
}
