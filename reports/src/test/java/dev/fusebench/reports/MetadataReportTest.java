package dev.fusebench.reports;

import dev.fusebench.bench.matrix.ResultsStore;
import dev.fusebench.bench.results.RunLine;
import dev.fusebench.bench.results.RunResult;
import dev.fusebench.bench.workload.FioResult;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Metadata workloads in the report: their own metric (files/s, entries/s), compared like any other. */
class MetadataReportTest {
    @TempDir Path dir;

    @Test
    void filesAndEntriesPerSecondAreComparedLikeTheOthers() throws Exception {
        ResultsStore store = new ResultsStore(dir);
        store.create(Map.of("reference_variant", "baseline", "iterations", 6));
        List<RunLine> lines = new ArrayList<>();
        for (int block = 1; block <= 6; block++) {
            for (String arm : List.of("baseline", "max-pages")) {
                RunResult.Builder b = new RunResult.Builder();
                b.arm = arm;
                b.daemon = new RunResult.DaemonInfo("java", "fusebench", true, null, null);
                double k = arm.equals("baseline") ? 1.0 : 1.5;
                var create = new FioResult.Direction(2000 * 4096L, 0, 1000 * k + block, 2000, 10, Map.of("50", 9.0), 2000);
                lines.add(new RunLine(RunLine.TYPE, "i" + block + "/java/" + arm, block, false, arm.equals("baseline") ? 1 : 2,
                        List.of("baseline", "max-pages"), 30.0, "h", "6.1/q1024", null,
                        b.ok("meta-create", null, null, Map.of(), new FioResult("meta-create", 0, null, create, ""))
                                .withRequests(new dev.fusebench.bench.results.JobRequests("daemon",
                                        Map.of("CREATE", new dev.fusebench.bench.results.JobRequests.Opcode(2000, null)), null))));
                var tiny = new FioResult.Direction(65536, 1e6, 16, 1, 10, Map.of("50", 9.0), 16);
                lines.add(new RunLine(RunLine.TYPE, "i" + block + "/java/" + arm, block, false, arm.equals("baseline") ? 1 : 2,
                        List.of("baseline", "max-pages"), 30.0, "h", "6.1/q1024", null,
                        b.ok("readdir", null, null, Map.of(), new FioResult("readdir", 0, tiny, null, "")).withMetric(50000 * k + block)));
            }
        }
        store.append(lines);
        var doc = Jsoup.parse(Files.readString(ReportBuilder.build(dir)));
        String summary = doc.select("#summary").text();
        assertTrue(summary.contains("meta-create java · 6.1/q1024 files/s"), summary);
        assertTrue(summary.contains("readdir java · 6.1/q1024 entries/s"), summary);
        String md = Files.readString(dir.resolve("summary.md"));
        String readdir = md.lines().filter(l -> l.startsWith("| readdir")).findFirst().orElseThrow();
        assertTrue(readdir.contains("50,004") && readdir.contains("75,004") && readdir.contains("+50."), "readdir's own figure, compared: " + readdir);
        assertTrue(readdir.contains("faster"), readdir);
        assertTrue(doc.select("#why").isEmpty(), "no READs-per-I/O line for jobs that move no data");
    }
}
