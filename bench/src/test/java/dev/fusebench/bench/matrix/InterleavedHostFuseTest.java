package dev.fusebench.bench.matrix;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fusebench.bench.results.RunLine;
import dev.fusebench.bench.results.SliceResult;
import dev.fusebench.bench.stats.Analysis;
import dev.fusebench.bench.stats.Comparison;
import org.apache.commons.math3.distribution.TDistribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The interleaved design on host-fuse: one mount and daemon per arm, the arms taking turns in slices. */
@Timeout(400)
class InterleavedHostFuseTest {
    @TempDir Path tmp;

    /** A quick interleaved host-fuse plan; {@code more} options (pairs) are added or replace the defaults. */
    static int matrix(Path out, String variants, String... more) {
        Map<String, String> opts = new java.util.LinkedHashMap<>();
        String[] defaults = {"--transport", "host-fuse", "--workloads", "direct-read-1m", "--variants", variants, "--iterations", "4",
                "--rounds", "4", "--slice", "1", "--size", "32", "--seed", "11", "--out", out.toString(),
                "--workloads-dir", HostFuseMatrixTest.WORKLOADS.toString()};
        for (int i = 0; i < defaults.length; i += 2) opts.put(defaults[i], defaults[i + 1]);
        for (int i = 0; i < more.length; i += 2) opts.put(more[i], more[i + 1]);
        List<String> a = new ArrayList<>();
        opts.forEach((k, v) -> { a.add(k); a.add(v); });
        return new CommandLine(new MatrixCommand(null)).execute(a.toArray(String[]::new));
    }

    static List<RunLine> runs(Path out) throws Exception { return RunLines.runs(new ResultsStore(out).read(false)); }

    static Comparison comparison(Path out, String arm) throws Exception {
        List<JsonNode> lines = new ResultsStore(out).read(false);
        Analysis<RunLines.Cell> a = Analysis.of(RunLines.observations(lines), lines.getFirst().get("reference_variant").asText(),
                lines.getFirst().get("threshold_pct").asDouble());
        assertEquals(1, a.results().size());
        Comparison c = a.results().getFirst().comparison();
        assertEquals(arm, a.results().getFirst().arm());
        return c;
    }

    // 16 KiB against 1 MiB READs, each arm on its own daemon, slice by slice, in the recorded order,
    // and "faster": app's TailGateTest (the same plan through the whole command line, report and gate).

    /**
     * An A/A run (max-pages against the same settings under another name) claims no difference at the
     * 0.1% level: the boot-level t statistic stays inside its 99.95% quantile. (The report's own verdict
     * uses 5%, so it would be "faster" or "slower" in one A/A run of twenty by design; a test that
     * asserted that would fail as often.)
     */
    @Test
    void anAaRunClaimsNoDifference() throws Exception {
        Path out = tmp.resolve("aa");
        assertEquals(0, matrix(out, "max-pages,mp2:max_pages=256"));
        Comparison c = comparison(out, "mp2");
        assertEquals(4, c.pairs());
        double halfWidth95 = (Math.log1p(c.ciHighPct() / 100) - Math.log1p(c.ciLowPct() / 100)) / 2;
        TDistribution t = new TDistribution(null, c.df()); // the interval's own df
        double se = halfWidth95 / t.inverseCumulativeProbability(0.975);
        double stat = Math.abs(Math.log1p(c.effectPct() / 100)) / se;
        assertTrue(stat < t.inverseCumulativeProbability(0.9995), "A/A: |t| " + stat + " over " + c.pairs() + " boots: " + c);
    }

    /** A daemon killed mid-run fails its arm's slices of that boot, with the reason; the other arm's slices count, and the run goes on. */
    @Test
    void aKilledDeviceFailsOnlyItsArm() throws Exception {
        Path out = tmp.resolve("kill");
        assertEquals(0, matrix(out, "baseline,max-pages", "--iterations", "2", "--inject-fault", "1:kill-daemon@3"));
        List<RunLine> runs = runs(out);
        assertEquals(4, runs.size());
        List<String> devices = runs.getFirst().blockOrder();
        for (RunLine r : runs) {
            boolean killed = r.iteration() == 1 && r.position() == devices.size();
            if (killed) {
                assertEquals("failed", r.result().status());
                for (SliceResult s : r.result().slices()) {
                    assertFalse(s.ok());
                    assertTrue(s.failure().contains("the daemon of arm " + r.arm()) && s.failure().contains("killed"), s.failure());
                }
            } else {
                assertEquals("ok", r.result().status(), r.result().failure());
                assertTrue(r.result().slices().stream().allMatch(SliceResult::ok));
            }
        }
        Comparison c = comparison(out, "max-pages");
        assertEquals(1, c.pairs(), "the boot with the killed arm has no pair; the other boot has");
        assertEquals(1, c.dropped());
        assertTrue(ProcessHandle.current().descendants().noneMatch(ProcessHandle::isAlive), "nothing left running");
        assertTrue(dev.fusebench.devfuse.MountTable.under(out.toAbsolutePath()).isEmpty(), "no mount left");
    }

    /** What the interleaved design cannot take: one line and exit 2, nothing started. */
    @Test
    void badInputIsRefused() {
        Path out = tmp.resolve("bad");
        assertEquals(2, matrix(out, "baseline,max-pages", "--slice", "0"), "slice not positive");
        assertEquals(2, matrix(out, "baseline,max-pages", "--rounds", "0"), "no rounds");
        assertEquals(2, matrix(out, "a:max_pages=8;b:max_pages=16;c:max_pages=24;d:max_pages=32;e:max_pages=40;f:max_pages=48;g:max_pages=56;"
                + "h:max_pages=64;i:max_pages=72"), "nine arms: more than one guest takes devices");
        assertEquals(2, matrix(out, "baseline,max-pages", "--workloads", "meta-stat"), "a setup job: not one slice");
        assertEquals(2, matrix(out, "baseline,max-pages", "--workloads", "readdir"), "a script of its own");
        assertEquals(2, matrix(out, "baseline,max-pages", "--design", "blocks"), "no such design");
        assertFalse(java.nio.file.Files.exists(out), "nothing written");
    }
}
