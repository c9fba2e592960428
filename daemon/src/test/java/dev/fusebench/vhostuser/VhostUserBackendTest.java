package dev.fusebench.vhostuser;

import dev.fusebench.fuse.InitFlag;
import dev.fusebench.fuse.InitOut;
import dev.fusebench.fuse.NegotiationSettings;
import dev.fusebench.fuse.Opcode;
import dev.fusebench.fuse.FuseServer;
import dev.fusebench.passthrough.CachePolicy;
import dev.fusebench.passthrough.PassthroughFs;
import dev.fusebench.stats.DaemonStats;
import dev.fusebench.sys.Flags;
import dev.fusebench.testing.Requests;
import dev.fusebench.testing.VhostFrontend;
import dev.fusebench.testing.VhostFrontend.Desc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The vhost-user backend driven by an in-process frontend over a socketpair and memfd guest memory. */
@Timeout(60)
class VhostUserBackendTest {
    @TempDir Path tmp;
    PassthroughFs fs;
    VhostFrontend fe;
    DaemonStats stats;

    VhostFrontend start(NegotiationSettings s, boolean eventIdx) throws Exception {
        fs = new PassthroughFs(Files.createDirectories(tmp.resolve("shared")), CachePolicy.AUTO);
        stats = new DaemonStats();
        fe = new VhostFrontend(new FuseServer(fs, s, stats), eventIdx);
        return fe;
    }

    @AfterEach
    void stop() throws Exception {
        if (fe != null) {
            fe.close();
            assertFalse(fe.backendAlive(), "backend ends when the frontend goes");
        }
        if (fs != null) fs.close();
    }

    static ByteBuffer le(byte[] b) { return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()); }

    /** A reply: checks the out header and returns the body. */
    static byte[] body(byte[] reply, int expectError) {
        assertNotNull(reply, "no used element");
        assertTrue(reply.length >= 16, "reply of " + reply.length + " bytes");
        assertEquals(reply.length, le(reply).getInt(0), "out header length = used length");
        assertEquals(expectError, le(reply).getInt(4));
        return Arrays.copyOfRange(reply, 16, reply.length);
    }

    byte[] call(byte[] request, int replyCap) { return fe.call(1, request, 4096, replyCap, 4096, false); }

    InitOut init() {
        byte[] b = body(call(Requests.init(38, Requests.KERNEL_FLAGS), 80), 0);
        return InitOut.decode(MemorySegment.ofArray(b), 0);
    }

    /** Posts GETATTR(1) chains on queue 1 without waiting; returns their heads. */
    List<Integer> post(int n) {
        List<Integer> heads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] req = Requests.getattr(1);
            long r = fe.alloc(req.length), w = fe.alloc(16 + 104);
            fe.at(r, req.length).copyFrom(MemorySegment.ofArray(req));
            heads.add(fe.postChain(1, List.of(new Desc(r, req.length, 0, 0), new Desc(w, 16 + 104, 2, 0)), false));
        }
        return heads;
    }

    /**
     * SET_VRING_CALL and SET_VRING_KICK on a running ring, with requests in flight: none is lost,
     * the worker polls the new kick fd, and once the swap is acknowledged the old call eventfd
     * is never written again (a write to a closed number could land in whatever reuses it).
     */
    @Test
    void kickAndCallFdsReplacedMidTraffic() throws Exception {
        start(NegotiationSettings.MAX_PAGES, false); // no EVENT_IDX: every completion notifies
        init();
        for (int round = 0; round < 20; round++) {
            int oldCall = fe.callFd(1);
            List<Integer> before = post(6);
            int[] old = fe.replaceKickAndCall(1);
            fe.drain(oldCall); // notifications up to the acknowledgement are allowed
            List<Integer> after = post(6);
            for (int i = 0; i < before.size() + after.size(); i++) {
                VhostFrontend.Used u = fe.awaitUsed(1, 10_000);
                assertNotNull(u, "round " + round + ": request " + i + " of 12 lost");
                assertTrue(u.len() >= 16, "answered");
            }
            assertEquals(0, fe.drain(oldCall), "round " + round + ": the old call eventfd was written after the swap");
            assertTrue(fe.drain(fe.callFd(1)) > 0, "the new call eventfd is used");
            dev.fusebench.sys.Libc.close(old[0]);
            dev.fusebench.sys.Libc.close(old[1]);
        }
        assertEquals(0, stats.summary().get("GETATTR").errors());
        assertEquals(240, stats.summary().get("GETATTR").count());
    }

    @Test
    void initWithEachPreset() throws Exception {
        start(NegotiationSettings.MAX_PAGES, true);
        InitOut out = init();
        assertNotEquals(0, out.flags() & InitFlag.MAX_PAGES.mask);
        assertEquals(256, out.maxPages());
        var neg = stats.snapshot().negotiation();
        assertEquals(VhostFrontend.QSIZE - 4, neg.virtqueueMaxPages());
        assertEquals(VhostFrontend.QSIZE - 4, neg.effectiveMaxPages(), "a 256-entry queue carries at most 252 pages");
        fe.close();
        fs.close();
        fe = null;
        fs = null;
        tmp = Files.createDirectories(tmp.resolve("second"));
        start(NegotiationSettings.BASELINE, false);
        InitOut base = init();
        assertEquals(0, base.flags() & InitFlag.MAX_PAGES.mask);
        assertEquals("vhost-user", stats.snapshot().daemon().transport);
    }

    @Test
    void lookupGetattrReadWriteReaddirplus() throws Exception {
        start(NegotiationSettings.MAX_PAGES, true);
        Files.writeString(tmp.resolve("shared/hello.txt"), "hello, guest");
        init();
        byte[] entry = body(call(Requests.lookup(1, "hello.txt"), 16 + 128), 0);
        long node = le(entry).getLong(0);
        assertEquals(12, le(entry).getLong(40 + 8), "size in fuse_attr");
        byte[] attr = body(call(Requests.request(Opcode.GETATTR.code, node, Requests.ints(0, 0), Requests.longs(0)), 16 + 104), 0);
        assertEquals(12, le(attr).getLong(16 + 8));
        long fh = le(body(call(Requests.open(node, Flags.O_RDWR), 32), 0)).getLong(0);
        byte[] data = body(call(Requests.read(node, fh, 0, 4096), 16 + 4096), 0);
        assertEquals("hello, guest", new String(data, StandardCharsets.UTF_8));
        byte[] w = body(call(Requests.write(node, fh, 5, "!!".getBytes(StandardCharsets.UTF_8)), 24), 0);
        assertEquals(2, le(w).getInt(0));
        assertEquals("hello!!guest", Files.readString(tmp.resolve("shared/hello.txt")));
        long dfh = le(body(call(Requests.opendir(1), 32), 0)).getLong(0);
        byte[] dirents = body(call(Requests.readdir(Opcode.READDIRPLUS.code, 1, dfh, 0, 4096), 16 + 4096), 0);
        assertTrue(new String(dirents, StandardCharsets.ISO_8859_1).contains("hello.txt"));
    }

    private long openFile(String name, byte[] content) throws Exception {
        Files.write(tmp.resolve("shared").resolve(name), content);
        long node = le(body(call(Requests.lookup(1, name), 16 + 128), 0)).getLong(0);
        long fh = le(body(call(Requests.open(node, Flags.O_RDWR), 32), 0)).getLong(0);
        return (node << 20) | fh; // both small in tests
    }

    @Test
    void oneMebibyteReadOver257Descriptors() throws Exception {
        start(NegotiationSettings.MAX_PAGES, true);
        init();
        byte[] content = new byte[1 << 20];
        new Random(3).nextBytes(content);
        long nf = openFile("big", content);
        byte[] req = Requests.read(nf >>> 20, nf & 0xfffff, 0, 1 << 20);
        // one readable descriptor, then a 16-byte header buffer and 256 pages: 258 in all, 257 writable
        List<Desc> descs = new ArrayList<>();
        long reqGpa = fe.alloc(req.length);
        MemorySegment.copy(MemorySegment.ofArray(req), 0, fe.mem, reqGpa - VhostFrontend.GPA, req.length);
        descs.add(new Desc(reqGpa, req.length, 0, 0));
        long hdr = fe.alloc(16);
        descs.add(new Desc(hdr, 16, 2, 0));
        long pages = fe.alloc(1 << 20);
        for (int i = 0; i < 256; i++) descs.add(new Desc(pages + 4096L * i, 4096, 2, 0));
        // too long for the 256-entry ring: an indirect table carries it
        int head = fe.postChain(1, descs, true);
        VhostFrontend.Used u = fe.awaitUsed(1, 10_000);
        assertNotNull(u);
        assertEquals(head, u.id());
        assertEquals(16 + (1 << 20), u.len());
        assertEquals(0, fe.at(hdr, 16).get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 4));
        assertArrayEquals(content, fe.at(pages, 1 << 20).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        assertEquals(1 << 20, stats.summary().get("READ").size().max());
    }

    @Test
    void directChainOf17AndScatteredWrite() throws Exception {
        start(NegotiationSettings.MAX_PAGES, false);
        init();
        long nf = openFile("w", new byte[0]);
        byte[] data = new byte[64 * 1024 + 100];
        new Random(5).nextBytes(data);
        // the request (header + write_in + data) split over 17 readable descriptors
        byte[] req = Requests.write(nf >>> 20, nf & 0xfffff, 0, data);
        byte[] reply = fe.call(1, req, (req.length + 16) / 17, 24, 4096, false);
        assertEquals(data.length, le(body(reply, 0)).getInt(0));
        assertArrayEquals(data, Files.readAllBytes(tmp.resolve("shared/w")));
        byte[] back = body(fe.call(1, Requests.read(nf >>> 20, nf & 0xfffff, 0, data.length), 512, 16 + data.length, 1000, true), 0);
        assertArrayEquals(data, back, "read back through an indirect table of many small buffers");
    }

    @Test
    void highPriorityQueueTakesForget() throws Exception {
        start(NegotiationSettings.MAX_PAGES, true);
        init();
        Files.writeString(tmp.resolve("shared/f"), "x");
        long node = le(body(call(Requests.lookup(1, "f"), 16 + 128), 0)).getLong(0);
        assertEquals(2, fs.liveInodes());
        byte[] reply = fe.call(0, Requests.request(Opcode.FORGET.code, node, Requests.longs(1)), 4096, 0, 4096, false);
        assertNotNull(reply, "FORGET's chain is returned");
        assertEquals(0, reply.length);
        assertEquals(1, fs.liveInodes(), "the inode went with its last lookup");
    }

    // ---- hostile rings -------------------------------------------------------------------------

    private void assertStillServes() {
        byte[] r = body(call(Requests.request(Opcode.STATFS.code, 1), 16 + 80), 0);
        assertEquals(80, r.length);
        assertTrue(fe.backendAlive());
    }

    private void assertRefused(int head) {
        VhostFrontend.Used u = fe.awaitUsed(1, 10_000);
        assertNotNull(u, "a refused chain is still returned to the guest");
        assertEquals(head, u.id());
        assertEquals(0, u.len());
    }

    @Test
    void descriptorOutsideGuestMemory() throws Exception {
        start(NegotiationSettings.MAX_PAGES, true);
        init();
        int head = fe.postChain(1, List.of(new Desc(VhostFrontend.GPA + VhostFrontend.MEM - 8, 64, 0, 0)), false);
        assertRefused(head);
        head = fe.postChain(1, List.of(new Desc(VhostFrontend.GPA + VhostFrontend.MEM - 63, 64, 0, 0)), false); // one byte past
        assertRefused(head);
        head = fe.postChain(1, List.of(new Desc(0x10, 64, 0, 0)), false);
        assertRefused(head);
        head = fe.postChain(1, List.of(new Desc(-4096L, 8192, 2, 0)), false); // wraps around
        assertRefused(head);
        head = fe.postChain(1, List.of(new Desc(VhostFrontend.GPA, 0xffffffffL, 2, 0)), false); // length past the end
        assertRefused(head);
        assertStillServes();
    }

    @Test
    void loopingChain() throws Exception {
        start(NegotiationSettings.MAX_PAGES, true);
        init();
        long buf = fe.alloc(64);
        fe.writeDesc(0, 200, new Desc(buf, 64, 1, 201), true, 1);
        fe.writeDesc(0, 201, new Desc(buf, 64, 1, 200), true, 1);
        fe.post(1, 200);
        assertRefused(200);
        assertStillServes();
    }

    @Test
    void nestedIndirectTable() throws Exception {
        start(NegotiationSettings.MAX_PAGES, true);
        init();
        long inner = fe.alloc(16);
        long outer = fe.alloc(16);
        fe.writeDesc(inner, 0, new Desc(fe.alloc(64), 64, 0, 0), false, 1);
        fe.writeDesc(outer, 0, new Desc(inner, 16, 4, 0), false, 1);
        fe.writeDesc(0, 100, new Desc(outer, 16, 4, 0), true, 1);
        fe.post(1, 100);
        assertRefused(100);
        assertStillServes();
    }

    @Test
    void readableAfterWritableAndBadIndexes() throws Exception {
        start(NegotiationSettings.MAX_PAGES, true);
        init();
        long a = fe.alloc(64);
        int head = fe.postChain(1, List.of(new Desc(a, 16, 2, 0), new Desc(a, 16, 0, 0)), false);
        assertRefused(head);
        fe.writeDesc(0, 50, new Desc(a, 64, 1, 4000), true, 1); // next beyond the ring
        fe.post(1, 50);
        assertRefused(50);
        fe.post(1, 999); // head beyond the ring
        assertRefused(999 & 0xffff);
        assertStillServes();
    }

    @Test
    void availIndexRunningAheadBreaksOnlyThatQueue() throws Exception {
        start(NegotiationSettings.MAX_PAGES, true);
        init();
        fe.bumpAvail(1, 1000);
        assertNull(fe.awaitUsed(1, 500), "a broken queue serves nothing more");
        assertTrue(fe.backendAlive());
        byte[] hi = fe.call(0, Requests.request(Opcode.FORGET.code, 1, Requests.longs(1)), 4096, 0, 4096, false);
        assertNotNull(hi, "the other queue still works");
    }

    @Test
    void garbageRequestInAChainGetsAnErrnoReply() throws Exception {
        start(NegotiationSettings.MAX_PAGES, true);
        init();
        byte[] junk = Requests.request(Opcode.LOOKUP.code, 1, "no-nul".getBytes(StandardCharsets.UTF_8));
        assertEquals(0, body(call(junk, 64), -dev.fusebench.sys.Errno.EINVAL).length);
        byte[] shortOne = new byte[20];
        VhostFrontend.Used before = null;
        byte[] r = fe.call(1, shortOne, 20, 64, 64, false);
        assertNotNull(r, "a request too short for a header is returned, unanswered");
        assertEquals(0, r.length);
        assertEquals(1, stats.dropped());
        assertNull(before);
        assertStillServes();
    }

    /**
     * Found while writing the message handler's fuzz target: a memory region larger than the file behind its fd
     * mapped fine and would SIGBUS the daemon on first touch. It is refused now, as are messages
     * shorter than their fields; the connection and the rings carry on.
     */
    @Test
    void regionPastTheEndOfItsFileAndShortMessagesAreRefused() throws Exception {
        start(NegotiationSettings.MAX_PAGES, true);
        init();
        try (var a = java.lang.foreign.Arena.ofConfined()) {
            int small = dev.fusebench.sys.Libc.memfdCreate(a.allocateFrom("small"), Flags.MFD_CLOEXEC);
            dev.fusebench.sys.Libc.ftruncate(small, 4096);
            byte[] table = concat(Requests.ints(1, 0), Requests.longs(0x40000000L, 64L << 20, 0x7e0000000000L, 0));
            assertNotEquals(0L, fe.send(Message.SET_MEM_TABLE, table, true, small), "a region past its file's end is refused");
            dev.fusebench.sys.Libc.close(small);
        }
        assertNotEquals(0L, fe.send(Message.SET_VRING_ADDR, Requests.ints(1, 0), true), "8 bytes of a 40-byte message");
        assertNotEquals(0L, fe.send(Message.SET_FEATURES, new byte[0], true), "no payload");
        assertStillServes();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] o = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, o, a.length, b.length);
        return o;
    }
}
