package dev.fusebench.reports;

import dev.fusebench.stats.StatsFile;
import dev.fusebench.bench.matrix.ResultsStore;
import dev.fusebench.bench.results.JobRequests;
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

/** The report states, per cell, what each arm's fio I/O became in FUSE requests, and why when it can tell. */
class FindingsTest {
    @TempDir Path dir;

    static RunResult.Builder builder(String daemon, String arm) {
        RunResult.Builder b = new RunResult.Builder();
        b.arm = arm;
        b.daemon = new RunResult.DaemonInfo(daemon, daemon.equals("java") ? "fusebench" : "virtiofsd 1.13.2", daemon.equals("java"), null, null);
        return b;
    }

    /** One measured run line of block 1 (or {@code block}) at {@code position} in a block of {@code order}. */
    static RunLine runLine(String daemon, String arm, int block, int position, List<String> order, String guest, RunResult r) {
        return new RunLine(RunLine.TYPE, "i" + block + "/" + daemon + "/" + arm, block, false, position, order, 30.0, "h", guest, null, r);
    }

    static FioResult fio(String workload, FioResult.Direction read) { return new FioResult(workload, 0, read, null, ""); }

    static JobRequests reads(Map<Long, Long> sizes) {
        long n = sizes.values().stream().mapToLong(Long::longValue).sum();
        return new JobRequests("daemon", Map.of("READ", new JobRequests.Opcode(n, sizes), "LOOKUP", new JobRequests.Opcode(1, null)), null);
    }

    @Test
    void eachCellSaysHowManyRequestsAnIoBecameAndWhy() throws Exception {
        ResultsStore store = new ResultsStore(dir);
        store.create(Map.of("reference_variant", "baseline", "iterations", 2));
        List<RunLine> lines = new ArrayList<>();
        for (int block = 1; block <= 2; block++) {
            long ios = 1000L * block;
            for (String arm : List.of("baseline", "max-pages")) {
                var d = new FioResult.Direction(ios * 131072, 500 * 1048576.0, 4000, 3000, 10, Map.of("50", 9.0), ios);
                JobRequests req = arm.equals("baseline") ? reads(Map.of(16L, ios, 131056L, ios)) : reads(Map.of(131072L, ios));
                lines.add(runLine("java", arm, block, arm.equals("baseline") ? 1 : 2, List.of("baseline", "max-pages"), "6.1/q1024",
                        builder("java", arm).ok("seq-read", null, null, Map.of(), fio("seq-read", d)).withRequests(req)));
            }
        }
        store.append(lines);
        var doc = Jsoup.parse(Files.readString(ReportBuilder.build(dir)));
        var items = doc.select("#why li");
        assertEquals(1, items.size(), doc.select("#why").text());
        String line = items.getFirst().text();
        assertTrue(line.startsWith("seq-read · java · 6.1/q1024 (128 KiB per fio I/O): baseline 2.00 READs per I/O, 65,536 B per request (16 B + 131,056 B): "
                + "the buffer starts 16 bytes into a page, so the 32 pages a request may map hold 131,056 bytes and the last 16 need a request of their own; "
                + "max-pages 1.00 READ per I/O, 131,072 B per request (131,072 B)"), line);
        assertTrue(line.endsWith("[the daemon's statistics]"), line);
        String md = Files.readString(dir.resolve("summary.md"));
        assertTrue(md.contains("- " + line), md);
        // the headline's short form of the same evidence
        assertTrue(md.contains("; 2.00 READs of 64 KiB per I/O -> 1.00 of 128 KiB\n"), md);
    }

    /** Counted by the observing proxy, some requests went unread: the figure is a lower bound and says so. */
    @Test
    void unreadRequestsMakeTheFigureALowerBound() throws Exception {
        ResultsStore store = new ResultsStore(dir);
        store.create(Map.of("reference_variant", "max-pages", "iterations", 1));
        var d = new FioResult.Direction(1000L << 20, 500 * 1048576.0, 400, 3000, 10, Map.of("50", 9.0), 1000);
        var req = new JobRequests("proxy", Map.of("READ", new JobRequests.Opcode(990, Map.of(1048576L, 990L))), 10L);
        store.append(List.of(runLine("virtiofsd-rust", "max-pages", 1, 1, List.of("max-pages"), "6.1/q1024",
                builder("virtiofsd-rust", "max-pages").ok("direct-read-1m", null, null, Map.of(), fio("direct-read-1m", d)).withRequests(req))));
        var doc = Jsoup.parse(Files.readString(ReportBuilder.build(dir)));
        String line = doc.select("#why li").text();
        assertTrue(line.contains("max-pages ≥0.99 READs per I/O, 1,048,576 B per request (1,048,576 B); 10 requests (1.0%) went unread"), line);
        assertTrue(line.endsWith("[counted by the observing proxy]"), line);
    }

    /** With FUSE passthrough no READ reaches the daemon: the line says so, and why. */
    @Test
    void passthroughIsNamedAsTheReasonNoReadCame() throws Exception {
        ResultsStore store = new ResultsStore(dir);
        store.create(Map.of("reference_variant", "auto", "iterations", 1));
        List<RunLine> lines = new ArrayList<>();
        for (String arm : List.of("auto", "pt")) {
            RunResult.Builder b = builder("java", arm);
            b.daemonStats = StatsFile.of(RunLine.JSON.readTree(arm.equals("pt") ? "{\"daemon\":{\"passthrough\":{\"opens\":3}}}" : "{\"daemon\":{}}"));
            var d = new FioResult.Direction(100L << 20, 500 * 1048576.0, 400, 3000, 10, Map.of("50", 9.0), 100);
            var req = arm.equals("pt") ? new JobRequests("daemon", Map.of("LOOKUP", new JobRequests.Opcode(1, null)), null) : reads(Map.of(1048576L, 100L));
            lines.add(runLine("java", arm, 1, arm.equals("auto") ? 1 : 2, List.of("auto", "pt"), "host",
                    b.ok("direct-read-1m", null, null, Map.of(), fio("direct-read-1m", d)).withRequests(req)));
        }
        store.append(lines);
        var doc = Jsoup.parse(Files.readString(ReportBuilder.build(dir)));
        String line = doc.select("#why li").text();
        assertTrue(line.contains("auto 1.00 READ per I/O"), line);
        assertTrue(line.contains("pt no READ reached the daemon (FUSE passthrough: 3 opens handed the kernel their backing file)"), line);
    }

    /** Over io_uring the line says how much came through the rings, and over which queues. */
    @Test
    void ringArmsSayHowTheirRequestsSpreadOverTheQueues() throws Exception {
        ResultsStore store = new ResultsStore(dir);
        store.create(Map.of("reference_variant", "max-pages", "iterations", 1));
        List<RunLine> lines = new ArrayList<>();
        for (String arm : List.of("max-pages", "ring")) {
            RunResult.Builder b = builder("java", arm);
            b.daemonStats = StatsFile.of(RunLine.JSON.readTree(arm.equals("ring")
                    ? "{\"daemon\":{},\"requests_per_queue\":{\"dev-fuse\":2,\"uring-0\":299,\"uring-1\":99}}" : "{\"daemon\":{}}"));
            var d = new FioResult.Direction(100L << 20, 500 * 1048576.0, 400, 3000, 10, Map.of("50", 9.0), 100);
            lines.add(runLine("java", arm, 1, arm.equals("max-pages") ? 1 : 2, List.of("max-pages", "ring"), "host",
                    b.ok("direct-read-1m", null, null, Map.of(), fio("direct-read-1m", d)).withRequests(reads(Map.of(1048576L, 100L)))));
        }
        store.append(lines);
        String line = Jsoup.parse(Files.readString(ReportBuilder.build(dir))).select("#why li").text();
        assertTrue(line.contains("ring 1.00 READ per I/O, 1,048,576 B per request (1,048,576 B) (over io_uring: 99.5% of the daemon's requests through its rings: uring-0 75%, uring-1 25%)"), line);
        assertFalse(line.contains("max-pages 1.00 READ per I/O, 1,048,576 B per request (1,048,576 B) (over"), "no rings, no remark: " + line);
    }

    @Test
    void cellsWithoutPerJobRequestsHaveNoFinding() throws Exception {
        ResultsStore store = new ResultsStore(dir);
        store.create(Map.of("reference_variant", "baseline", "iterations", 1));
        var d = new FioResult.Direction(1 << 30, 500 * 1048576.0, 4000, 3000, 10, Map.of("50", 9.0)); // an older result: no total_ios
        store.append(List.of(runLine("java", "baseline", 1, 1, List.of("baseline"), "6.1/q1024",
                builder("java", "baseline").ok("seq-read", null, null, Map.of(), fio("seq-read", d)))));
        var doc = Jsoup.parse(Files.readString(ReportBuilder.build(dir)));
        assertTrue(doc.select("#why").isEmpty());
    }
}
