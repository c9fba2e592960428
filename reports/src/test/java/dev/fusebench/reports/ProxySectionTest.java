package dev.fusebench.reports;

import dev.fusebench.stats.StatsFile;
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

/** A peer's variants given through the proxy: the report shows what the daemon replied and what the guest got. */
class ProxySectionTest {
    @TempDir Path dir;

    static RunResult.InitReply reply(List<String> flags, int pages, int write) {
        return new RunResult.InitReply(38, flags, pages, pages, write, 131072, 65535, 49149);
    }

    @Test
    void theDaemonsReplyAndTheGuestsSideBySide() throws Exception {
        ResultsStore store = new ResultsStore(dir);
        store.create(Map.of("reference_variant", "baseline", "iterations", 2));
        List<RunLine> lines = new ArrayList<>();
        var mine = reply(List.of("ASYNC_READ", "MAX_PAGES"), 256, 1 << 20);
        for (int block = 1; block <= 2; block++) {
            for (String arm : List.of("baseline", "max-pages")) {
                RunResult.Builder b = new RunResult.Builder();
                b.arm = arm;
                b.daemon = new RunResult.DaemonInfo("virtiofsd-rust", "virtiofsd 1.13.2", false, null, null);
                b.proxy = new RunResult.ProxyInfo(arm, mine, arm.equals("baseline") ? reply(List.of("ASYNC_READ"), 32, 131072) : mine, null, true, null,
                        Map.of("READ", Map.of(arm.equals("baseline") ? 131072L : 1048576L, 40L)));
                var d = new FioResult.Direction(1 << 30, (arm.equals("baseline") ? 800 : 1000) * 1048576.0, 1000, 3000, 10, Map.of("50", 9.0, "99", 20.0));
                lines.add(new RunLine(RunLine.TYPE, "i" + block + "/virtiofsd-rust/" + arm, block, false, arm.equals("baseline") ? 1 : 2,
                        List.of("baseline", "max-pages"), 30.0, "h", "6.1/q1024", null, b.ok("seq-read", null, null, Map.of(), new FioResult("seq-read", 0, d, null, ""))));
            }
        }
        store.append(lines);
        var doc = Jsoup.parse(Files.readString(ReportBuilder.build(dir)));
        var rows = doc.select("#proxy tr");
        assertEquals(3, rows.size(), doc.select("#proxy").text());
        String baseline = rows.stream().filter(r -> r.text().startsWith("virtiofsd-rust · baseline")).findFirst().orElseThrow().text();
        assertTrue(baseline.contains("MAX_PAGES 256 1048576") && baseline.endsWith("32 131072 128 KiB –"), baseline);
        String maxPages = rows.stream().filter(r -> r.text().startsWith("virtiofsd-rust · max-pages")).findFirst().orElseThrow().text();
        assertTrue(maxPages.endsWith("1 MiB –"), "the observed READ maximum: " + maxPages);
    }

    /** Requests larger than the kernel's computed limit (here 28 pages: a 32-entry queue) are flagged beside the observed size. */
    @Test
    void observedRequestsAboveTheComputedLimitAreFlagged() throws Exception {
        ResultsStore store = new ResultsStore(dir);
        store.create(Map.of("reference_variant", "max-pages", "iterations", 1));
        var stats = RunLine.JSON.readTree("""
                {"negotiation":{"reply_flag_names":["MAX_PAGES"],"max_pages":256,"effective_max_pages":28},
                 "opcodes":{"READ":{"size":{"histogram":{"1048576":10}}}}}""");
        RunResult.Builder b = new RunResult.Builder();
        b.arm = "max-pages";
        b.daemon = new RunResult.DaemonInfo("java", "1", true, null, null);
        b.daemonStats = StatsFile.of(stats);
        var d = new FioResult.Direction(1 << 30, 1000 * 1048576.0, 1000, 3000, 10, Map.of());
        store.append(List.of(new RunLine(RunLine.TYPE, "i1/java/max-pages", 1, false, 1, List.of("max-pages"), 30.0, "h", "6.1/q32", null,
                b.ok("direct-read-1m", null, null, Map.of(), new FioResult("direct-read-1m", 0, d, null, "")))));
        var doc = Jsoup.parse(Files.readString(ReportBuilder.build(dir)));
        String row = doc.select("#negotiation tr").get(1).text();
        assertTrue(row.contains("28") && row.contains("1 MiB ⚠ above the computed 112 KiB"), row);
    }
}
