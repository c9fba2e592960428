package dev.fusebench.bench.matrix;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The host-fuse transport end to end: the Java daemon mounted here, fio on the mount, one matrix. */
@Timeout(300)
class HostFuseMatrixTest {
    @TempDir Path tmp;

    @Test
    void bothArmsRunAndTheNegotiationShows() throws Exception {
        Path out = tmp.resolve("m");
        int rc = new CommandLine(new MatrixCommand(null)).execute("--design", "boots", "--transport", "host-fuse", "--workloads", "direct-read-1m",
                "--iterations", "1", "--warmup", "0", "--runtime", "1", "--size", "16", "--out", out.toString(),
                "--workloads-dir", Path.of("..", "guest-workloads").toString());
        assertEquals(0, rc);
        List<JsonNode> lines = new ResultsStore(out).read(false);
        assertEquals("host-fuse", lines.getFirst().get("transport").asText());
        assertEquals(3, lines.size(), "environment + one run per arm");
        for (JsonNode run : lines.subList(1, 3)) {
            assertEquals("ok", run.get("status").asText(), run.toString());
            assertTrue(run.get("fio").get("read").get("bandwidthBytesPerSec").asDouble() > 0);
            long readMax = run.get("daemon_stats").get("opcodes").get("READ").get("size").get("max").asLong();
            if (run.get("arm").asText().equals("max-pages")) assertEquals(1 << 20, readMax);
            else assertTrue(readMax <= 131072, "baseline READ max " + readMax);
        }
        assertTrue(ProcessHandle.current().descendants().noneMatch(ProcessHandle::isAlive), "nothing left running");
    }

    static final Path WORKLOADS = Path.of("..", "guest-workloads").toAbsolutePath().normalize();

    static String[] args(Path out, String variants, String workloads, String iterations, String runtime) {
        return new String[]{"--design", "boots", "--transport", "host-fuse", "--workloads", workloads, "--variants", variants, "--iterations", iterations,
                "--warmup", "0", "--runtime", runtime, "--size", "32", "--out", out.toString(), "--workloads-dir", WORKLOADS.toString()};
    }

    static long readMax(JsonNode run) { return run.get("daemon_stats").get("opcodes").get("READ").get("size").get("max").asLong(); }

    /**
     * max_pages 512 and 1024 on host-fuse: the controller raises fs.fuse.max_pages_limit for the run,
     * 4 MiB direct reads arrive as 2 MiB and 4 MiB READs, and the limit is put back afterwards.
     */
    @Test
    void maxPagesBeyond256RaisesTheLimitForTheRunOnly() throws Exception {
        int before = dev.fusebench.bench.run.HostPagesLimit.current();
        Path out = tmp.resolve("mp");
        assertEquals(0, new CommandLine(new MatrixCommand(null)).execute(args(out, "max-pages,mp512:max_pages=512,mp1024:max_pages=1024",
                "sweep-read-4m", "1", "1")));
        assertEquals(before, dev.fusebench.bench.run.HostPagesLimit.current(), "the sysctl is back");
        assertFalse(Files.exists(out.resolve("max_pages_limit.restore")));
        List<JsonNode> runs = new ResultsStore(out).read(false).subList(1, 4);
        java.util.Map<String, Long> expected = java.util.Map.of("max-pages", 1L << 20, "mp512", 2L << 20, "mp1024", 4L << 20);
        for (JsonNode run : runs) {
            String arm = run.get("arm").asText();
            if (before < 0) { // a kernel without the sysctl: the arms above 256 fail, saying why
                if (!arm.equals("max-pages")) assertTrue(run.get("failure").asText().contains("no fs.fuse.max_pages_limit"), run.toString());
                continue;
            }
            assertEquals("ok", run.get("status").asText(), run.toString());
            assertEquals(expected.get(arm), readMax(run), arm);
            assertEquals(java.util.Set.of(String.valueOf(expected.get(arm))),
                    iterable(run.get("requests").get("opcodes").get("READ").get("sizes").fieldNames()), arm + ": the job's own READs");
        }
        assertEquals(2, new CommandLine(new MatrixCommand(null)).execute("--design", "boots", "--variants", "mp512:max_pages=512"),
                "guests cap max_pages at 256: refused up front");
    }

    /**
     * +PASSTHROUGH (cache auto) on host-fuse: the read job's bytes move while the daemon sees no
     * READ, and the write-then-verify job finds every block intact (FindingsTest: the report says why).
     */
    @Test
    void passthroughMovesTheBytesWithoutTheDaemon() throws Exception {
        Path out = tmp.resolve("pt");
        assertEquals(0, new CommandLine(new MatrixCommand(null)).execute(args(out, "auto:cache=auto;pt:cache=auto,+PASSTHROUGH",
                "direct-read-1m,verify-seq", "1", "1")));
        List<JsonNode> runs = new ResultsStore(out).read(false).subList(1, 5);
        for (JsonNode run : runs) assertEquals("ok", run.get("status").asText(), run.toString());
        JsonNode ptRead = runs.stream().filter(r -> r.get("arm").asText().equals("pt") && r.get("workload").asText().equals("direct-read-1m")).findFirst().orElseThrow();
        assertTrue(ptRead.get("fio").get("read").get("ioBytes").asLong() > 0);
        assertTrue(ptRead.get("requests").get("opcodes").path("READ").path("count").asLong(0) == 0, "no READ reached the daemon: " + ptRead.get("requests"));
        assertTrue(ptRead.get("daemon_stats").get("daemon").get("passthrough").get("opens").asLong() >= 2, ptRead.get("daemon_stats").get("daemon").toString());
        JsonNode autoRead = runs.stream().filter(r -> r.get("arm").asText().equals("auto") && r.get("workload").asText().equals("direct-read-1m")).findFirst().orElseThrow();
        assertTrue(autoRead.get("requests").get("opcodes").get("READ").get("count").asLong() > 0, "without passthrough they do");
        try (var here = Files.list(Path.of(""))) {
            assertEquals(List.of(), here.map(Path::toString).filter(n -> n.endsWith("verify.state")).toList(),
                    "fio's verify state stays in the run's work directory, not the controller's");
        }
        assertEquals(2, new CommandLine(new MatrixCommand(null)).execute("--design", "boots", "--transport", "host-fuse", "--variants", "pt:+PASSTHROUGH"),
                "passthrough with the matrix's cache never is refused");
        assertEquals(2, new CommandLine(new MatrixCommand(null)).execute("--design", "boots", "--variants", "pt:cache=auto,+PASSTHROUGH"), "and on guests");
    }

    /**
     * +OVER_IO_URING on host-fuse: the controller turns the fuse module's enable_uring on for the run
     * and back after; the ring arm's requests came through the daemon's rings, the other arm's did not.
     */
    @Test
    void ioUringArmIsServedThroughTheRingsAndTheModuleIsPutBack() throws Exception {
        var setting = dev.fusebench.bench.run.HostSetting.FUSE_URING;
        String before = setting.current().orElseThrow();
        Path out = tmp.resolve("ring");
        assertEquals(0, new CommandLine(new MatrixCommand(null)).execute(args(out, "max-pages,ring:+OVER_IO_URING", "direct-read-1m", "1", "1")));
        assertEquals(before, setting.current().orElseThrow(), "enable_uring is back");
        assertFalse(Files.exists(setting.noteIn(out)));
        for (JsonNode run : new ResultsStore(out).read(false).subList(1, 3)) {
            assertEquals("ok", run.get("status").asText(), run.toString());
            JsonNode queues = run.get("daemon_stats").path("requests_per_queue");
            boolean ring = run.get("arm").asText().equals("ring");
            assertEquals(ring, queues.path("uring-0").asLong(0) + queues.path("uring-1").asLong(0) > 0, run.get("arm") + ": " + queues);
            assertEquals(1 << 20, readMax(run), "1 MiB READs either way");
        }
        assertEquals(2, new CommandLine(new MatrixCommand(null)).execute("--design", "boots", "--variants", "ring:+OVER_IO_URING"), "guests have no /dev/fuse: refused");
    }

    /**
     * The metadata workloads run, each produces its figure (files/s from fio's filecreate, filestat
     * and filedelete jobs; entries/s from readdir.sh), and the statistics take it like any other.
     */
    @Test
    void metadataJobsProduceTheirFigures() throws Exception {
        Path out = tmp.resolve("meta");
        assertEquals(0, new CommandLine(new MatrixCommand(null)).execute(args(out, "max-pages", "meta", "1", "1")));
        List<JsonNode> lines = new ResultsStore(out).read(false);
        List<dev.fusebench.bench.results.RunLine> runs = RunLines.runs(lines);
        assertEquals(4, runs.size(), "the four metadata jobs");
        for (var run : runs) {
            assertTrue(run.ok(), run.workload() + ": " + run.result().failure());
            double v = RunLines.value(run);
            assertTrue(v > 0, run.workload() + " " + v);
            String metric = RunLines.metricName(run.workload());
            assertEquals(run.workload().equals("readdir") ? "entries/s" : "files/s", metric);
            if (run.workload().equals("readdir")) assertEquals(run.result().metric(), v, "readdir's own figure");
            else assertEquals(run.result().fio().read().active() ? run.result().fio().read().iops() : run.result().fio().write().iops(), v, 1e-9);
        }
        var stat = runs.stream().filter(r -> r.workload().equals("meta-stat")).findFirst().orElseThrow();
        assertEquals("meta-stat", stat.result().fio().job(), "the measured job, not its setup");
        assertTrue(stat.result().requests().opcode("GETATTR") != null || stat.result().requests().opcode("LOOKUP") != null, "stat reached the daemon");
        var readdir = runs.stream().filter(r -> r.workload().equals("readdir")).findFirst().orElseThrow();
        assertTrue(readdir.result().requests().opcode("READDIRPLUS") != null || readdir.result().requests().opcode("READDIR") != null,
                "the listing reached the daemon: " + readdir.result().requests());
        assertEquals(4, RunLines.observations(lines).size(), "each run is an observation for the statistics");
        assertFalse(Files.exists(Path.of("readdir.prerun.txt")), "fio's prerun output stays in the run's work directory");
    }

    static java.util.Set<String> iterable(java.util.Iterator<String> it) {
        java.util.Set<String> s = new java.util.TreeSet<>();
        it.forEachRemaining(s::add);
        return s;
    }

    /** A controller killed with SIGKILL while the limit is raised leaves it to --resume, which puts it back. */
    @Test
    void aKilledControllerLeavesTheLimitToItsResume() throws Exception {
        int before = dev.fusebench.bench.run.HostPagesLimit.current();
        org.junit.jupiter.api.Assumptions.assumeTrue(before >= 0 && before < 512, "a kernel with the sysctl below 512 (this host: 256)");
        Path out = tmp.resolve("k");
        Path javaBin = Path.of(ProcessHandle.current().info().command().orElseThrow());
        List<String> cmd = new java.util.ArrayList<>(List.of(javaBin.toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), MatrixMain.class.getName()));
        cmd.addAll(List.of(args(out, "mp512:max_pages=512", "sweep-read-1m", "2", "5")));
        Process controller = new ProcessBuilder(dev.fusebench.bench.guest.Shell.diesWithUs(cmd)).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("controller.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline && controller.isAlive() && dev.fusebench.bench.run.HostPagesLimit.current() != 512) Thread.sleep(50);
            assertEquals(512, dev.fusebench.bench.run.HostPagesLimit.current(), () -> "raised for the run: " + read(tmp.resolve("controller.log")));
            assertTrue(Files.exists(out.resolve("max_pages_limit.restore")), "the old value is written down first");
            controller.destroyForcibly(); // SIGKILL: no shutdown hook runs
            controller.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(512, dev.fusebench.bench.run.HostPagesLimit.current(), "a SIGKILL leaves it raised");
            for (int i = 0; i < 100 && ProcessHandle.current().descendants().anyMatch(ProcessHandle::isAlive); i++) Thread.sleep(100);
            assertEquals(0, new CommandLine(new MatrixCommand(null)).execute(resumeArgs(out)));
            assertEquals(before, dev.fusebench.bench.run.HostPagesLimit.current(), "--resume put it back (and its own run's raise too)");
            assertFalse(Files.exists(out.resolve("max_pages_limit.restore")));
            assertFalse(Files.exists(dev.fusebench.bench.run.HostSetting.RUN_DIR.resolve("max_pages_limit.restore")));
        } finally {
            controller.destroyForcibly();
            if (dev.fusebench.bench.run.HostPagesLimit.current() != before) dev.fusebench.bench.run.HostSetting.PAGES_LIMIT.restoreLeftovers(out);
        }
    }

    static String[] resumeArgs(Path out) {
        return new String[]{"--design", "boots", "--resume", out.toString(), "--transport", "host-fuse", "--workloads", "sweep-read-1m", "--variants", "mp512:max_pages=512",
                "--iterations", "2", "--warmup", "0", "--runtime", "1", "--size", "32", "--workloads-dir", WORKLOADS.toString()};
    }

    static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** The README's variant example, as written: two arms, the second with three settings, 64-page READs. */
    @Test
    void aVariantWithSeveralSettingsIsOneArm() throws Exception {
        Path out = tmp.resolve("v");
        int rc = new CommandLine(new MatrixCommand(null)).execute("--design", "boots", "--transport", "host-fuse", "--workloads", "direct-read-1m",
                "--variants", "baseline,mp64:max_pages=64,max_background=64,-ASYNC_READ",
                "--iterations", "1", "--warmup", "0", "--runtime", "1", "--size", "16", "--out", out.toString(),
                "--workloads-dir", Path.of("..", "guest-workloads").toString());
        assertEquals(0, rc);
        List<JsonNode> lines = new ResultsStore(out).read(false);
        assertEquals(3, lines.size(), "environment + one run per arm");
        JsonNode mp64 = lines.subList(1, 3).stream().filter(r -> r.get("arm").asText().equals("mp64")).findFirst().orElseThrow();
        assertEquals("ok", mp64.get("status").asText(), mp64.toString());
        JsonNode n = mp64.get("daemon_stats").get("negotiation");
        assertEquals(64, n.get("max_pages").asInt());
        assertEquals(64, n.get("max_background").asInt());
        assertEquals(64 * 4096, mp64.get("daemon_stats").get("opcodes").get("READ").get("size").get("max").asLong());
        assertEquals(2, new CommandLine(new MatrixCommand(null)).execute("--design", "boots", "--transport", "host-fuse", "--variants", "baseline,max_pages=64"),
                "a setting without a variant is a usage error");
    }

    @Test
    void hostFuseTakesOnlyTheJavaDaemon() {
        assertEquals(2, new CommandLine(new MatrixCommand(null)).execute("--design", "boots", "--transport", "host-fuse", "--daemons", "virtiofsd-rust"));
    }
}
