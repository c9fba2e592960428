package dev.fusebench.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * Coverage-guided fuzzing with Jazzer. In a plain test run (CI) each target replays its corpus in
 * src/test/resources/dev/fusebench/fuzz/FuzzTargetsTestInputs/TARGET/ (the seeds, and every input
 * that once failed, kept as a regression test). With JAZZER_FUZZ=1 (./run-bench.sh fuzz TARGET
 * DURATION) Jazzer mutates inputs guided by the coverage of the daemon's classes.
 */
class FuzzTargetsTest {
    private static FuseRequestTarget fuse;
    private static VhostMessageTarget vhost;
    private static VirtqueueTarget rings;
    @TempDir static Path dir;

    @FuzzTest(maxDuration = "10s")
    void fuseRequest(byte[] data) throws Exception {
        if (fuse == null) fuse = new FuseRequestTarget(dir.resolve("fuse"));
        fuse.accept(data);
    }

    @FuzzTest(maxDuration = "10s")
    void vhostMessages(byte[] data) throws Exception {
        if (vhost == null) vhost = new VhostMessageTarget(dir.resolve("vhost"));
        vhost.accept(data);
    }

    @FuzzTest(maxDuration = "10s")
    void virtqueue(byte[] data) {
        if (rings == null) rings = new VirtqueueTarget();
        rings.accept(data);
    }

    @AfterAll
    static void close() throws Exception {
        System.err.printf("fusebench fuzz: inputs run: fuseRequest %d, vhostMessages %d, virtqueue %d%n",
                fuse == null ? 0 : fuse.requests, vhost == null ? 0 : vhost.inputs, rings == null ? 0 : rings.inputs);
        if (fuse != null) fuse.close();
        if (vhost != null) vhost.close();
        if (rings != null) rings.close();
        fuse = null;
        vhost = null;
        rings = null;
    }
}
