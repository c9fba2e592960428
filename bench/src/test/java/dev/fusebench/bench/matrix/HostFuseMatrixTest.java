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

    @Test
    void hostFuseTakesOnlyTheJavaDaemon() {
        assertEquals(2, new CommandLine(new MatrixCommand(null)).execute("--transport", "host-fuse", "--daemons", "virtiofsd-rust"));
    }
}
