package dev.fusebench.bench;

import dev.fusebench.bench.results.RunResult;
import dev.fusebench.bench.daemons.VirtioFsDaemon;
import dev.fusebench.bench.guest.GuestImage;
import dev.fusebench.bench.run.Fault;
import dev.fusebench.bench.run.GuestRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Faults in a real guest boot on the Java daemon: each becomes failed results with the reason,
 * the jobs that ran before it keep their results, and nothing is left running.
 */
@Timeout(600)
class GuestFaultsTest {
    static final Path REPO = GuestBootTest.REPO;
    static GuestImage image;
    @TempDir Path tmp;

    @BeforeAll
    static void image() throws Exception {
        image = GuestImage.obtain("6.1", GuestImage.defaultCache(), GuestBootTest.WORKLOADS.resolve("init"));
    }

    private List<RunResult> run(List<String> workloads, Fault fault, Integer tmpfs, long deadline) throws Exception {
        VirtioFsDaemon d = VirtioFsDaemon.named("java", GuestImage.defaultCache());
        var spec = new GuestRun.Spec(d, "max-pages", GuestBootTest.config(false), workloads, GuestBootTest.WORKLOADS, deadline, fault, tmpfs, "max-pages");
        List<RunResult> r = GuestRun.run(spec, image, tmp.resolve("boot"));
        assertEquals(workloads.size(), r.size());
        GuestBootTest.assertNothingLeft();
        return r;
    }

    private static String failure(RunResult r) {
        assertEquals("failed", r.status(), () -> "expected a failure: " + r);
        return r.failure();
    }

    @Test
    void daemonKilledMidJob() throws Exception {
        long t0 = System.nanoTime();
        var rs = run(List.of("rand-read", "seq-read"), new Fault.KillDaemon(1), null, 300);
        String f = failure(rs.get(0));
        assertTrue(f.contains("the daemon was killed by signal 9 (SIGKILL)") && f.contains("while running rand-read"), f);
        assertTrue(failure(rs.get(1)).contains("before the job started"), failure(rs.get(1)));
        assertEquals("kill-daemon@1.0", rs.get(0).faultInjected());
        assertTrue((System.nanoTime() - t0) / 1e9 < 200, "the guest is stopped soon after its daemon dies, not at the deadline");
    }

    @Test
    void qemuKilledMidJob() throws Exception {
        var rs = run(List.of("rand-read"), new Fault.KillQemu(1), null, 300);
        String f = failure(rs.getFirst());
        assertTrue(f.contains("QEMU was killed by signal 9 (SIGKILL)") && f.contains("while running rand-read"), f);
    }

    @Test
    void guestKernelPanic() throws Exception {
        var rs = run(List.of("panic", "rand-read"), null, null, 300);
        String f = failure(rs.get(0));
        assertTrue(f.startsWith("guest kernel panic: Kernel panic - not syncing"), f);
        assertTrue(failure(rs.get(1)).startsWith("guest kernel panic"), failure(rs.get(1)));
        assertNotNull(rs.get(0).guestPanic());
    }

    @Test
    void fullShareGivesTheGuestEnospcAndTheDaemonServesOn() throws Exception {
        // a 96 MiB tmpfs holds the 64 MiB test file but not a second one
        var rs = run(List.of("fill-share", "rand-read"), null, 96, 300);
        String f = failure(rs.get(0));
        assertTrue(f.contains("ENOSPC") || f.contains("No space left on device"), f);
        assertEquals("ok", rs.get(1).status(), () -> "the daemon serves the next job: " + rs.get(1).failure());
        assertEquals(96, rs.get(0).shareTmpfsMib());
        assertFalse(Files.readString(tmp.resolve("boot/daemon.log")).contains("Exception"), "daemon log has no exception");
    }
}
