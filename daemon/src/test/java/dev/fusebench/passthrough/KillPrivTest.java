package dev.fusebench.passthrough;

import dev.fusebench.fuse.NegotiationSettings;
import dev.fusebench.wire.FuseIn.OpenIn;
import dev.fusebench.wire.FuseIn.SetattrIn;
import dev.fusebench.wire.FuseIn.WriteIn;
import dev.fusebench.wire.FuseOut.EntryOut;
import dev.fusebench.sys.Flags;
import dev.fusebench.testing.Requests;
import dev.fusebench.testing.ServerHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.fusebench.testing.Requests.KERNEL_FLAGS;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A write, truncate or truncating open by a caller without CAP_FSETID (the kernel says so with
 * FUSE_WRITE_KILL_SUIDGID, FATTR_KILL_SUIDGID, FUSE_OPEN_KILL_SUIDGID) clears setuid, and setgid
 * when group-execute is set, as a local file system does; without the flag (root's writes) the
 * bits stay.
 */
class KillPrivTest {
    @TempDir Path tmp;
    Path shared;
    PassthroughFs fs;
    ServerHarness h;

    @BeforeEach
    void setUp() throws IOException {
        shared = Files.createDirectories(tmp.resolve("shared"));
        fs = new PassthroughFs(shared, CachePolicy.NEVER);
        h = new ServerHarness(fs, NegotiationSettings.MAX_PAGES);
        assertEquals(0, h.init(KERNEL_FLAGS).error());
    }

    @AfterEach
    void tearDown() throws IOException {
        h.close();
        fs.close();
    }

    /** Creates NAME with MODE (set by SETATTR, as root): [nodeid, fh]. */
    long[] file(String name, int mode) {
        ServerHarness.Reply c = h.call(Requests.create(1, name, Flags.O_RDWR, 0644));
        assertEquals(0, c.error());
        long node = c.u64(0), fh = c.u64(EntryOut.SIZE);
        assertEquals(0, h.call(Requests.setattr(node, SetattrIn.FATTR_MODE, 0, 0, mode)).error());
        assertEquals(mode, mode(name));
        return new long[]{node, fh};
    }

    int mode(String name) {
        try {
            return (int) Files.getAttribute(shared.resolve(name), "unix:mode") & 07777;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    int writeAs(long[] f, int writeFlags) { return h.call(Requests.write(f[0], f[1], 0, new byte[]{'x'}, writeFlags)).error(); }

    @Test
    void anUnprivilegedWriteClearsSetuidAndSetgid() {
        long[] suid = file("suid", 04777), sgid = file("sgid", 02777), sgidNoExec = file("sgid-noexec", 02767), both = file("both", 06755);
        for (long[] f : new long[][]{suid, sgid, sgidNoExec, both}) assertEquals(0, writeAs(f, WriteIn.FUSE_WRITE_KILL_SUIDGID));
        assertEquals(0777, mode("suid"));
        assertEquals(0777, mode("sgid"));
        assertEquals(02767, mode("sgid-noexec"), "no group-execute: setgid marks mandatory locking and stays");
        assertEquals(0755, mode("both"));
    }

    @Test
    void rootsWritesKeepTheBits() {
        long[] suid = file("suid", 04777), sgid = file("sgid", 02777);
        assertEquals(0, writeAs(suid, 0));
        assertEquals(0, writeAs(sgid, 1)); // FUSE_WRITE_CACHE alone
        assertEquals(04777, mode("suid"));
        assertEquals(02777, mode("sgid"));
    }

    @Test
    void anUnprivilegedTruncateClearsThem() {
        long[] f = file("t", 06777);
        assertEquals(0, h.call(Requests.setattr(f[0], SetattrIn.FATTR_SIZE | SetattrIn.FATTR_KILL_SUIDGID, 0, 0, 0)).error());
        assertEquals(0777, mode("t"));
        long[] g = file("by-handle", 04755);
        assertEquals(0, h.call(Requests.setattr(g[0], SetattrIn.FATTR_SIZE | SetattrIn.FATTR_FH | SetattrIn.FATTR_KILL_SUIDGID, g[1], 0, 0)).error());
        assertEquals(0755, mode("by-handle"));
        long[] root = file("root", 04755);
        assertEquals(0, h.call(Requests.setattr(root[0], SetattrIn.FATTR_SIZE, 0, 0, 0)).error());
        assertEquals(04755, mode("root"), "root's truncate keeps them");
        // a mode in the same request is what the kernel computed: it wins
        long[] m = file("mode", 04755);
        assertEquals(0, h.call(Requests.setattr(m[0], SetattrIn.FATTR_SIZE | SetattrIn.FATTR_MODE | SetattrIn.FATTR_KILL_SUIDGID, 0, 0, 04711)).error());
        assertEquals(04711, mode("mode"));
    }

    @Test
    void anUnprivilegedTruncatingOpenClearsThem() {
        long[] f = file("o", 04777), g = file("keep", 04777), n = file("notrunc", 04777);
        assertEquals(0, h.call(Requests.open(f[0], Flags.O_WRONLY | Flags.O_TRUNC, OpenIn.FUSE_OPEN_KILL_SUIDGID)).error());
        assertEquals(0777, mode("o"));
        assertEquals(0, h.call(Requests.open(g[0], Flags.O_WRONLY | Flags.O_TRUNC, 0)).error());
        assertEquals(04777, mode("keep"));
        assertEquals(0, h.call(Requests.open(n[0], Flags.O_WRONLY, OpenIn.FUSE_OPEN_KILL_SUIDGID)).error());
        assertEquals(04777, mode("notrunc"), "the flag means something only with O_TRUNC");
        // without HANDLE_KILLPRIV_V2 the kernel sends no flag (and with ATOMIC_O_TRUNC no SETATTR): the caller's uid decides
        long[] u = file("by-uid", 06775);
        assertEquals(0, h.call(Requests.asUser(Requests.open(u[0], Flags.O_WRONLY | Flags.O_TRUNC, 0), 65534, 65534)).error());
        assertEquals(0775, mode("by-uid"));
        // CREATE of an existing file with O_TRUNC carries the same flag (fuse_create_in.open_flags)
        long[] c = file("c", 02775);
        ServerHarness.Reply r = h.call(Requests.request(dev.fusebench.fuse.Opcode.CREATE.code, 1, Requests.ints(Flags.O_WRONLY | Flags.O_TRUNC, 0644, 0, OpenIn.FUSE_OPEN_KILL_SUIDGID), Requests.cstr("c")));
        assertEquals(0, r.error());
        assertEquals(0775, mode("c"));
    }

    /**
     * The owner's chmod racing a killpriv write: the mode ends as the owner set it, less the set-id
     * bits the write clears (or with them, if the chmod came last), never the mode from before the
     * chmod. The host kernel clears the bits under its inode lock; a stat-then-chmod in the daemon
     * would write the old mode back now and then.
     */
    @Test
    void aConcurrentChmodIsNeverUndone() throws Exception {
        long[] f = file("race", 06775);
        Path path = shared.resolve("race");
        java.util.concurrent.ExecutorService owner = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            for (int i = 0; i < 3000; i++) {
                Files.setAttribute(path, "unix:mode", 06775);
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                var chmod = owner.submit(() -> {
                    go.await();
                    Files.setAttribute(path, "unix:mode", 06770);
                    return null;
                });
                go.countDown();
                assertEquals(0, writeAs(f, WriteIn.FUSE_WRITE_KILL_SUIDGID));
                chmod.get();
                int m = mode("race");
                assertTrue(m == 0770 || m == 06770, "iteration " + i + ": mode " + Integer.toOctalString(m) + " (the owner's 6770 undone?)");
            }
        } finally {
            owner.shutdownNow();
        }
    }
}
