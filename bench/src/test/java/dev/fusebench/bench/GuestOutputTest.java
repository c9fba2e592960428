package dev.fusebench.bench;

import dev.fusebench.bench.guest.GuestOutput;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class GuestOutputTest {
    @Test
    void markersAndJson() {
        String text = """
                @@FB BOOTED 0.91 6.1.0-50-amd64\r
                @@FB MOUNTED 1.52\r
                @@FB LAYOUT 1.52 3.02\r
                @@FB JOB-START seq-read 3.10\r
                @@FB JSON-BEGIN seq-read\r
                {"jobs": [{"jobname": "seq-read"}]}\r
                \r
                @@FB JSON-END seq-read\r
                @@FB JOB-END seq-read 0 13.2\r
                @@FB JOB-START seq-write 13.3\r
                @@FB JSON-BEGIN seq-write\r
                @@FB JSON-END seq-write\r
                @@FB JOB-LOG seq-write fio: io_u error on file: Input/output error\r
                @@FB JOB-END seq-write 1 14.0\r
                @@FB DONE 14.1\r
                """;
        GuestOutput g = GuestOutput.parse(text);
        assertEquals("6.1.0-50-amd64", g.kernelRelease());
        assertEquals(1.52, g.mountedUptime());
        assertEquals(1.5, g.layoutSeconds(), 1e-9);
        assertTrue(g.done());
        GuestOutput.Job r = g.jobs().get("seq-read");
        assertEquals(0, r.exitCode());
        assertTrue(r.json().contains("\"jobname\": \"seq-read\""));
        assertEquals(10.1, r.seconds(), 1e-9);
        GuestOutput.Job w = g.jobs().get("seq-write");
        assertEquals(1, w.exitCode());
        assertTrue(w.log().contains("Input/output error"));
    }

    @Test
    void fatalAndTruncated() {
        GuestOutput g = GuestOutput.parse("@@FB BOOTED 1.0 6.12.1\n@@FB FATAL mount mount: mounting fbshare on /mnt/share failed: No such device\n");
        assertEquals(1, g.fatal().size());
        assertFalse(g.done());
        assertNull(g.mountedUptime());
        GuestOutput cut = GuestOutput.parse("@@FB BOOTED 1.0 x\n@@FB MOUNTED 2\n@@FB JOB-START a 3\n@@FB JSON-BEGIN a\n{\"jo");
        assertNull(cut.jobs().get("a").exitCode(), "a job cut off has no exit code");
    }
}
