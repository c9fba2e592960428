package dev.fusebench.passthrough;

import dev.fusebench.fuse.NegotiationSettings;
import dev.fusebench.fuse.Opcode;
import dev.fusebench.sys.Errno;
import dev.fusebench.sys.Flags;
import dev.fusebench.testing.Requests;
import dev.fusebench.testing.ServerHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Arrays;

import static dev.fusebench.testing.Requests.*;
import static org.junit.jupiter.api.Assertions.*;

/** Escape attempts sent straight to the server, as a hostile guest could: all stay inside the shared directory. */
class ConfinementTest {
    @TempDir Path tmp;
    Path shared, outside;
    PassthroughFs fs;
    ServerHarness h;

    @BeforeEach
    void setUp() throws IOException {
        outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "secret");
        shared = Files.createDirectories(tmp.resolve("shared"));
        Files.createDirectories(shared.resolve("dir/sub"));
        Files.writeString(shared.resolve("dir/file"), "inside");
        Files.createSymbolicLink(shared.resolve("link-etc"), Path.of("/etc"));
        Files.createSymbolicLink(shared.resolve("up"), Path.of("../outside"));
        Files.createSymbolicLink(shared.resolve("loop"), Path.of("loop"));
        fs = new PassthroughFs(shared, CachePolicy.AUTO);
        h = new ServerHarness(fs, NegotiationSettings.MAX_PAGES);
        assertEquals(0, h.init(KERNEL_FLAGS).error());
    }

    @AfterEach
    void tearDown() throws IOException {
        h.close();
        fs.close();
        assertEquals("secret", Files.readString(outside.resolve("secret.txt")));
        try (var s = Files.list(outside)) {
            assertEquals(1, s.count(), "nothing appeared outside the shared directory");
        }
    }

    private long nodeOf(long parent, String name) {
        ServerHarness.Reply r = h.call(lookup(parent, name));
        assertEquals(0, r.error(), "lookup " + name);
        return r.u64(0);
    }

    private int modeOf(ServerHarness.Reply entry) { return entry.u32(40 + 60); }

    @Test
    void dotDotAtTheRootIsTheRoot() {
        assertEquals(1, nodeOf(1, ".."));
        long dir = nodeOf(1, "dir");
        long sub = nodeOf(dir, "sub");
        assertEquals(dir, nodeOf(sub, ".."));
        assertEquals(1, nodeOf(dir, ".."));
        assertEquals(1, nodeOf(nodeOf(dir, ".."), ".."), "a chain of .. stops at the root");
    }

    @Test
    void namesWithSlashesAreRefused() {
        assertEquals(-Errno.EINVAL, h.call(lookup(1, "../outside")).error());
        assertEquals(-Errno.EINVAL, h.call(lookup(1, "dir/../../outside/secret.txt")).error());
        assertEquals(-Errno.EINVAL, h.call(create(1, "../outside/new", Flags.O_WRONLY, 0644)).error());
        assertEquals(-Errno.EINVAL, h.call(mkdir(1, "../evil", 0755)).error());
        assertEquals(-Errno.EINVAL, h.call(rename(1, "dir", 1, "../outside/dir")).error());
        assertEquals(-Errno.EINVAL, h.call(symlink(1, "a/b", "/etc")).error());
    }

    @Test
    void symlinksAreReturnedNotFollowed() {
        ServerHarness.Reply etc = h.call(lookup(1, "link-etc"));
        assertEquals(0, etc.error());
        assertEquals(Flags.S_IFLNK, modeOf(etc) & Flags.S_IFMT);
        long etcNode = etc.u64(0);
        ServerHarness.Reply link = h.call(request(Opcode.READLINK.code, etcNode));
        assertEquals("/etc", new String(link.body(), StandardCharsets.UTF_8));
        assertEquals(-Errno.ENOTDIR, h.call(lookup(etcNode, "passwd")).error());
        assertEquals(-Errno.ENOTDIR, h.call(create(etcNode, "x", Flags.O_WRONLY, 0644)).error());
        assertEquals(-Errno.EPERM, h.call(Requests.open(etcNode, Flags.O_RDONLY)).error());
        assertEquals(-Errno.ENOTDIR, h.call(opendir(etcNode)).error());

        long up = nodeOf(1, "up");
        assertEquals(-Errno.ENOTDIR, h.call(lookup(up, "secret.txt")).error());
        assertEquals(-Errno.EPERM, h.call(Requests.open(up, Flags.O_RDONLY)).error());

        ServerHarness.Reply loop = h.call(lookup(1, "loop"));
        assertEquals(Flags.S_IFLNK, modeOf(loop) & Flags.S_IFMT);
        assertEquals(-Errno.ENOTDIR, h.call(lookup(loop.u64(0), "x")).error());
    }

    @Test
    void newSymlinksToOutsideStayLinks() {
        ServerHarness.Reply r = h.call(symlink(1, "passwd", "/etc/passwd"));
        assertEquals(0, r.error());
        assertTrue(Files.isSymbolicLink(shared.resolve("passwd")));
        assertEquals(-Errno.EPERM, h.call(Requests.open(r.u64(0), Flags.O_RDWR)).error());
        assertEquals(-Errno.EPERM, h.call(Requests.open(r.u64(0), Flags.O_RDWR | Flags.O_TRUNC)).error());
        // creating through the link's name creates nothing outside: O_NOFOLLOW refuses
        assertEquals(-Errno.ELOOP, h.call(create(1, "up", Flags.O_WRONLY, 0644)).error());
    }

    @Test
    void hardLinkingSymlinksKeepsThemLinks() throws IOException {
        long up = nodeOf(1, "up");
        ServerHarness.Reply r = h.call(link(up, 1, "up2"));
        assertEquals(0, r.error());
        assertTrue(Files.isSymbolicLink(shared.resolve("up2")));
    }

    @Test
    void forgedNodeIdsAndHandlesMiss() {
        assertEquals(-Errno.ESTALE, h.call(lookup(999, "x")).error());
        assertEquals(-Errno.ESTALE, h.call(lookup((5L << 32) | 1, "dir")).error(), "root slot with a wrong generation");
        for (long fh : new long[]{0, 1, 2, 3, 4, 5, 6, 7, 8, -1, 1L << 40}) {
            assertEquals(-Errno.EBADF, h.call(read(1, fh, 0, 4096)).error(), "fh " + fh);
            assertEquals(-Errno.EBADF, h.call(write(1, fh, 0, new byte[8])).error(), "fh " + fh);
        }
    }

    @Test
    void readAndWriteThroughAHandle() throws IOException {
        long file = nodeOf(nodeOf(1, "dir"), "file");
        ServerHarness.Reply open = h.call(Requests.open(file, Flags.O_RDWR));
        assertEquals(0, open.error());
        long fh = open.u64(0);
        ServerHarness.Reply read = h.call(read(file, fh, 0, 4096));
        assertEquals("inside", new String(read.body(), StandardCharsets.UTF_8));
        ServerHarness.Reply w = h.call(write(file, fh, 6, "!".getBytes(StandardCharsets.UTF_8)));
        assertEquals(1, w.u32(0));
        assertEquals("inside!", Files.readString(shared.resolve("dir/file")));
        assertEquals(0, h.call(request(Opcode.RELEASE.code, file, longs(fh), ints(0, 0), longs(0))).error());
        assertEquals(-Errno.EBADF, h.call(read(file, fh, 0, 10)).error(), "released handle");
    }

    @Test
    void readdirplusCountsLookupsAndSkipsDots() {
        long dir = nodeOf(1, "dir");
        ServerHarness.Reply od = h.call(opendir(dir));
        long fh = od.u64(0);
        ServerHarness.Reply r = h.call(readdir(Opcode.READDIRPLUS.code, dir, fh, 0, 4096));
        assertEquals(0, r.error());
        var b = r.buffer();
        int entries = 0, withNode = 0;
        while (b.remaining() >= 152) {
            long nodeid = b.getLong(b.position());
            int namelen = b.getInt(b.position() + 128 + 16);
            entries++;
            if (nodeid != 0) withNode++;
            b.position(b.position() + 128 + (int) ((24 + namelen + 7) & ~7));
        }
        assertEquals(4, entries, ". .. sub file");
        assertEquals(2, withNode, "only real entries carry a node id");
        assertTrue(Arrays.stream(new String[]{"sub", "file"}).allMatch(n -> h.call(lookup(dir, n)).error() == 0));
    }

    /**
     * Found by fuzzing (fuseRequest): CREATE without O_EXCL on a name that is already a FIFO
     * opened it, and the open blocked the serving thread forever; on a device node it would have
     * opened the host's device. Only an existing regular file is opened now; it keeps its owner.
     */
    @Test
    @org.junit.jupiter.api.Timeout(10)
    void createOnAnExistingFifoOrDeviceNeverOpensIt() throws Exception {
        dev.fusebench.testing.MountedFs.sh(tmp, "mkfifo", shared.resolve("fifo").toString());
        dev.fusebench.testing.MountedFs.sh(tmp, "mknod", shared.resolve("null-dev").toString(), "c", "1", "3");
        for (String name : List.of("fifo", "null-dev")) {
            ServerHarness.Reply r = h.call(create(1, name, 2 /* O_RDWR */, 0100644));
            assertEquals(-dev.fusebench.sys.Errno.EPERM, r.error(), name);
        }
        Files.writeString(shared.resolve("existing"), "keep");
        ServerHarness.Reply r = h.call(create(1, "existing", 2, 0100644));
        assertEquals(0, r.error(), "an existing regular file is opened");
        assertEquals(-dev.fusebench.sys.Errno.EEXIST, h.call(create(1, "existing", 2 | 0200 /* O_EXCL */, 0100644)).error());
        assertEquals("keep", Files.readString(shared.resolve("existing")));
    }
}
