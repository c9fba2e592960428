package dev.fusebench.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fusebench.bench.daemons.VirtiofsdRust;
import dev.fusebench.bench.guest.GuestImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** {@code load}: the Java daemon and the Rust virtiofsd driven without a guest, every reply checked. */
class LoadCommandTest {
    @TempDir Path tmp;

    static List<JsonNode> records(Path dir) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("load.jsonl"))) {
            JsonNode n = json.readTree(line);
            if (n.path("type").asText().equals("load")) out.add(n);
        }
        return out;
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void bothDaemonsServeTheSameStreamAndEveryRunIsRecorded() throws Exception {
        Path out = tmp.resolve("out");
        int rc = new CommandLine(new LoadCommand()).execute("--daemons", "java,virtiofsd-rust", "--rounds", "2", "--seconds", "1",
                "--warmup", "0", "--ops", "write,read,randread", "--size", "128k", "--depth", "4", "--file-mib", "16", "--out", out.toString());
        assertEquals(0, rc);
        List<JsonNode> rs = records(out);
        assertEquals(2 * 2 * 3, rs.size(), "daemons x rounds x ops");
        for (JsonNode r : rs) {
            assertEquals("ok", r.path("status").asText(), r.toString());
            assertTrue(r.path("requests").asLong() > 50, "requests served: " + r);
            assertTrue(r.path("mib_s").asDouble() > 0);
            assertEquals(131072, r.path("size").asInt());
            assertTrue(r.path("daemon_cpu_s").asDouble() >= 0, "daemon CPU measured: " + r);
            assertTrue(r.path("latency_us").path("p50").asDouble() > 0);
        }
        assertTrue(rs.stream().anyMatch(r -> r.path("daemon").asText().equals("java") && r.has("daemon_warm_up")),
                "our daemon reports its warm-up");
        String md = Files.readString(out.resolve("summary.md"));
        for (String op : List.of("write", "read", "randread")) {
            assertTrue(md.contains("| " + op + " | java | 2 |"), md);
            assertTrue(md.contains("| " + op + " | virtiofsd-rust | 2 |"), md);
        }
        assertTrue(Files.exists(out.resolve("logs/java-1.log")) && Files.exists(out.resolve("logs/virtiofsd-rust-2.log")));
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void requestsLargerThanNegotiatedAreAFailedRunWithTheReason() throws Exception {
        Path out = tmp.resolve("big");
        int rc = new CommandLine(new LoadCommand()).execute("--daemons", "java", "--variant", "baseline", "--rounds", "1",
                "--seconds", "1", "--warmup", "0", "--ops", "read", "--size", "1m", "--file-mib", "8", "--out", out.toString());
        assertEquals(1, rc, "a failed run makes the command fail");
        List<JsonNode> rs = records(out);
        assertEquals(1, rs.size());
        assertEquals("failed", rs.getFirst().path("status").asText());
        assertTrue(rs.getFirst().path("error").asText().contains("would never send 1048576-byte requests"), rs.toString());
    }

    /** A daemon of the user's own from a command template: here the Rust virtiofsd, spelled out as a user would. */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void yourOwnDaemonFromATemplate() throws Exception {
        var rust = new VirtiofsdRust(GuestImage.defaultCache());
        String template = String.join(" ", rust.command(Path.of("{shared}"), Path.of("{socket}"), "max-pages", null));
        Path out = tmp.resolve("own");
        int rc = new CommandLine(new LoadCommand()).execute("--daemons", "mine", "--daemon-command", "mine=" + template,
                "--rounds", "1", "--seconds", "1", "--warmup", "0", "--ops", "read", "--size", "128k", "--file-mib", "8", "--out", out.toString());
        assertEquals(0, rc);
        List<JsonNode> rs = records(out);
        assertEquals(1, rs.size());
        assertEquals("ok", rs.getFirst().path("status").asText(), rs.toString());
        assertEquals("own", rs.getFirst().path("arm").asText(), "variants do not reach it");
        assertEquals(rust.version(), new ObjectMapper().readTree(Files.readAllLines(out.resolve("load.jsonl")).getFirst())
                .path("daemons").path("mine").asText(), "its --version is recorded");
    }

    /** A peer through the proxy: baseline reaches the frontend as a reply without MAX_PAGES; observed streams are served. */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aPeerThroughTheProxy() throws Exception {
        Path big = tmp.resolve("proxied-baseline");
        assertEquals(1, new CommandLine(new LoadCommand()).execute("--daemons", "virtiofsd-rust", "--proxy", "--variant", "baseline",
                "--rounds", "1", "--seconds", "1", "--warmup", "0", "--ops", "read", "--size", "1m", "--file-mib", "8", "--out", big.toString()));
        JsonNode r = records(big).getFirst();
        assertTrue(r.path("error").asText().contains("would never send 1048576-byte requests"), "the rewritten reply reached the frontend: " + r);
        assertEquals("baseline", r.path("arm").asText());
        Path seen = tmp.resolve("observed");
        assertEquals(0, new CommandLine(new LoadCommand()).execute("--daemons", "virtiofsd-rust", "--observe", "--rounds", "1", "--seconds", "1",
                "--warmup", "0", "--ops", "read", "--size", "128k", "--file-mib", "8", "--out", seen.toString()));
        JsonNode o = records(seen).getFirst();
        assertEquals("ok", o.path("status").asText(), o.toString());
        assertEquals("observe", o.path("proxy").asText());
        // on the kick path the proxy spends CPU of its own on every request: recorded, separate from the daemon's
        assertTrue(o.path("proxy_cpu_us_per_request").asDouble() > 0, o.toString());
        assertTrue(Files.readString(seen.resolve("summary.md")).contains("proxy CPU µs/request"));
    }

    @Test
    void badCommandLinesAreOneLine() {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err));
        try {
            assertEquals(2, new CommandLine(new LoadCommand()).execute("--size", "3x"));
            assertEquals(2, new CommandLine(new LoadCommand()).execute("--ops", "scan"));
            assertEquals(2, new CommandLine(new LoadCommand()).execute("--daemons", "nfsd"));
            assertEquals(2, new CommandLine(new LoadCommand()).execute("--size", "6000"));
            assertEquals(2, new CommandLine(new LoadCommand()).execute("--daemons", "mine", "--daemon-command", "mine=/opt/d --shared-dir={shared}"));
            assertEquals(2, new CommandLine(new LoadCommand()).execute("--daemon-label", "other=1.0"));
        } finally {
            System.setErr(saved);
        }
        String[] lines = err.toString().strip().split("\n");
        assertEquals(6, lines.length, err.toString());
        assertTrue(lines[0].contains("--size wants a size"), lines[0]);
        assertTrue(lines[1].contains("unknown op 'scan'"), lines[1]);
        assertTrue(lines[2].contains("unknown daemon 'nfsd'"), lines[2]);
        assertTrue(lines[3].contains("multiple of 4k"), lines[3]);
        assertTrue(lines[4].contains("has no {socket}"), lines[4]);
        assertTrue(lines[5].contains("no --daemon-command defines 'other'"), lines[5]);
    }
}
