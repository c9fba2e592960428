package dev.fusebench.bench;

import dev.fusebench.bench.daemons.VirtioFsDaemon;
import dev.fusebench.bench.guest.Accel;
import dev.fusebench.bench.guest.GuestConfig;
import dev.fusebench.bench.guest.GuestImage;
import dev.fusebench.bench.run.GuestRun;
import dev.fusebench.bench.workload.FioResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Real guests (Debian 6.1 kernel under QEMU) on the two peer daemons; short jobs. */
@Timeout(900)
class GuestBootTest {
    static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    static final Path WORKLOADS = REPO.resolve("guest-workloads");
    static GuestImage image;
    @TempDir Path tmp;

    @BeforeAll
    static void image() throws Exception {
        image = GuestImage.obtain("6.1", GuestImage.defaultCache(), WORKLOADS.resolve("init"));
    }

    static GuestConfig config() throws Exception {
        return new GuestConfig("6.1", 2, 1024, 1024, "", Accel.choose("auto"), "64M", 2);
    }

    private Map<String, Object> runOne(String daemon, String workload, long deadline) throws Exception {
        VirtioFsDaemon d = VirtioFsDaemon.named(daemon, GuestImage.defaultCache(), REPO);
        var spec = new GuestRun.Spec(d, "max-pages", config(), List.of(workload), WORKLOADS, deadline);
        List<Map<String, Object>> r = GuestRun.run(spec, image, tmp.resolve(daemon));
        assertEquals(1, r.size());
        return r.getFirst();
    }

    private static void assertNothingLeft() throws InterruptedException {
        for (int i = 0; i < 50 && ProcessHandle.current().descendants().anyMatch(ProcessHandle::isAlive); i++) Thread.sleep(100);
        assertEquals(List.of(), ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .map(p -> p.info().commandLine().orElse("?")).toList());
    }

    private void assertGoodRun(Map<String, Object> r) throws Exception {
        assertEquals("ok", r.get("status"), () -> r.get("failure") + "\n" + r.get("console_tail"));
        FioResult fio = (FioResult) r.get("fio");
        assertTrue(fio.read().bandwidthBytesPerSec() > 0);
        assertTrue(((String) r.get("guest_kernel_release")).startsWith("6.1."), (String) r.get("guest_kernel_release"));
        assertEquals(Accel.choose("auto").name().toLowerCase(java.util.Locale.ROOT), r.get("accel"));
        @SuppressWarnings("unchecked") var t = (Map<String, Object>) r.get("timings");
        assertNotNull(t.get("boot_to_mounted_s"));
        assertNothingLeft();
    }

    @Test
    void cVirtiofsd() throws Exception {
        assertGoodRun(runOne("virtiofsd-c", "direct-read-1m", 300));
    }

    @Test
    void rustVirtiofsd() throws Exception {
        assertGoodRun(runOne("virtiofsd-rust", "direct-read-1m", 300));
    }

    @Test
    void hungGuestIsKilledAtItsDeadline() throws Exception {
        Map<String, Object> r = runOne("virtiofsd-c", "hang", 45);
        assertEquals("failed", r.get("status"));
        assertTrue(((String) r.get("failure")).contains("deadline"), (String) r.get("failure"));
        assertNotNull(r.get("console_tail"));
        assertNothingLeft();
    }
}
