package dev.fusebench.bench.matrix;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

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
        int rc = new CommandLine(new MatrixCommand(null)).execute("--transport", "host-fuse", "--workloads", "direct-read-1m",
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

    /** The README's variant example, as written: two arms, the second with three settings, 64-page READs. */
    @Test
    void aVariantWithSeveralSettingsIsOneArm() throws Exception {
        Path out = tmp.resolve("v");
        int rc = new CommandLine(new MatrixCommand(null)).execute("--transport", "host-fuse", "--workloads", "direct-read-1m",
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
        assertEquals(2, new CommandLine(new MatrixCommand(null)).execute("--transport", "host-fuse", "--variants", "baseline,max_pages=64"),
                "a setting without a variant is a usage error");
    }

    @Test
    void hostFuseTakesOnlyTheJavaDaemon() {
        assertEquals(2, new CommandLine(new MatrixCommand(null)).execute("--transport", "host-fuse", "--daemons", "virtiofsd-rust"));
    }
}
