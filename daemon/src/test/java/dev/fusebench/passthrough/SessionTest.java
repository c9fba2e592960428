package dev.fusebench.passthrough;

import dev.fusebench.fuse.NegotiationSettings;
import dev.fusebench.fuse.Opcode;
import dev.fusebench.stats.StatsFile;
import dev.fusebench.sys.Errno;
import dev.fusebench.sys.Flags;
import dev.fusebench.testing.MountedFs;
import dev.fusebench.testing.Requests;
import dev.fusebench.testing.ServerHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static dev.fusebench.testing.Requests.KERNEL_FLAGS;
import static org.junit.jupiter.api.Assertions.*;

/** SYNCFS, FLUSH, DESTROY and a second INIT, and extended attributes by policy, as virtiofsd serves them. */
class SessionTest {
    @TempDir Path tmp;
    Path shared;
    PassthroughFs fs;
    ServerHarness h;

    void start(XattrPolicy xattrs) throws IOException {
        shared = Files.createDirectories(tmp.resolve("shared"));
        Files.writeString(shared.resolve("f"), "data");
        fs = new PassthroughFs(shared, CachePolicy.NEVER, xattrs);
        h = new ServerHarness(fs, NegotiationSettings.MAX_PAGES);
        assertEquals(0, h.init(KERNEL_FLAGS).error());
    }

    @AfterEach
    void tearDown() throws IOException {
        if (h != null) h.close();
        if (fs != null) fs.close();
    }

    long lookup(String name) {
        ServerHarness.Reply r = h.call(Requests.lookup(1, name));
        assertEquals(0, r.error(), name);
        return r.u64(0);
    }

    @Test
    void syncfsReachesTheHostAndFlushChecksTheHandle() throws IOException {
        start(XattrPolicy.OFF);
        assertEquals(0, h.call(Requests.syncfs()).error());
        StatsFile.OpcodeFigures sync = h.stats.summary().get(Opcode.name(Opcode.SYNCFS.code));
        assertEquals(1, sync.count(), "counted");
        assertEquals(0, sync.errors());
        long node = lookup("f");
        long fh = h.call(Requests.open(node, Flags.O_RDWR)).u64(0);
        assertEquals(0, h.call(Requests.flush(node, fh)).error());
        assertEquals(0, h.call(Requests.release(node, fh)).error());
        assertEquals(-Errno.EBADF, h.call(Requests.flush(node, fh)).error(), "a released handle");
        assertEquals(-Errno.EBADF, h.call(Requests.release(node, fh)).error(), "released once");
    }

    @Test
    void destroyForgetsEverythingButTheRootAndANewInitStartsAgain() throws IOException {
        start(XattrPolicy.OFF);
        long node = lookup("f");
        long fh = h.call(Requests.open(node, Flags.O_RDONLY)).u64(0);
        assertEquals(2, fs.liveInodes());
        assertEquals(1, fs.openHandles());
        assertEquals(0, h.call(Requests.destroy()).error());
        assertEquals(1, fs.liveInodes(), "only the root is left");
        assertEquals(0, fs.openHandles());
        assertEquals(0, h.init(KERNEL_FLAGS).error(), "a remount");
        assertEquals(-Errno.ESTALE, h.call(Requests.getattr(node)).error(), "the old session's node id");
        assertEquals(-Errno.EBADF, h.call(Requests.read(node, fh, 0, 4)).error(), "the old session's handle");
        long again = lookup("f");
        long fh2 = h.call(Requests.open(again, Flags.O_RDONLY)).u64(0);
        ServerHarness.Reply r = h.call(Requests.read(again, fh2, 0, 4));
        assertEquals("data", new String(r.body(), StandardCharsets.UTF_8));
    }

    @Test
    void xattrsAreOffByDefault() throws IOException {
        start(XattrPolicy.OFF);
        long node = lookup("f");
        assertEquals(-Errno.ENOSYS, h.call(Requests.setxattr(node, "user.k", new byte[]{1})).error());
        assertEquals(-Errno.ENOSYS, h.call(Requests.getxattr(node, "user.k", 16)).error());
        assertEquals(-Errno.ENOSYS, h.call(Requests.listxattr(node, 0)).error());
        assertEquals(-Errno.ENOSYS, h.call(Requests.removexattr(node, "user.k")).error());
    }

    @Test
    void withXattrUserAttributesRoundTripAndPrivilegedOnesAreRefusedAndHidden() throws IOException {
        start(XattrPolicy.RESTRICTED);
        long node = lookup("f");
        assertEquals(0, h.call(Requests.setxattr(node, "user.k", "v".getBytes())).error());
        assertEquals("v", new String(h.call(Requests.getxattr(node, "user.k", 16)).body()));
        assertEquals(-Errno.EPERM, h.call(Requests.setxattr(node, "security.capability", new byte[20])).error());
        assertEquals(-Errno.EPERM, h.call(Requests.setxattr(node, "trusted.overlay.opaque", "y".getBytes())).error());
        // one the host has set stays hidden from the guest and cannot be removed by it
        assertEquals(0, MountedFs.setxattr(shared.resolve("f"), "trusted.host", new byte[]{7}));
        assertEquals(-Errno.ENODATA, h.call(Requests.getxattr(node, "trusted.host", 16)).error());
        assertEquals(-Errno.EPERM, h.call(Requests.removexattr(node, "trusted.host")).error());
        ServerHarness.Reply size = h.call(Requests.listxattr(node, 0));
        assertEquals(7, size.u32(0), "only user.k\\0 is listed");
        assertArrayEquals("user.k\0".getBytes(), h.call(Requests.listxattr(node, 64)).body());
        assertEquals(-Errno.ERANGE, h.call(Requests.listxattr(node, 3)).error());
        assertEquals(0, h.call(Requests.removexattr(node, "user.k")).error());
    }

    @Test
    void unrestrictedXattrsPassEverything() throws IOException {
        start(XattrPolicy.UNRESTRICTED);
        long node = lookup("f");
        assertEquals(0, h.call(Requests.setxattr(node, "trusted.t", "1".getBytes())).error());
        byte[] listed = h.call(Requests.listxattr(node, 64)).body();
        assertTrue(new String(listed).contains("trusted.t"), Arrays.toString(listed));
    }
}
