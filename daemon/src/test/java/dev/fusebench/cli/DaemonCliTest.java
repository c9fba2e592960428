package dev.fusebench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fusebench.devfuse.MountTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The daemon as a user runs it: a separate process, its exit codes, messages and stats file. */
@Timeout(120)
class DaemonCliTest {
    @TempDir Path tmp;

    static Process start(Path dir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                DaemonMain.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    record Result(int code, String stderr) {}

    static Result run(Path dir, String... args) throws Exception {
        Process p = start(dir, args);
        String err = new String(p.getErrorStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Result(p.exitValue(), err);
    }

    private void assertUsageError(Result r, String fragment) {
        assertEquals(2, r.code(), r.stderr());
        assertEquals(1, r.stderr().strip().lines().count(), "one line: " + r.stderr());
        assertTrue(r.stderr().contains(fragment), r.stderr());
    }

    @Test
    void badCommandLinesGetOneLineAndExitTwo() throws Exception {
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        Path dir = Files.createDirectories(tmp.resolve("dir"));
        assertUsageError(run(tmp, "--shared-dir", tmp.resolve("missing").toString(), "--mount", mnt.toString()), "does not exist");
        assertUsageError(run(tmp, "--shared-dir", dir.toString(), "--mount", tmp.resolve("nomnt").toString()), "mount point");
        assertUsageError(run(tmp, "--shared-dir", dir.toString(), "--mount", mnt.toString(), "--bogus"), "--bogus");
        assertUsageError(run(tmp, "--shared-dir", dir.toString(), "--mount", mnt.toString(), "--set", "max_write=65536"), "max_write");
        assertUsageError(run(tmp, "--shared-dir", dir.toString(), "--mount", mnt.toString(), "--variant", "fast"), "unknown variant");
        assertUsageError(run(tmp, "--shared-dir", dir.toString(), "--mount", mnt.toString(), "--max-pages", "lots"), "max-pages");
        assertUsageError(run(tmp, "--shared-dir", dir.toString(), "--mount", mnt.toString(), "--threads", "0"), "threads");
        assertUsageError(run(tmp, "--shared-dir", dir.toString(), "--mount", mnt.toString(), "--threads", "x"), "threads");
        assertUsageError(run(tmp, "--shared-dir", dir.toString(), "--mount", mnt.toString(), "--warm-up", "-1"), "--warm-up");
        assertUsageError(run(tmp, "--mount", mnt.toString()), "--shared-dir");
        assertUsageError(run(tmp, "--shared-dir", dir.toString()), "exactly one of");
        assertUsageError(run(tmp, "--shared-dir", dir.toString(), "--mount", mnt.toString(), "--socket-path", tmp.resolve("s").toString()), "exactly one of");
        assertUsageError(run(tmp, "--shared-dir", dir.toString(), "--socket-path", tmp.resolve("no/such/dir/s").toString()), "does not exist");
        assertTrue(MountTable.at(mnt).isEmpty());
    }

    @Test
    void aWarmUpThatCannotRunIsOneLineNamingTheWayOut() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("dir"));
        Path sock = tmp.resolve("w.sock");
        List<String> cmd = List.of(ProcessHandle.current().info().command().orElse("java"), "--enable-native-access=ALL-UNNAMED",
                "-Djava.io.tmpdir=" + tmp.resolve("no-such-tmp"), "-cp", System.getProperty("java.class.path"),
                DaemonMain.class.getName(), "--shared-dir", dir.toString(), "--socket-path", sock.toString());
        Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), err);
        String line = err.lines().filter(l -> l.startsWith("fusebench daemon:")).findFirst().orElse(err);
        assertTrue(line.contains("warm-up failed: NoSuchFileException") && line.endsWith("(--warm-up 0 skips it)"), err);
        assertFalse(Files.exists(sock), "no socket without a warm-up");
    }

    private static void awaitMount(Path mnt, Process p) throws Exception {
        for (int i = 0; i < 200 && MountTable.at(mnt).isEmpty(); i++) {
            assertTrue(p.isAlive(), "daemon died before mounting");
            Thread.sleep(50);
        }
        assertTrue(MountTable.at(mnt).isPresent(), "mounted");
    }

    @Test
    void sigtermUnmountsWritesStatsAndExitsZero() throws Exception {
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        Path dir = Files.createDirectories(tmp.resolve("dir"));
        Path stats = tmp.resolve("stats.json");
        Process p = start(tmp, "--shared-dir", dir.toString(), "--mount", mnt.toString(), "--variant", "baseline",
                "--stats", stats.toString());
        try {
            awaitMount(mnt, p);
            Files.writeString(mnt.resolve("hello"), "world");
            assertEquals("world", Files.readString(dir.resolve("hello")));

            Result second = run(tmp, "--shared-dir", dir.toString(), "--mount", mnt.toString());
            assertEquals(2, second.code());
            assertTrue(second.stderr().contains("already a mount point"), second.stderr());

            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue());
        } finally {
            p.destroyForcibly();
        }
        assertTrue(MountTable.at(mnt).isEmpty(), "unmounted after SIGTERM");
        JsonNode json = new ObjectMapper().readTree(stats.toFile());
        JsonNode n = json.get("negotiation");
        for (String key : List.of("kernel_flags", "reply_flags", "protocol_major", "protocol_minor", "max_pages",
                "max_write", "max_readahead", "max_background", "congestion_threshold")) {
            assertTrue(n.get(key).isNumber(), key);
        }
        assertEquals(7, n.get("protocol_major").asInt());
        assertEquals(0, n.get("reply_flags").asLong() & (1L << 22), "baseline does not reply FUSE_MAX_PAGES");
        JsonNode write = json.get("opcodes").get("WRITE");
        assertEquals(1, write.get("count").asInt());
        assertEquals(5, write.get("size").get("max").asInt());
        for (String k : List.of("max", "p50", "p99", "mean")) assertTrue(write.get("size").has(k), k);
        for (String k : List.of("p50", "p99", "max")) assertTrue(write.get("latency_us").get(k).isNumber(), k);
        assertTrue(json.get("opcodes").get("LOOKUP").get("count").asInt() >= 1);
    }

    @Test
    void vhostUserDaemonListensAndStopsOnSigterm() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("dir"));
        Path sock = tmp.resolve("vfs.sock");
        Path stats = tmp.resolve("v.json");
        Process p = start(tmp, "--shared-dir", dir.toString(), "--socket-path", sock.toString(), "--variant", "baseline",
                "--stats", stats.toString());
        try {
            for (int i = 0; i < 600 && !Files.exists(sock); i++) Thread.sleep(50);
            assertTrue(Files.exists(sock), "listening");
            try (var l = Files.list(tmp)) {
                assertTrue(l.noneMatch(f -> f.getFileName().toString().startsWith("vfs.sock.tmp")), "bound under a temporary name, then renamed");
            }
            p.destroy();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue());
        } finally {
            p.destroyForcibly();
        }
        assertFalse(Files.exists(sock), "socket removed");
        JsonNode json = new ObjectMapper().readTree(stats.toFile());
        assertEquals("baseline", json.get("daemon").get("settings").asText());
        assertTrue(json.get("negotiation").isNull(), "no frontend came, nothing was negotiated");
        JsonNode warm = json.get("daemon").get("warm_up");
        assertTrue(warm.get("requests").asLong() >= 40_000, "warmed up before listening: " + warm);
        assertTrue(json.get("daemon").get("jit_compile_s").asDouble() > 0);
    }

    @Test
    void externalUnmountEndsTheDaemon() throws Exception {
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        Path dir = Files.createDirectories(tmp.resolve("dir"));
        Path stats = tmp.resolve("s.json");
        Process p = start(tmp, "--shared-dir", dir.toString(), "--mount", mnt.toString(), "--stats", stats.toString());
        try {
            awaitMount(mnt, p);
            dev.fusebench.testing.MountedFs.sh(tmp, "umount", mnt.toString());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue());
        } finally {
            p.destroyForcibly();
        }
        assertTrue(Files.exists(stats));
        assertEquals(256, new ObjectMapper().readTree(stats.toFile()).get("negotiation").get("max_pages").asInt());
    }
}
