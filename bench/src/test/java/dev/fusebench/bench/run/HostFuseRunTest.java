package dev.fusebench.bench.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fusebench.stats.StatsFile;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** A run that asked for FUSE over io_uring counts only when the daemon's statistics show the rings served it. */
class HostFuseRunTest {
    static String why(String stats) throws Exception { return HostFuseRun.notServedOverRing(StatsFile.of(new ObjectMapper().readTree(stats))); }

    static final String NEGOTIATED = "\"negotiation\":{\"reply_flag_names\":[\"MAX_PAGES\",\"OVER_IO_URING\"]}";

    @Test
    void servedThroughTheRings() throws Exception {
        assertNull(why("{" + NEGOTIATED + ",\"requests_per_queue\":{\"dev-fuse\":1,\"uring-0\":5,\"uring-1\":0}}"));
    }

    @Test
    void eachWayOfNotBeingServedSaysWhy() throws Exception {
        assertEquals("FUSE over io_uring was not negotiated (the kernel did not offer it)",
                why("{\"negotiation\":{\"reply_flag_names\":[\"MAX_PAGES\"]},\"requests_per_queue\":{}}"));
        assertEquals("FUSE over io_uring was negotiated but no request came through a ring",
                why("{" + NEGOTIATED + ",\"requests_per_queue\":{\"dev-fuse\":40,\"uring-0\":0}}"));
        assertEquals("FUSE over io_uring failed in the daemon: queue 1: io_uring_setup: Operation not permitted",
                why("{\"daemon\":{\"uring_failure\":\"queue 1: io_uring_setup: Operation not permitted\"}," + NEGOTIATED + "}"));
    }
}
