package dev.fusebench.cli;

import dev.fusebench.stats.StatsFile;
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
import java.util.Map;
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
        assertUsageError(run(tmp, "--shared-dir", dir.toString(), "--socket-path", tmp.resolve("s").toString(), "--sandbox", "chroot"), "--sandbox");
        assertUsageError(run(tmp, "--shared-dir", dir.toString(), "--socket-path", tmp.resolve("s").toString(), "--rlimit-nofile", "3"), "--rlimit-nofile");
        assertUsageError(run(tmp, "--shared-dir", dir.toString(), "--mount", mnt.toString(), "--set", "max_pages=64", "--set", "-MAX_PAGES"), "turns FUSE_MAX_PAGES on");
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
        StatsFile file = StatsFile.read(stats);
        assertEquals("baseline", file.daemon().settings);
        assertNull(file.negotiation(), "no frontend came, nothing was negotiated");
        assertTrue(file.daemon().warmUp.requests() >= 40_000, "warmed up before listening: " + file.daemon().warmUp);
        assertTrue(file.daemon().jitCompileS > 0);
        // as written: snake_case, and no negotiation at all
        JsonNode json = new ObjectMapper().readTree(stats.toFile());
        assertTrue(json.path("daemon").path("warm_up").path("jit_compile_s").isNumber(), json.toString());
        assertFalse(json.has("negotiation"));
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

    /** Connects to a unix socket as nobody (uid and gid 65534, no other groups): perl's answer, "ok" or the error. */
    static String connectAsNobody(Path sock, String gid) throws Exception {
        Process c = new ProcessBuilder("/usr/bin/setpriv", "--reuid=65534", "--regid=" + gid, "--clear-groups", "perl", "-MSocket", "-e",
                "socket(S, PF_UNIX, SOCK_STREAM, 0) or die \"socket: $!\\n\"; connect(S, pack_sockaddr_un($ARGV[0])) or die \"$!\\n\"; print \"ok\\n\";",
                sock.toString()).redirectErrorStream(true).start();
        String out = new String(c.getInputStream().readAllBytes()).strip();
        assertTrue(c.waitFor(30, TimeUnit.SECONDS));
        return out;
    }

    static void awaitSocket(Path sock, Process p) throws InterruptedException {
        for (int i = 0; i < 600 && !Files.exists(sock); i++) {
            assertTrue(p.isAlive(), "daemon died before listening");
            Thread.sleep(50);
        }
        assertTrue(Files.exists(sock), "listening");
    }

    /** The socket is root's alone (0600), or a named group's too (0660); the stats file is 0644. */
    @Test
    void theSocketIsPrivateAndTheStatsReadable() throws Exception {
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")); // nobody may reach it
        Path dir = Files.createDirectories(tmp.resolve("dir"));
        Path sock = tmp.resolve("p.sock");
        Path stats = tmp.resolve("p.json");
        Process p = start(tmp, "--shared-dir", dir.toString(), "--socket-path", sock.toString(), "--warm-up", "0", "--stats", stats.toString());
        try {
            awaitSocket(sock, p);
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
            assertEquals("Permission denied", connectAsNobody(sock, "65534"), "another uid may not connect");
            p.destroy();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
        }
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(stats)));

        Process g = start(tmp, "--shared-dir", dir.toString(), "--socket-path", sock.toString(), "--warm-up", "0", "--socket-group", "nogroup");
        try {
            awaitSocket(sock, g);
            assertEquals("rw-rw----", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
            assertEquals(65534, (int) Files.getAttribute(sock, "unix:gid"));
            assertEquals("ok", connectAsNobody(sock, "65534"), "the socket's group may connect");
            g.destroy();
            assertTrue(g.waitFor(30, TimeUnit.SECONDS));
        } finally {
            g.destroyForcibly();
        }
    }

    /** The daemon inside the sandbox: pid 1 of its namespace, as started by the launcher. */
    static ProcessHandle sandboxed(Process launcher) {
        return launcher.descendants().filter(h -> h.info().commandLine().orElse("").contains("--sandboxed")).findFirst()
                .orElseThrow(() -> new AssertionError("no sandboxed daemon under the launcher"));
    }

    /**
     * What the sandboxed daemon can see: only the share, its own exchange directory (the socket's
     * path is a symlink into it), the JVM and its class path, the system's shared libraries,
     * setpriv, its own descriptors as /proc, /dev nodes and /tmp; no_new_privs, a seccomp filter,
     * no supplementary groups, exactly the capabilities a passthrough server needs (not
     * dac_read_search), and the open-file cap. The host's mounts are untouched, and the stats and
     * the socket's path are where they were asked for once it ends.
     */
    @Test
    void theSandboxShowsOnlyWhatTheDaemonNeeds() throws Exception {
        String hostMounts = Files.readString(Path.of("/proc/self/mountinfo"));
        Path dir = Files.createDirectories(tmp.resolve("share"));
        Files.writeString(dir.resolve("inside"), "x");
        Path run = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(run.resolve("results.log"), "the controller's"); // beside the socket, never in the sandbox
        Path sock = run.resolve("s.sock");
        Path stats = tmp.resolve("out/s.json");
        Process p = start(tmp, "--shared-dir", dir.toString(), "--socket-path", sock.toString(), "--warm-up", "0",
                "--stats", stats.toString(), "--rlimit-nofile", "4096");
        Path exchange = run.resolve(".s.sock.sandbox");
        try {
            awaitSocket(sock, p);
            assertTrue(Files.isSymbolicLink(sock), "the socket's path leads into the exchange directory");
            ProcessHandle d = sandboxed(p);
            Map<String, String> status = dev.fusebench.sandbox.SandboxStatus.status(Path.of("/proc/" + d.pid() + "/status"));
            assertEquals("1", status.get("NoNewPrivs"));
            assertEquals("2", status.get("Seccomp"), "a seccomp filter");
            assertEquals("", status.get("Groups"), "no supplementary groups");
            List<String> caps = dev.fusebench.sandbox.SandboxStatus.capabilityNames(Long.parseUnsignedLong(status.get("CapEff"), 16));
            assertEquals(dev.fusebench.sandbox.Sandbox.CAPABILITIES, caps);
            assertFalse(caps.contains("dac_read_search"), "no open_by_handle_at on the host's file systems");
            assertEquals(status.get("CapEff"), status.get("CapBnd"), "nothing to regain");
            assertTrue(Files.readString(Path.of("/proc/" + d.pid() + "/limits")).lines()
                    .anyMatch(l -> l.startsWith("Max open files") && l.matches(".*\\s4096\\s+4096\\s.*")));
            assertNotEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/net")), Files.readSymbolicLink(Path.of("/proc/" + d.pid() + "/ns/net")),
                    "a network namespace of its own");

            Path root = Path.of("/proc/" + d.pid() + "/root");
            assertEquals("x", Files.readString(root.resolve(dir.toString().substring(1)).resolve("inside")), "the share is there");
            for (String absent : List.of("etc", "root/.bashrc", "home", "var", "usr/bin/bash", "usr/sbin", "sys", "boot", "proc/self", "proc/sys")) {
                assertFalse(Files.exists(root.resolve(absent), java.nio.file.LinkOption.NOFOLLOW_LINKS), absent + " is outside the sandbox");
            }
            assertFalse(Files.exists(root.resolve(run.resolve("results.log").toString().substring(1))), "the socket's directory is not bound");
            assertFalse(Files.exists(root.resolve(tmp.resolve("elsewhere").toString().substring(1))));
            Files.writeString(tmp.resolve("elsewhere"), "host");
            assertFalse(Files.exists(root.resolve(tmp.resolve("elsewhere").toString().substring(1))), "a file beside the share is not visible");

            String jvm = System.getProperty("java.home");
            List<String> allowed = new ArrayList<>(List.of("/", "/tmp", "/proc", "/dev/null", "/dev/zero", "/dev/full", "/dev/random",
                    "/dev/urandom", "/usr/bin/setpriv", "/usr/bin/mount", dir.toString(), exchange.toString(), Path.of(jvm).toRealPath().toString()));
            for (String line : Files.readAllLines(Path.of("/proc/" + d.pid() + "/mountinfo"))) {
                String[] f = line.split(" ");
                String point = f[4];
                boolean ok = allowed.contains(point) || point.endsWith(".jar") || point.contains("/target/")
                        || point.startsWith("/usr/lib") || point.startsWith("/lib");
                assertTrue(ok, "unexpected mount in the sandbox: " + point);
                if (point.equals("/proc") && f[3].equals("/1/fd")) {
                    assertTrue(f[5].startsWith("ro"), "/proc is the daemon's descriptors, read-only: " + line);
                }
                if (!point.equals("/tmp") && !point.equals("/proc") && !point.startsWith("/dev/") && !List.of(dir.toString(), exchange.toString()).contains(point)) {
                    assertTrue(f[5].startsWith("ro"), "read-only: " + line);
                }
            }
            assertTrue(Files.readAllLines(Path.of("/proc/" + d.pid() + "/mountinfo")).stream()
                    .anyMatch(l -> l.split(" ")[4].equals("/proc") && l.split(" ")[3].equals("/1/fd")), "/proc/1/fd bound over /proc");
            p.destroy();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue());
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        assertEquals(hostMounts, Files.readString(Path.of("/proc/self/mountinfo")), "the host's mounts are as they were");
        assertFalse(Files.exists(exchange, java.nio.file.LinkOption.NOFOLLOW_LINKS), "the exchange directory is gone");
        assertFalse(Files.exists(sock, java.nio.file.LinkOption.NOFOLLOW_LINKS), "and the socket's link");
        assertEquals(List.of("results.log"), Files.list(run).map(x -> x.getFileName().toString()).toList());
        JsonNode box = new ObjectMapper().readTree(stats.toFile()).get("daemon").get("sandbox");
        assertEquals("namespace", box.get("mode").asText());
        assertTrue(box.get("no_new_privs").asBoolean());
        assertEquals("filter", box.get("seccomp").asText());
        assertEquals(1, box.get("pid_in_namespace").asInt());
        assertEquals(4096, box.get("rlimit_nofile").asInt());
        assertFalse(box.get("capabilities").toString().contains("dac_read_search"));
    }

    /**
     * --check-sandbox tries each escape from inside, as the daemon: every one is stopped (a
     * capability, a seccomp filter, /proc or a namespace that came back fails here), and the
     * run leaves nothing behind.
     */
    @Test
    void everyEscapeTheSandboxMustStopIsStopped() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("share"));
        Path run = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(run.resolve("results.log"), "x");
        Path sock = run.resolve("c.sock");
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), DaemonMain.class.getName(),
                "--shared-dir", dir.toString(), "--socket-path", sock.toString(), "--check-sandbox"));
        Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        for (String check : List.of("capabilities", "no_new_privs", "seccomp", "open_by_handle_at", "/proc/sys/kernel/core_pattern",
                "/proc/sysrq-trigger", "host files", "host abstract socket", "socket directory")) {
            assertTrue(out.lines().anyMatch(l -> l.startsWith("held") && l.contains(check)), check + " was stopped:\n" + out);
        }
        assertFalse(out.contains("ESCAPED"), out);
        assertEquals(0, p.exitValue(), out);
        assertEquals(List.of("results.log"), Files.list(run).map(x -> x.getFileName().toString()).toList(), "nothing left beside the socket");
    }
}
