package dev.fusebench.bench;

import dev.fusebench.bench.guest.GuestSetup;
import dev.fusebench.bench.daemons.CustomDaemon;
import dev.fusebench.bench.daemons.VirtiofsdRust;
import dev.fusebench.bench.results.RunResult;
import dev.fusebench.fuse.NegotiationSettings;
import dev.fusebench.proxy.Restriction;
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

import java.nio.file.Files;
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

    static GuestConfig config(boolean checksum) throws Exception {
        return new GuestConfig(GuestSetup.DEFAULT, 1024, Accel.choose("auto"), 64, 2, checksum);
    }

    private List<RunResult> run(String daemon, String variant, List<String> workloads, long deadline, boolean checksum) throws Exception {
        VirtioFsDaemon d = VirtioFsDaemon.named(daemon, GuestImage.defaultCache());
        var spec = new GuestRun.Spec(d, variant, config(checksum), workloads, WORKLOADS, deadline);
        List<RunResult> r = GuestRun.run(spec, image, tmp.resolve(daemon + "-" + variant));
        assertEquals(workloads.size(), r.size());
        return r;
    }

    private RunResult runOne(String daemon, String workload, long deadline) throws Exception {
        return run(daemon, "max-pages", List.of(workload), deadline, false).getFirst();
    }

    /**
     * The Java daemon in a real guest: ok, the negotiated request sizes, fio's write-then-verify
     * (crc32c, sequential 1 MiB direct and random 4 KiB buffered) without a mismatch, and the
     * guest's data intact on the host (SHA-256 in the guest and on the host).
     */
    @SuppressWarnings("unchecked")
    private long javaReadMax(String variant) throws Exception {
        List<RunResult> rs = run("java", variant, List.of("direct-write-1m", "verify-seq", "verify-rand", "direct-read-1m", "seq-read"), 400, true);
        for (RunResult r : rs) {
            assertGoodRun(r);
            // every job, the last one included, has the CPU the daemon and QEMU spent on it
            var cpu = r.cpuS();
            assertNotNull(cpu, "cpu_s of " + r.workload());
            assertTrue(cpu.qemuS() > 0, cpu.toString());
            assertTrue(cpu.daemonS() >= 0, cpu.toString());
        }
        var integrity = rs.getFirst().integrity();
        assertTrue(integrity.match(), integrity.toString());
        var stats = rs.getFirst().daemonStats().toTree();
        assertEquals(variant, stats.get("negotiation").get("settings").asText());
        assertTrue(stats.get("opcodes").get("WRITE").get("count").asLong() > 0);
        assertJobsAddUp(rs, stats);
        // seq-read (128 KiB buffered reads, --cache never): fio's buffer starts 16 bytes into a page
        // (malloc), so 32 pages hold 131,056 bytes: two READs per I/O under baseline, one with max-pages
        Map<Long, Long> seqRead = rs.getLast().requests().opcode("READ").sizes();
        if (variant.equals("baseline")) assertEquals(java.util.Set.of(16L, 131056L), seqRead.keySet(), seqRead.toString());
        else assertEquals(java.util.Set.of(131072L), seqRead.keySet(), seqRead.toString());
        return stats.get("opcodes").get("READ").get("size").get("max").asLong();
    }

    /** A boot of the seed's four workloads: four job histograms (and boot and end) adding up to the boot's total. */
    @Test
    void theSeedWorkloadsEachHaveTheirOwnRequests() throws Exception {
        List<RunResult> rs = run("java", "baseline", dev.fusebench.bench.workload.Workloads.SEED, 400, false);
        for (RunResult r : rs) assertGoodRun(r);
        assertJobsAddUp(rs, rs.getFirst().daemonStats().toTree());
        for (RunResult r : rs) {
            boolean reads = r.workload().contains("read");
            var sizes = r.requests().opcode(reads ? "READ" : "WRITE").sizes();
            assertNotNull(sizes, r.workload() + ": a histogram of its own");
            if (reads) assertNull(r.requests().opcode("WRITE"), r.workload() + ": no other job's writes in its histogram");
        }
    }

    /** Each job has its own requests (from the daemon's phases), and the phases add up to the boot's total. */
    static void assertJobsAddUp(List<RunResult> rs, com.fasterxml.jackson.databind.JsonNode stats) {
        var phases = stats.get("phases");
        assertNotNull(phases, "the daemon's statistics have phases");
        List<String> marks = new java.util.ArrayList<>();
        phases.forEach(p -> marks.add(p.get("mark").asText()));
        List<String> expected = new java.util.ArrayList<>(List.of("boot"));
        for (int i = 1; i <= rs.size(); i++) expected.add("job-" + i);
        expected.add("end");
        assertEquals(expected, marks);
        for (String op : List.of("READ", "WRITE", "LOOKUP")) {
            long total = stats.get("opcodes").path(op).path("count").asLong();
            long sum = 0;
            for (var p : phases) sum += p.get("opcodes").path(op).path("count").asLong();
            assertEquals(total, sum, op + ": the phases add up to the boot's total");
        }
        for (RunResult r : rs) {
            assertNotNull(r.requests(), r.workload() + " has its own requests");
            assertEquals("daemon", r.requests().source());
            boolean reads = r.fio().read().active();
            var data = r.requests().opcode(reads ? "READ" : "WRITE");
            assertNotNull(data, r.workload() + ": " + r.requests());
            assertTrue(data.count() >= (reads ? r.fio().read() : r.fio().write()).ios(), r.workload() + ": at least one request per fio I/O");
        }
    }

    @Test
    void javaDaemonMaxPages() throws Exception {
        assertEquals(1 << 20, javaReadMax("max-pages"));
    }

    @Test
    void javaDaemonBaseline() throws Exception {
        long max = javaReadMax("baseline");
        assertTrue(max <= 131072, "READ max " + max);
    }

    static void assertNothingLeft() throws InterruptedException {
        for (int i = 0; i < 50 && ProcessHandle.current().descendants().anyMatch(ProcessHandle::isAlive); i++) Thread.sleep(100);
        assertEquals(List.of(), ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .map(p -> p.info().commandLine().orElse("?")).toList());
    }

    private void assertGoodRun(RunResult r) throws Exception {
        assertEquals("ok", r.status(), () -> r.failure() + "\n" + r.consoleTail());
        FioResult fio = r.fio();
        assertTrue(fio.read().bandwidthBytesPerSec() > 0 || fio.write().bandwidthBytesPerSec() > 0);
        assertTrue(r.guestKernelRelease().startsWith("6.1."), r.guestKernelRelease());
        assertEquals(Accel.choose("auto").name().toLowerCase(java.util.Locale.ROOT), r.accel());
        var t = r.timings();
        assertNotNull(t.get("boot_to_mounted_s"));
        assertNothingLeft();
    }

    /** From inside the guest, paths, symlinks, renames and links all stay inside the share (guest-workloads/escape.sh). */
    @Test
    void escapeAttemptsFromTheGuestStayInsideTheShare() throws Exception {
        Path work = tmp.resolve("esc");
        Path share = Files.createDirectories(work.resolve("share"));
        Path secret = Files.writeString(work.resolve("secret.txt"), "HOST-SECRET-" + System.nanoTime() + "\n");
        String secretText = Files.readString(secret);
        Files.createSymbolicLink(share.resolve("abs-link"), secret.toAbsolutePath());
        Files.createSymbolicLink(share.resolve("rel-link"), Path.of("../secret.txt"));
        VirtioFsDaemon d = VirtioFsDaemon.named("java", GuestImage.defaultCache());
        var spec = new GuestRun.Spec(d, "max-pages", config(false), List.of("escape"), WORKLOADS, 300);
        RunResult r = GuestRun.run(spec, image, work).getFirst();
        assertEquals("ok", r.status(), () -> r.failure() + "\n" + r.consoleTail());
        String log = Files.readString(share.resolve("escape.log"));
        assertTrue(log.contains("ESCAPE-SCRIPT-DONE"), "the script ran to its end:\n" + log);
        assertFalse(log.contains("HOST-SECRET"), "the host secret reached the guest:\n" + log);
        assertEquals(secretText, Files.readString(secret), "the secret is unchanged");
        assertTrue(log.contains("== echo escaped >> " + "/mnt/share/abs-link"), log);
        // a hard link inside the share works without CAP_DAC_READ_SEARCH (linkat through /proc/self/fd)
        assertTrue(log.contains("links 2\nrc=0"), "the hard link inside the share:\n" + log);
        assertEquals(2, (int) Files.getAttribute(share.resolve("linked.txt"), "unix:nlink"));
        try (var all = Files.walk(tmp)) {
            List<Path> planted = all.filter(p -> !p.startsWith(share))
                    .filter(p -> List.of("planted.txt", "moved-out.txt", "hardlink-out").contains(p.getFileName().toString())).toList();
            assertEquals(List.of(), planted, "nothing appeared outside the share");
        }
        assertNothingLeft();
    }

    /**
     * guest-workloads/remount.sh: a guest sync reaches the host as SYNCFS, and an umount and mount of
     * the share in the same boot (DESTROY, then a second INIT) leaves a working share with the data
     * written before. The daemon ran in its sandbox.
     */
    @Test
    void syncAndRemountInTheGuest() throws Exception {
        Path work = tmp.resolve("remount");
        VirtioFsDaemon d = VirtioFsDaemon.named("java", GuestImage.defaultCache());
        var spec = new GuestRun.Spec(d, "max-pages", config(false), List.of("remount"), WORKLOADS, 300);
        RunResult r = GuestRun.run(spec, image, work).getFirst();
        assertEquals("ok", r.status(), () -> r.failure() + "\n" + r.consoleTail());
        String log = Files.readString(work.resolve("share").resolve("remount.log"));
        assertTrue(log.contains("REMOUNT-SCRIPT-DONE"), log);
        for (String line : List.of("sync ok", "umount ok", "mount ok", "read back: written before the remount")) {
            assertTrue(log.contains(line), "'" + line + "' missing:\n" + log);
        }
        assertFalse(log.contains("still mounted"), log);
        var stats = r.daemonStats().toTree();
        var ops = stats.get("opcodes");
        assertTrue(ops.get("SYNCFS").get("count").asInt() >= 1, "the guest's sync reached the daemon: " + ops);
        assertEquals(0, ops.get("SYNCFS").get("errors").asInt());
        assertEquals(2, ops.get("INIT").get("count").asInt(), "the remount's INIT was answered");
        assertEquals(0, ops.get("INIT").get("errors").asInt());
        assertTrue(ops.get("DESTROY").get("count").asInt() >= 1);
        var box = stats.get("daemon").get("sandbox");
        assertEquals("namespace", box.get("mode").asText());
        assertTrue(box.get("no_new_privs").asBoolean());
        assertEquals(dev.fusebench.sandbox.Sandbox.CAPABILITIES.size(), box.get("capabilities").size());
        assertNothingLeft();
    }

    /**
     * The Rust virtiofsd under the baseline variant, through the INIT-rewriting proxy: the daemon
     * replied FUSE_MAX_PAGES, the guest got a reply without it, the proxy stepped out, the run is good.
     */
    @Test
    void rustVirtiofsdBaselineThroughTheProxy() throws Exception {
        VirtioFsDaemon d = VirtioFsDaemon.named("virtiofsd-rust", GuestImage.defaultCache());
        var spec = new GuestRun.Spec(d, "baseline", config(false), List.of("direct-read-1m"), WORKLOADS, 300)
                .withProxy(Restriction.of(NegotiationSettings.BASELINE));
        RunResult r = GuestRun.run(spec, image, tmp.resolve("proxied")).getFirst();
        assertGoodRun(r);
        assertEquals("baseline", r.arm());
        var p = r.proxy();
        assertNotNull(p, "the proxy's record");
        assertTrue(p.daemonReply().flags().contains("MAX_PAGES"), p.toString());
        assertFalse(p.givenReply().flags().contains("MAX_PAGES"), p.toString());
        assertEquals(32, p.givenReply().effectiveMaxPages());
        assertEquals(Boolean.TRUE, p.steppedOut());
        assertNull(p.refusal());
        assertNothingLeft();
    }

    /**
     * --observe: the proxy counts what the guest sends the Rust virtiofsd. 1 MiB direct reads arrive
     * as READs of at most 128 KiB under baseline and as 1 MiB READs under max-pages.
     */
    @Test
    void observedRequestSizesOfThePeerUnderEachVariant() throws Exception {
        VirtioFsDaemon d = VirtioFsDaemon.named("virtiofsd-rust", GuestImage.defaultCache());
        for (var v : List.of(NegotiationSettings.BASELINE, NegotiationSettings.MAX_PAGES)) {
            var spec = new GuestRun.Spec(d, v.name(), config(false), List.of("direct-read-1m"), WORKLOADS, 300)
                    .withProxy(Restriction.of(v)).withObserve();
            RunResult r = GuestRun.run(spec, image, tmp.resolve("observe-" + v.name())).getFirst();
            assertGoodRun(r);
            var reads = r.proxy().observedSizes().get("READ");
            assertNotNull(reads, "READs counted: " + r.proxy());
            long max = reads.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
            if (v == NegotiationSettings.BASELINE) assertEquals(131072, max, reads.toString());
            else assertTrue(reads.getOrDefault(1048576L, 0L) > 0, reads.toString());
            assertEquals(0L, r.proxy().observedMissed(), "every request counted");
            // the job's own requests, cut at the guest's job mark by the proxy
            assertEquals("proxy", r.requests().source(), r.requests().toString());
            var jobReads = r.requests().opcode("READ").sizes();
            assertEquals(max, jobReads.keySet().stream().mapToLong(Long::longValue).max().orElseThrow(), jobReads.toString());
            // the proxy reads each request before the guest hears of its completion; one the guest finds
            // complete on its own may be gone by then: counted as unread, never lost from the account.
            // How many depends on the host's load (1.1% on an idle machine, 5.6% in a busy CI run), so
            // the bound here only says most were read; the report writes the count as a lower bound.
            long counted = r.requests().opcode("READ").count(), unread = r.requests().unreadable();
            assertTrue(counted + unread >= r.fio().read().ios(), r.requests() + " for " + r.fio().read().ios() + " I/Os");
            assertTrue(unread * 4 <= counted, "at most a quarter unread: " + r.requests());
        }
    }

    @Test
    void cVirtiofsd() throws Exception {
        assertGoodRun(runOne("virtiofsd-c", "direct-read-1m", 300));
    }

    /**
     * The Rust virtiofsd, given as a user's own daemon: its command template, spelled out as a user
     * would write it, serves a real guest (the built-in peer's command is the same, and `load` drives
     * that one too).
     */
    @Test
    void rustVirtiofsdAsYourOwnDaemon() throws Exception {
        var rust = new VirtiofsdRust(GuestImage.defaultCache());
        String template = String.join(" ", rust.command(Path.of("{shared}"), Path.of("{socket}"), "max-pages", null));
        CustomDaemon mine = CustomDaemon.parse("mine=" + template, null);
        var spec = new GuestRun.Spec(mine, "own", config(false), List.of("direct-read-1m"), WORKLOADS, 300);
        RunResult r = GuestRun.run(spec, image, tmp.resolve("mine")).getFirst();
        assertGoodRun(r);
        assertEquals("mine", r.daemon().name());
        assertEquals("own", r.arm());
        assertEquals(rust.version(), r.daemon().version());
        assertTrue(r.daemon().command().contains("--socket-path=" + tmp.resolve("mine").resolve("vfs.sock")), r.daemon().command().toString());
    }

    @Test
    void hungGuestIsKilledAtItsDeadline() throws Exception {
        RunResult r = runOne("virtiofsd-c", "hang", 45);
        assertEquals("failed", r.status());
        assertTrue(r.failure().contains("deadline"), r.failure());
        assertNotNull(r.consoleTail());
        assertNothingLeft();
    }
}
