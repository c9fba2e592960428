package dev.fusebench.bench;

import dev.fusebench.bench.workload.FioResult;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.*;

/** fio 3.33's JSON (produced on these machines) into the typed result. */
class FioResultTest {
    static String fixture(String name) throws IOException {
        try (InputStream in = FioResultTest.class.getResourceAsStream("/fio/" + name)) {
            return new String(in.readAllBytes());
        }
    }

    @Test
    void sequentialRead() throws IOException {
        FioResult r = FioResult.parse(fixture("seq-read-3.33.json"));
        assertEquals("seq-read", r.job());
        assertEquals("fio-3.33", r.fioVersion());
        assertTrue(r.ok());
        assertTrue(r.read().active());
        assertFalse(r.write().active());
        assertTrue(r.read().bandwidthBytesPerSec() > 0);
        assertEquals(r.read().iops() * 131072, r.read().bandwidthBytesPerSec(), r.read().bandwidthBytesPerSec() * 0.02,
                "128 KiB blocks: bandwidth = IOPS x 128 KiB");
        assertTrue(r.read().clatPercentilesUs().containsKey("99"));
        assertTrue(r.read().clatPercentilesUs().get("99") >= r.read().clatPercentilesUs().get("50"));
    }

    @Test
    void randomWrite() throws IOException {
        FioResult r = FioResult.parse(fixture("rand-write-3.33.json"));
        assertTrue(r.write().active());
        assertFalse(r.read().active());
        assertTrue(r.write().iops() > 0);
        assertEquals(5, r.write().clatPercentilesUs().size(), "p50, p90, p99, p99.9 and the longest: " + r.write().clatPercentilesUs());
        assertTrue(r.write().clatPercentilesUs().get(FioResult.MAX) >= r.write().clatPercentilesUs().get("99.9"));
    }

    @Test
    void failedJobIsNotOk() throws IOException {
        FioResult r = FioResult.parse(fixture("failed-3.33.json"));
        assertEquals(28, r.error(), "ENOSPC from /dev/full");
        assertFalse(r.ok());
    }

    @Test
    void garbageIsAnError() {
        assertThrows(IOException.class, () -> FioResult.parse("fio: no such job"));
        assertThrows(IOException.class, () -> FioResult.parse("{\"jobs\": []}"));
    }

    @Test
    void leadingNoiseBeforeTheJsonIsSkipped() throws IOException {
        FioResult r = FioResult.parse("note: both iodepth >= 1 and synchronous I/O engine are selected\n" + fixture("seq-read-3.33.json"));
        assertTrue(r.ok());
    }
}
