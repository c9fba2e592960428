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
        assertNull(g.readaheadKb());
    }

    /** A job's own figure (readdir.sh) stays with its job through the JSON that follows; readahead is read back. */
    @Test
    void ownFiguresAndReadahead() {
        String text = """
                @@FB BOOTED 0.91 6.1.0-50-amd64
                @@FB MOUNTED 1.52
                @@FB READAHEAD 1024
                @@FB JOB-START readdir 3.10
                @@FB METRIC readdir entries_per_s 701 30006 42.8
                @@FB METRIC other entries_per_s 5 1 1
                @@FB JSON-BEGIN readdir
                {"jobs": [{"jobname": "readdir"}]}
                @@FB JSON-END readdir
                @@FB JOB-END readdir 0 50.0
                @@FB DONE 50.1
                """;
        GuestOutput g = GuestOutput.parse(text);
        assertEquals(1024, g.readaheadKb());
        assertEquals(701.0, g.jobs().get("readdir").metric());
        assertNull(GuestOutput.metric("@@FB METRIC readdir entries_per_s many 1 1", "readdir"));
    }

    @Test
    void compressedJsonAndThePhasesBetweenJobs() throws Exception {
        String json = "{\"jobs\": [{\"jobname\": \"rand-read\", \"elapsed\": 11}]}";
        var bytes = new java.io.ByteArrayOutputStream();
        try (var gz = new java.util.zip.GZIPOutputStream(bytes)) { gz.write(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)); }
        String b64 = java.util.Base64.getMimeEncoder().encodeToString(bytes.toByteArray()).replace("\r\n", "\n");
        String text = "@@FB BOOTED 0.9 6.1\n@@FB MOUNTED 1.5\n@@FB LAYOUT 1.5 1.6\n@@FB JOB-START rand-read 1.75\n@@FB JSON-GZ-BEGIN rand-read\n"
                + b64 + "\n@@FB JSON-END rand-read\n@@FB JOB-END rand-read 0 12.0\n@@FB JOB-START b 12.5\n@@FB JSON-GZ-BEGIN b\nnot base64 !!\n"
                + "@@FB JSON-END b\n@@FB JOB-END b 0 20.0\n@@FB DONE 20.25\n";
        GuestOutput g = GuestOutput.parse(text);
        assertEquals(json, g.jobs().get("rand-read").json());
        assertEquals("", g.jobs().get("b").json(), "garbled: unreadable, not a silent success");
        assertEquals(0.15, g.beforeJob("rand-read"), 1e-9, "from the layout's end to the first job");
        assertEquals(0.5, g.beforeJob("b"), 1e-9, "from the previous job's end");
        assertEquals(0.25, g.afterLastJob(), 1e-9);
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
