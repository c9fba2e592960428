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
                b.proxy = new RunResult.ProxyInfo(arm, mine, arm.equals("baseline") ? reply(List.of("ASYNC_READ"), 32, 131072) : mine, null, true, null);
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
        assertTrue(baseline.contains("MAX_PAGES 256 1048576") && baseline.endsWith("32 131072"), baseline);
    }
}
