package dev.fusebench.bench.matrix;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fusebench.bench.guest.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The matrix survives faults with nothing lost: a daemon or QEMU killed mid-job becomes a failed
 * run and the matrix goes on; the controller itself killed with SIGKILL leaves nothing running,
 * and --resume finishes the matrix with every run recorded exactly once.
 */
@Timeout(900)
class MatrixFaultsTest {
    static final Path WORKLOADS = Path.of("..", "guest-workloads").toAbsolutePath().normalize();
    @TempDir Path tmp;

    static List<String> args(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("--design", "boots", "--daemons", "java", "--variants", "baseline,max-pages", "--workloads", "rand-read",
                "--iterations", "2", "--warmup", "0", "--runtime", "3", "--size", "32", "--out", out.toString(),
                "--workloads-dir", WORKLOADS.toString()));
        a.addAll(List.of(more));
        return a;
    }

    @Test
    void injectedFaultsBecomeFailedRunsAndTheMatrixGoesOn() throws Exception {
        Path out = tmp.resolve("m");
        List<String> a = args(out, "--inject-fault", "1:kill-daemon@1", "--inject-fault", "2:kill-qemu@1");
        assertEquals(0, new CommandLine(new MatrixCommand(null)).execute(a.toArray(String[]::new)));
        List<JsonNode> lines = new ResultsStore(out).read(false);
        assertEquals(5, lines.size(), "environment + 4 boots");
        assertEquals("kill-daemon@1.0", lines.getFirst().get("injected_faults").get("1").asText());
        JsonNode daemonKilled = lines.get(1), qemuKilled = lines.get(2);
        assertEquals("failed", daemonKilled.get("status").asText());
        assertTrue(daemonKilled.get("failure").asText().contains("the daemon was killed by signal 9"), daemonKilled.get("failure").asText());
        assertEquals("failed", qemuKilled.get("status").asText());
        assertTrue(qemuKilled.get("failure").asText().contains("QEMU was killed by signal 9"), qemuKilled.get("failure").asText());
        for (JsonNode failed : List.of(daemonKilled, qemuKilled)) {
            Path logs = out.resolve(failed.get("logs").asText());
            assertTrue(Files.exists(logs.resolve("console.log")), "the failed boot's console is kept: " + logs);
        }
        for (JsonNode ok : lines.subList(3, 5)) assertEquals("ok", ok.get("status").asText(), ok.path("failure").asText());
        assertFalse(Files.exists(out.resolve("work")) && Files.list(out.resolve("work")).findAny().isPresent(), "work dirs removed");
        assertTrue(ProcessHandle.current().descendants().noneMatch(ProcessHandle::isAlive), "nothing left running");
    }

    @Test
    void controllerKilledWithSigkillLeavesNothingRunningAndResumes() throws Exception {
        Path out = tmp.resolve("k");
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), MatrixMain.class.getName()));
        cmd.addAll(args(out));
        Process controller = new ProcessBuilder(Shell.diesWithUs(cmd)).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("controller.log").toFile()).start();
        ResultsStore store = new ResultsStore(out);
        // kill it while the second boot's guest runs: one boot recorded, a daemon and QEMU alive
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(400);
        while (System.nanoTime() < deadline && controller.isAlive()
                && !(store.exists() && store.doneUnits().size() == 1 && running(out).size() >= 2)) Thread.sleep(100);
        assertTrue(controller.isAlive(), () -> "controller ended early: " + read(tmp.resolve("controller.log")));
        Thread.sleep(1500);
        List<ProcessHandle> children = running(out);
        assertTrue(children.size() >= 2, "QEMU and the daemon were running: " + children);
        Shell.check(null, 10, "kill", "-KILL", Long.toString(controller.pid()));
        controller.waitFor(10, TimeUnit.SECONDS);
        for (int i = 0; i < 100 && !running(out).isEmpty(); i++) Thread.sleep(100);
        assertEquals(List.of(), running(out).stream().map(p -> p.info().commandLine().orElse("?")).toList(),
                "the controller's QEMU and daemon die with it");

        assertEquals(0, new CommandLine(new MatrixCommand(null)).execute("--design", "boots", "--resume", out.toString(),
                "--daemons", "java", "--variants", "baseline,max-pages", "--workloads", "rand-read", "--iterations", "2",
                "--warmup", "0", "--runtime", "3", "--size", "32", "--workloads-dir", WORKLOADS.toString()));
        List<JsonNode> lines = store.read(false);
        Map<String, Integer> perUnit = new HashMap<>();
        for (JsonNode n : lines.subList(1, lines.size())) perUnit.merge(n.get("unit").asText(), 1, Integer::sum);
        assertEquals(4, perUnit.size(), "every boot recorded: " + perUnit);
        assertTrue(perUnit.values().stream().allMatch(c -> c == 1), "nothing recorded twice: " + perUnit);
        for (JsonNode n : lines.subList(1, lines.size())) assertEquals("ok", n.get("status").asText(), n.path("failure").asText());
        assertTrue(running(out).isEmpty());
    }

    /** Processes whose command line names this matrix's directory (its QEMU and daemon), wherever they were reparented. */
    private static List<ProcessHandle> running(Path out) {
        String dir = WorkDirs.base(out).toString();
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains(dir)).orElse(false)).toList();
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
