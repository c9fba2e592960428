package dev.fusebench.bench.results;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fusebench.bench.workload.FioResult;
import dev.fusebench.sandbox.Sandbox;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** A run line is one flat JSON object, written and read back through the records; one name per concept. */
class RunLineTest {
    static RunLine line() {
        RunResult.Builder b = new RunResult.Builder();
        b.arm = "max-pages";
        b.daemon = new RunResult.DaemonInfo("java", "1.0", true, new Sandbox(Sandbox.Mode.NAMESPACE, 1024).describe(), List.of("java", "-jar"));
        b.guest = new RunResult.GuestInfo("6.1", "linux-image", "6.1.1", 2, 1024, 1024, "", false, "256M", 30, "img");
        var read = new FioResult.Direction(1 << 20, 3 * 1048576.0, 3, 1000, 10, Map.of("50", 8.0, "99", 20.0));
        RunResult r = b.ok("seq-read", new RunResult.CpuSeconds(1.5, 9.0), new RunResult.HostNoise(0.05, 0.0, 1.2),
                Map.of("job_s", 31.0), new FioResult("seq-read", 0, read, null, "fio-3.33"));
        return new RunLine(RunLine.TYPE, "i1/java/6.1/q1024/max-pages", 1, false, 2, List.of("baseline", "max-pages"), 40.0,
                "host", "6.1/q1024", null, r);
    }

    @Test
    void writtenFlatWithSnakeCaseNamesAndReadBack() throws Exception {
        RunLine l = line();
        JsonNode n = RunLine.JSON.readTree(RunLine.JSON.writeValueAsString(l));
        assertEquals("run", n.path("type").asText());
        assertEquals("max-pages", n.path("arm").asText());
        assertFalse(n.has("variant"), "the arm has one name");
        assertFalse(n.has("result"), "the result is flattened into the line");
        assertEquals("seq-read", n.path("workload").asText());
        assertEquals(List.of("baseline", "max-pages"), List.of(n.path("block_order").get(0).asText(), n.path("block_order").get(1).asText()));
        assertEquals(1.5, n.path("cpu_s").path("daemon_s").asDouble());
        assertEquals(1.2, n.path("host_noise").path("load_avg").asDouble());
        assertEquals("6.1", n.path("guest").path("kernel_series").asText());
        assertFalse(n.has("failure"), "fields without a value are left out");
        assertEquals(l, RunLine.of(n));
    }

    @Test
    void olderLinesStillRead() throws Exception {
        // before the records, a run line said "variant" (and later "arm" too) and carried fields since dropped
        JsonNode old = RunLine.JSON.readTree("""
                {"type":"run","unit":"i1/java/6.1/q1024/baseline","iteration":1,"warmup":false,"position":1,
                 "workload":"seq-read","variant":"baseline","status":"failed","failure":"guest killed","someday":1,
                 "proxy":{"variant":"baseline","refusal":"max_pages=128, above the daemon's 64"}}""");
        RunLine l = RunLine.of(old);
        assertEquals("baseline", l.arm());
        assertEquals("baseline", l.result().proxy().arm(), "the proxy's record said variant too");
        assertFalse(l.ok());
        assertEquals("guest killed", l.result().failure());
    }
}
