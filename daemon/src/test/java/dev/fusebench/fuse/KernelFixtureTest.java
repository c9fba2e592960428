package dev.fusebench.fuse;

import dev.fusebench.sys.Errno;
import dev.fusebench.testing.Fixtures;
import dev.fusebench.testing.RecordingFs;
import dev.fusebench.testing.Requests;
import dev.fusebench.testing.ServerHarness;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

/** Parsing and encoding against requests captured from a real kernel. */
class KernelFixtureTest {
    RecordingFs fs;
    ServerHarness h;

    @BeforeEach
    void setUp() {
        fs = new RecordingFs();
        h = new ServerHarness(fs, NegotiationSettings.MAX_PAGES);
        ServerHarness.Reply init = h.call(Fixtures.load("INIT-0"));
        assertEquals(0, init.error());
        fs.calls.clear();
    }

    @AfterEach
    void tearDown() { h.close(); }

    private String only(String fixture) {
        ServerHarness.Reply r = h.call(Fixtures.load(fixture));
        assertNotNull(r, fixture + " got no reply");
        assertEquals(1, fs.calls.size(), fs.calls.toString());
        return fs.calls.getFirst();
    }

    @Test
    void initOfferAndReply() {
        RecordingFs fresh = new RecordingFs();
        try (ServerHarness h2 = new ServerHarness(fresh, NegotiationSettings.MAX_PAGES)) {
            ServerHarness.Reply r = h2.call(Fixtures.load("INIT-0"));
            assertEquals(0, r.error());
            assertEquals(InitOut.SIZE, r.body().length);
            InitOut out = InitOut.decode(MemorySegment.ofArray(r.body()), 0);
            assertEquals(7, out.major());
            assertEquals(38, out.minor());
            assertTrue((out.flags() & InitFlag.MAX_PAGES.mask) != 0);
            assertEquals(256, out.maxPages());
            assertEquals(1 << 20, out.maxWrite());
            Negotiation n = h2.server.negotiation();
            assertEquals(45, n.offered().minor());
            assertEquals(131072, n.offered().maxReadahead());
            assertTrue((n.offered().flags() & InitFlag.INIT_EXT.mask) != 0, "the 6.18 kernel offers FUSE_INIT_EXT");
            assertEquals(0, n.reply().flags() & ~n.offered().flags(), "we reply only flags the kernel offered");
        }
    }

    @Test
    void secondInitStartsANewSession() {
        fs.calls.clear();
        assertEquals(0, h.call(Fixtures.load("INIT-0")).error(), "a remount's INIT is answered");
        assertEquals(List.of("destroy", "init"), fs.calls, "the old session's node ids and handles are forgotten first");
        assertEquals(1, h.server.reinits());
    }

    @Test
    void lookupName() { assertEquals("lookup 1 a.txt", only("LOOKUP-0")); }

    @Test
    void createArgs() { assertEquals("create 1 a.txt flags=101101 mode=100644", only("CREATE-0")); }

    /** The file system learns who asked from a small caller view, not the request: ids, pid, and a creation's group. */
    @Test
    void theCallerCarriesTheHeadersIdsAndTheCreationsSupplementaryGroup() {
        assertEquals(0, h.call(Requests.withSuppGroup(Requests.asUser(Requests.create(1, "g", 0101, 0644), 1000, 1001), 4242)).error());
        assertEquals("uid 1000 gid 1001 pid 1234 group 4242", fs.lastCreator);
        assertEquals(0, h.call(Requests.asUser(Requests.create(1, "h", 0101, 0644), 1000, 1001)).error());
        assertEquals("uid 1000 gid 1001 pid 1234", fs.lastCreator, "no extension: no group (and none left from the last request)");
    }

    @Test
    void mkdirArgs() { assertEquals("mkdir 1 d 755", only("MKDIR-0")); }

    @Test
    void mknodFifo() { assertEquals("mknod 1 fifo 10600 umask=22", only("MKNOD-0")); }

    @Test
    void symlinkNameThenTarget() { assertEquals("symlink 1 l -> a.txt", only("SYMLINK-0")); }

    @Test
    void linkArgs() { assertEquals("link 2 1 hard", only("LINK-0")); }

    @Test
    void renameAndRename2() {
        assertEquals("rename 1 hard 1 h2 flags=0", only("RENAME-0"));
        fs.calls.clear();
        assertEquals("rename 1 a.txt 3 b flags=1", only("RENAME2-0"));
    }

    @Test
    void readArgs() {
        assertEquals("read 2 fh=14 off=0 size=4096", only("READ-0"));
        assertEquals(4096, h.stats.summary().get("READ").size().max());
    }

    @Test
    void writeCarriesItsData() {
        ServerHarness.Reply r = h.call(Fixtures.load("WRITE-0"));
        assertEquals(0, r.error());
        assertEquals(6, r.u32(0), "fuse_write_out.size");
        assertEquals("write 2 fh=14 off=0 size=6", fs.calls.getFirst());
        assertEquals("hello\n", new String(fs.lastWriteData, StandardCharsets.UTF_8));
        fs.calls.clear();
        assertEquals("write 5 fh=17 off=0 size=8192", only("WRITE-1"));
    }

    @Test
    void setattrChmodChownTruncate() {
        assertEquals("setattr 5 valid=584 mode=0 uid=0 size=100000", only("SETATTR-0"));
        fs.calls.clear();
        String chmod = only("SETATTR-1");
        assertTrue(chmod.startsWith("setattr 5 valid=1 mode=100600"), chmod);
        fs.calls.clear();
        assertTrue(only("SETATTR-2").startsWith("setattr 5 valid=6 mode=0 uid=1000"));
    }

    @Test
    void xattrs() {
        assertEquals("setxattr 5 user.k=v", only("SETXATTR-0"));
        fs.calls.clear();
        assertEquals("removexattr 5 user.k", only("REMOVEXATTR-0"));
        fs.calls.clear();
        ServerHarness.Reply size = h.call(Fixtures.load("GETXATTR-0"));
        assertEquals("getxattr 2 security.capability cap=0", fs.calls.getFirst());
        assertEquals(8, size.body().length, "size query answers with fuse_getxattr_out");
        assertEquals(3, size.u32(0));
        fs.calls.clear();
        assertEquals("listxattr 5 cap=256", only("LISTXATTR-0"));
    }

    @Test
    void filesAndDirectories() {
        assertEquals("open 2 flags=100000", only("OPEN-0"));
        fs.calls.clear();
        assertEquals("opendir 3", only("OPENDIR-0"));
        fs.calls.clear();
        assertEquals("readdirplus 3 fh=17 off=0 cap=32768", only("READDIRPLUS-0"));
        fs.calls.clear();
        assertEquals("readdir 3 fh=17 off=9223372036854775807 cap=32768", only("READDIR-0"));
        fs.calls.clear();
        assertEquals("release 2 fh=14", only("RELEASE-0"));
        fs.calls.clear();
        assertEquals("releasedir 3 fh=17", only("RELEASEDIR-0"));
        fs.calls.clear();
        assertEquals("flush 2 fh=14", only("FLUSH-0"));
        fs.calls.clear();
        assertEquals("fsync 5 fh=17 data=false", only("FSYNC-0"));
        fs.calls.clear();
        assertEquals("fsync 5 fh=17 data=true", only("FSYNC-1"));
    }

    @Test
    void seekAllocateCopy() {
        assertEquals("lseek 5 fh=17 off=0 whence=3", only("LSEEK-0"));
        fs.calls.clear();
        assertEquals("lseek 5 fh=17 off=0 whence=4", only("LSEEK-1"));
        fs.calls.clear();
        assertEquals("fallocate 5 fh=17 mode=0 off=0 len=1048576", only("FALLOCATE-0"));
        fs.calls.clear();
        ServerHarness.Reply r = h.call(Fixtures.load("COPY_FILE_RANGE-0"));
        assertEquals("copy_file_range 5 fh=17 -> 2 fh=20 len=100", fs.calls.getFirst());
        assertEquals(100, r.u32(0));
    }

    @Test
    void forgetHasNoReply() {
        assertNull(h.call(Fixtures.load("FORGET-0")));
        assertEquals("forget 6 1", fs.calls.getFirst());
    }

    @Test
    void getattrStatfsReadlinkUnlink() {
        assertEquals("getattr 1 -1", only("GETATTR-0"));
        fs.calls.clear();
        assertEquals("statfs 1", only("STATFS-0"));
        fs.calls.clear();
        assertEquals("readlink 4", only("READLINK-0"));
        fs.calls.clear();
        assertEquals("unlink 1 fifo", only("UNLINK-0"));
    }

    static final java.util.List<String> allFixtures = Fixtures.NAMES;

    /** Every prefix of every real request: an errno reply or a counted drop, never an exception. */
    @ParameterizedTest
    @FieldSource("allFixtures")
    void everyTruncationIsAnsweredOrDropped(String name) {
        byte[] req = Fixtures.load(name);
        for (int len = 0; len < req.length; len++) {
            long droppedBefore = h.stats.dropped();
            ServerHarness.Reply r = h.call(req, len);
            if (len < 40) {
                assertNull(r);
                assertEquals(droppedBefore + 1, h.stats.dropped());
            } else {
                assertNotNull(r, name + " cut to " + len + " bytes got no reply");
                assertEquals(-Errno.EINVAL, r.error(), name + " cut to " + len);
            }
        }
    }

    @Test
    void unknownOpcodeIsEnosys() {
        ServerHarness.Reply r = h.call(Requests.request(Opcode.SETUPMAPPING.code, 1, new byte[16]));
        assertEquals(-Errno.ENOSYS, r.error());
        r = h.call(Requests.request(4096, 1));
        assertEquals(-Errno.ENOSYS, r.error());
    }

    @Test
    void namesWithSlashOrUnterminatedAreRefused() {
        assertEquals(-Errno.EINVAL, h.call(Requests.lookup(1, "a/b")).error());
        byte[] noNul = Requests.request(Opcode.LOOKUP.code, 1, "abc".getBytes(StandardCharsets.UTF_8));
        assertEquals(-Errno.EINVAL, h.call(noNul).error());
        assertEquals(-Errno.EINVAL, h.call(Requests.mkdir(1, "..", 0755)).error());
        assertEquals(-Errno.ENAMETOOLONG, h.call(Requests.lookup(1, "x".repeat(300))).error());
        assertTrue(fs.calls.isEmpty(), fs.calls.toString());
    }

    @Test
    void headerLengthMustMatch() {
        byte[] req = Fixtures.load("LOOKUP-0");
        byte[] longer = java.util.Arrays.copyOf(req, req.length + 8);
        assertEquals(-Errno.EINVAL, h.call(longer).error());
    }

    @Test
    void requestBeforeInitIsRefused() {
        try (ServerHarness fresh = new ServerHarness(new RecordingFs(), NegotiationSettings.BASELINE)) {
            assertEquals(-Errno.EIO, fresh.call(Fixtures.load("LOOKUP-0")).error());
        }
    }
}
