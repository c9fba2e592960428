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

/** The report prints the evidence that guest settings and caching took effect, not only that they were asked for. */
class GuestSettingsReportTest {
    @TempDir Path dir;

    @Test
    void requestQueuesReadaheadAndCachingAreShownAsTheyWere() throws Exception {
        ResultsStore store = new ResultsStore(dir);
        store.create(Map.of("reference_variant", "max-pages", "iterations", 1));
        List<RunLine> lines = new ArrayList<>();
        for (int rq : new int[]{1, 2}) {
            RunResult.Builder b = new RunResult.Builder();
            b.arm = "max-pages";
            b.daemon = new RunResult.DaemonInfo("java", "fusebench", true, null, null);
            b.guest = new RunResult.GuestInfo("6.12", "linux-image", "6.12.1", 2, 1024, 1024, "", false, "64M", 3, "img", rq, 1024, 1024);
            b.daemonStats = StatsFile.of(RunLine.JSON.readTree("{\"daemon\":{\"cache\":\"auto\",\"open_flags\":[\"FOPEN_KEEP_CACHE\"]},"
                    + "\"negotiation\":{\"max_pages\":256},\"requests_per_queue\":{\"queue-0\":3,\"queue-1\":500"
                    + (rq == 2 ? ",\"queue-2\":480" : "") + "}}"));
            var d = new FioResult.Direction(1 << 20, 1e6, 1000, 3000, 10, Map.of("50", 9.0), 256);
            String key = "6.12/q1024" + (rq == 2 ? "/rq2" : "") + "/ra1024";
            lines.add(new RunLine(RunLine.TYPE, "i1/java/" + key + "/max-pages", 1, false, 1, List.of("max-pages"), 30.0, "h", key, null,
                    b.ok("rand-read-4jobs", null, null, Map.of(), new FioResult("rand-read-4jobs", 0, d, null, ""))));
        }
        store.append(lines);
        var doc = Jsoup.parse(Files.readString(ReportBuilder.build(dir)));
        String guests = doc.select("#guests").text();
        assertTrue(guests.contains("6.12/q1024/rq2/ra1024: request queues 2 asked, 2 used"), guests);
        assertTrue(guests.contains("6.12/q1024/ra1024: request queues 1 asked, 1 used"), guests);
        assertTrue(guests.contains("read_ahead_kb 1024 asked, 1024 read back"), guests);
        String negotiation = doc.select("#negotiation").text();
        assertTrue(negotiation.contains("auto · FOPEN_KEEP_CACHE"), negotiation);
        // one row per daemon and guest configuration, not the arm's rows pooled over guests
        var rows = doc.select("#negotiation table tr");
        assertEquals(1 + 2, rows.size(), negotiation);
        assertEquals(List.of("java · 6.12/q1024/ra1024", "java · 6.12/q1024/rq2/ra1024"),
                rows.subList(1, 3).stream().map(r -> r.select("td").first().text()).sorted().toList());
    }
}
