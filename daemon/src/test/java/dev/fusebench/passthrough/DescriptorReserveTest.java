package dev.fusebench.passthrough;

import dev.fusebench.fuse.FuseServer;
import dev.fusebench.fuse.NegotiationSettings;
import dev.fusebench.stats.DaemonStats;
import dev.fusebench.sys.Errno;
import dev.fusebench.sys.Libc;
import dev.fusebench.sys.LibcProcess;
import dev.fusebench.testing.Requests;
import dev.fusebench.testing.VhostFrontend;
import dev.fusebench.wire.LibcStructs.Rlimit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A guest that looks up files until the process would run out of descriptors gets ENFILE first,
 * and the rings still restart with new kick and call eventfds (the reserve): the process's real
 * RLIMIT_NOFILE is lowered for the test and put back after.
 */
@Timeout(120)
class DescriptorReserveTest {
    @TempDir Path tmp;
    private static final int RLIMIT_NOFILE = 7;

    @Test
    void ringsRestartAfterTheGuestUsedUpItsDescriptors() throws Exception {
        Path shared = Files.createDirectories(tmp.resolve("shared"));
        for (int i = 0; i < 1500; i++) Files.createFile(shared.resolve("f" + i));
        PassthroughFs fs = new PassthroughFs(shared, CachePolicy.AUTO);
        DaemonStats stats = new DaemonStats();
        VhostFrontend fe = new VhostFrontend(new FuseServer(fs, NegotiationSettings.MAX_PAGES, stats), true);
        Arena arena = Arena.ofConfined();
        MemorySegment saved = arena.allocate(Rlimit.LAYOUT), low = arena.allocate(Rlimit.LAYOUT);
        assertEquals(0, LibcProcess.getrlimit(RLIMIT_NOFILE, saved));
        try {
            assertEquals(0, error(fe.call(1, Requests.init(38, Requests.KERNEL_FLAGS), 4096, 80, 4096, false)));
            long open;
            try (var s = Files.list(Path.of("/proc/self/fd"))) { open = s.count(); }
            low.copyFrom(saved);
            Rlimit.cur(low, open + 300);
            assertEquals(0, LibcProcess.setrlimit(RLIMIT_NOFILE, low));
            GuestDescriptors.recompute();
            int ok = 0, refused = 0;
            for (int i = 0; i < 1500; i++) {
                int e = error(fe.call(1, Requests.lookup(1, "f" + i), 4096, 256, 4096, false));
                if (e == 0) ok++;
                else if (e == -Errno.ENFILE) refused++;
                else fail("lookup " + i + ": " + Errno.name(-e));
            }
            assertTrue(ok > 100 && refused > 0, ok + " lookups served, " + refused + " refused");
            int[] old = fe.replaceKickAndCall(1); // two eventfds here, two received by the backend
            assertEquals(0, error(fe.call(1, Requests.getattr(1), 4096, 128, 4096, false)), "the restarted ring serves");
            Libc.close(old[0]);
            Libc.close(old[1]);
        } finally {
            LibcProcess.setrlimit(RLIMIT_NOFILE, saved);
            GuestDescriptors.recompute();
            fe.close();
            fs.close();
            arena.close();
        }
    }

    private static int error(byte[] reply) {
        assertNotNull(reply, "no reply");
        return ByteBuffer.wrap(reply).order(ByteOrder.nativeOrder()).getInt(4);
    }
}
