package dev.fusebench.bench;

import dev.fusebench.bench.guest.GuestSetup;
import dev.fusebench.bench.guest.GuestAxis;
import dev.fusebench.bench.daemons.VirtioFsDaemon;
import dev.fusebench.bench.guest.Accel;
import dev.fusebench.bench.guest.GuestConfig;
import dev.fusebench.bench.guest.GuestImage;
import dev.fusebench.bench.results.RunResult;
import dev.fusebench.bench.run.GuestRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Guest settings that only a real guest shows: several request queues, and a page cache with readahead. */
@Timeout(900)
class GuestSettingsTest {
    @TempDir Path tmp;

    private RunResult runJava(String kernel, String variant, String workload, int vcpus, int requestQueues, int readaheadKb) throws Exception {
        return runJava(kernel, variant, List.of(workload), vcpus, requestQueues, readaheadKb);
    }

    /** One boot running {@code workloads}; the first one's result. */
    private RunResult runJava(String kernel, String variant, List<String> workloads, int vcpus, int requestQueues, int readaheadKb) throws Exception {
        GuestImage image = GuestImage.obtain(kernel, GuestImage.defaultCache(), GuestBootTest.WORKLOADS.resolve("init"));
        GuestConfig cfg = new GuestConfig(GuestSetup.DEFAULT.with(GuestAxis.KERNEL, kernel).with(GuestAxis.VCPUS, vcpus)
                .with(GuestAxis.REQUEST_QUEUES, requestQueues).with(GuestAxis.READAHEAD_KB, readaheadKb), 1024, Accel.choose("auto"), 64, 3, false);
        var spec = new GuestRun.Spec(VirtioFsDaemon.named("java", GuestImage.defaultCache()), variant, cfg, workloads,
                GuestBootTest.WORKLOADS, 400);
        RunResult r = GuestRun.run(spec, image, tmp.resolve(kernel + "-" + requestQueues + "-" + readaheadKb)).getFirst();
        assertEquals("ok", r.status(), () -> r.failure() + "\n" + r.consoleTail());
        GuestBootTest.assertNothingLeft();
        return r;
    }

    /**
     * A 6.12 guest with two request queues and two vCPUs spreads a four-job workload over both queues.
     * The same boot (guest-workloads/supp-group.sh): a user in a directory's group only as a
     * supplementary one creates there, and the files are its own, with no retry as root: the
     * kernel sent the group (CREATE_SUPP_GROUP, negotiated); a directory closed to it stays closed.
     */
    @Test
    void fourJobsUseBothRequestQueuesAndASupplementaryGroupOpensItsDirectory() throws Exception {
        RunResult r = runJava("6.12", "max-pages", List.of("rand-read-4jobs", "supp-group"), 2, 2, 0);
        assertEquals(2, r.guest().requestQueues());
        var perQueue = r.daemonStats().requestsPerQueue();
        assertNotNull(perQueue, r.daemonStats().toString());
        assertTrue(perQueue.getOrDefault("queue-1", 0L) > 100 && perQueue.getOrDefault("queue-2", 0L) > 100, "both request queues served: " + perQueue);

        Path share = tmp.resolve("6.12-2-0").resolve("share");
        String log = Files.readString(share.resolve("supp-group.log"));
        assertTrue(log.contains("SUPP-GROUP-SCRIPT-DONE"), log);
        assertTrue(log.matches("(?s).*groups [0-9 ]*4321.*"), "nobody is in team as a supplementary group:\n" + log);
        assertTrue(log.contains("== create\nrc=0") && log.contains("== mkdir\nrc=0"), log);
        assertFalse(log.contains("== closed\nrc=0"), "a directory closed to the user stays closed:\n" + log);
        for (String n : List.of("team/file", "team/sub")) {
            assertEquals(65534, (int) Files.getAttribute(share.resolve(n), "unix:uid"), n + " is the caller's");
        }
        assertFalse(Files.exists(share.resolve("closed/file")));
        assertTrue(r.daemonStats().negotiation().replied("CREATE_SUPP_GROUP"), "negotiated: " + r.daemonStats().negotiation());
    }

    /**
     * With a page cache (cache=auto), FUSE max_readahead 1 MiB and the guest's read_ahead_kb 1024, a
     * buffered sequential read of 128 KiB arrives as READs larger than 128 KiB (readahead-sized);
     * with cache never (GuestBootTest) it arrives at the application's size.
     */
    @Test
    void cachedReadsArriveReadaheadSized() throws Exception {
        RunResult r = runJava("6.1", "ra:cache=auto,max_readahead=1m", "seq-read", 2, 1, 1024);
        assertEquals(1024, r.guest().readaheadKbReadBack(), "the guest read its read_ahead_kb back");
        assertEquals("auto", r.daemonStats().daemon().cache);
        Map<Long, Long> sizes = r.requests().opcode("READ").sizes();
        long above = sizes.entrySet().stream().filter(e -> e.getKey() > 131072).mapToLong(Map.Entry::getValue).sum();
        long all = sizes.values().stream().mapToLong(Long::longValue).sum();
        assertTrue(above * 2 > all, "most READs above 128 KiB: " + sizes);
        assertTrue(sizes.containsKey(1048576L), "readahead-sized (1 MiB) READs: " + sizes);
    }
}
