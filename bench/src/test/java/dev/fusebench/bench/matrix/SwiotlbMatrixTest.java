package dev.fusebench.bench.matrix;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Guests with swiotlb=force (the setting that made 1 MiB requests fail in the seed's project) run
 * in the matrix with both presets; the device then makes the guest map virtio-fs buffers through
 * the DMA API, so the bounce buffers are really in the path. Each run is reported: ok with its
 * figures and request sizes, or failed with a reason.
 */
@Timeout(600)
class SwiotlbMatrixTest {
    @TempDir Path tmp;

    @Test
    void bothPresetsRunAndReport() throws Exception {
        Path out = tmp.resolve("s");
        int rc = new CommandLine(new MatrixCommand(null)).execute("--design", "boots", "--daemons", "java", "--variants", "baseline,max-pages",
                "--workloads", "direct-read-1m", "--kernel-args", "swiotlb=force", "--iterations", "1", "--warmup", "0",
                "--runtime", "3", "--size", "32", "--out", out.toString(), "--workloads-dir", MatrixFaultsTest.WORKLOADS.toString());
        assertEquals(0, rc);
        List<JsonNode> lines = new ResultsStore(out).read(false);
        assertEquals(3, lines.size(), "environment + one run per preset");
        for (JsonNode run : lines.subList(1, 3)) {
            assertEquals("swiotlb=force", run.get("guest").get("kernel_args").asText());
            assertTrue(run.get("guest").get("iommu_platform").asBoolean(), "the DMA API is in the path");
            assertTrue(run.get("guest_key").asText().endsWith("/swiotlb=force"), run.get("guest_key").asText());
            String status = run.get("status").asText();
            if (status.equals("ok")) {
                assertTrue(run.get("fio").get("read").get("bandwidthBytesPerSec").asDouble() > 0);
                long readMax = run.get("daemon_stats").get("opcodes").get("READ").get("size").get("max").asLong();
                if (run.get("arm").asText().equals("max-pages")) assertEquals(1 << 20, readMax, "1 MiB READs through swiotlb");
                else assertTrue(readMax <= 131072);
            } else {
                assertFalse(run.path("failure").asText().isBlank(), "a failure says why: " + run);
            }
            System.err.println("swiotlb=force, " + run.get("arm").asText() + ": " + status + " " + run.path("failure").asText(""));
        }
    }
}
