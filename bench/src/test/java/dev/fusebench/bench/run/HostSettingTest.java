package dev.fusebench.bench.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A host setting changed for a run is written down first, so a controller that never got to put
 * it back (killed) leaves it to the next start, which does. Here for the fuse module's enable_uring.
 */
class HostSettingTest {
    @TempDir Path tmp;

    @Test
    void aChangeLeftBehindIsRestoredFromItsNote() throws Exception {
        HostSetting s = HostSetting.FUSE_URING;
        String before = s.current().orElseThrow(() -> new AssertionError("this host's kernel has enable_uring (6.14+)"));
        String other = before.equals("Y") ? "N" : "Y";
        try {
            HostSetting.Change c = s.set(other, tmp);
            assertNotNull(c);
            assertEquals(other, s.current().orElseThrow());
            assertEquals(before, Files.readString(s.noteIn(tmp)), "the old value, written down");
            assertTrue(Files.exists(s.noteIn(HostSetting.RUN_DIR)));
            // the controller is killed here: no close
            assertTrue(s.restoreLeftovers(tmp).contains("restored the fuse module's enable_uring to " + before));
            assertEquals(before, s.current().orElseThrow());
            assertFalse(Files.exists(s.noteIn(tmp)));
            assertFalse(Files.exists(s.noteIn(HostSetting.RUN_DIR)));
            assertNull(s.restoreLeftovers(tmp), "nothing left to do");
            assertNull(s.set(before, tmp), "already so: no change, no note");
        } finally {
            if (!s.current().orElseThrow().equals(before)) Files.writeString(Path.of("/sys/module/fuse/parameters/enable_uring"), before);
        }
    }
}
