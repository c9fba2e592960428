package dev.fusebench.proxy;

import dev.fusebench.fuse.FuseServer;
import dev.fusebench.fuse.InitFlag;
import dev.fusebench.fuse.InitOut;
import dev.fusebench.fuse.NegotiationSettings;
import dev.fusebench.fuse.Variant;
import dev.fusebench.passthrough.CachePolicy;
import dev.fusebench.passthrough.PassthroughFs;
import dev.fusebench.stats.DaemonStats;
import dev.fusebench.sys.Errno;
import dev.fusebench.testing.Requests;
import dev.fusebench.testing.VhostFrontend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The INIT-rewriting proxy between the in-process frontend and our daemon (playing a daemon that
 * cannot be rebuilt): every message forwarded, the INIT reply restricted as a variant says, a
 * widening refused, and the proxy out of the data path afterwards.
 */
@Timeout(60)
class VhostUserProxyTest {
    @TempDir Path tmp;
    PassthroughFs fs;
    VhostFrontend fe;

    /** Our daemon negotiating {@code daemonSettings}, behind a proxy applying {@code variant}. */
    void start(NegotiationSettings daemonSettings, String variant) throws Exception {
        fs = new PassthroughFs(Files.createDirectories(tmp.resolve("shared")), CachePolicy.AUTO);
        Restriction r = Restriction.of(Variant.parse(variant).init());
        fe = new VhostFrontend(new FuseServer(fs, daemonSettings, new DaemonStats()), false, r);
    }

    @AfterEach
    void stop() throws Exception {
        if (fe != null) fe.close();
        if (fs != null) fs.close();
    }

    /** INIT as the guest sends it; returns the out header's error and the init_out the guest got. */
    Object[] init() {
        byte[] reply = fe.call(1, Requests.init(38, Requests.KERNEL_FLAGS), 4096, 80, 4096, false);
        assertNotNull(reply, "INIT answered");
        int error = ByteBuffer.wrap(reply).order(ByteOrder.nativeOrder()).getInt(4);
        InitOut out = reply.length >= 80 && error == 0 ? InitOut.decode(MemorySegment.ofArray(Arrays.copyOfRange(reply, 16, 80)), 0) : null;
        return new Object[]{error, out};
    }

    @Test
    void eachAllowedRestrictionReachesTheGuest() throws Exception {
        start(NegotiationSettings.MAX_PAGES,
                "mp64:max_pages=64,max_write=262144,max_readahead=65536,max_background=64,congestion_threshold=48,-ASYNC_READ");
        Object[] r = init();
        assertEquals(0, r[0]);
        InitOut guest = (InitOut) r[1];
        assertEquals(64, guest.maxPages());
        assertEquals(262144, guest.maxWrite());
        assertEquals(65536, guest.maxReadahead());
        assertEquals(64, guest.maxBackground());
        assertEquals(48, guest.congestionThreshold());
        assertEquals(0, guest.flags() & InitFlag.ASYNC_READ.mask, "a flag the daemon replied is cleared");
        assertNotEquals(0, guest.flags() & InitFlag.MAX_PAGES.mask);
        InitOut daemon = fe.proxy.rewriter().daemonReply();
        assertEquals(256, daemon.maxPages(), "the daemon's own reply is recorded");
        assertNotEquals(0, daemon.flags() & InitFlag.ASYNC_READ.mask);
        assertEquals(guest, fe.proxy.rewriter().givenReply());
        assertNull(fe.proxy.rewriter().refusal());
    }

    @Test
    void baselineTakesMaxPagesAway() throws Exception {
        start(NegotiationSettings.MAX_PAGES, "baseline");
        InitOut guest = (InitOut) init()[1];
        assertEquals(0, guest.flags() & InitFlag.MAX_PAGES.mask);
        assertEquals(32, guest.effectiveMaxPages());
        assertEquals(131072, guest.maxWrite());
        assertNotEquals(0, fe.proxy.rewriter().daemonReply().flags() & InitFlag.MAX_PAGES.mask);
    }

    @Test
    void aWideningIsRefusedAndTheMountFails() throws Exception {
        start(Variant.parse("d64:max_pages=64").init(), "mp128:max_pages=128");
        Object[] r = init();
        assertEquals(-Errno.EPROTO, r[0], "the guest's INIT fails");
        assertTrue(fe.proxy.rewriter().refusal().contains("max_pages=128, above the daemon's 64"), fe.proxy.rewriter().refusal());
        assertNull(fe.proxy.rewriter().givenReply());
        assertEquals(64, fe.proxy.rewriter().daemonReply().maxPages());
    }

    @Test
    void aFlagTheDaemonDidNotReplyIsRefused() throws Exception {
        start(NegotiationSettings.MAX_PAGES, "wb:+WRITEBACK_CACHE");
        assertEquals(-Errno.EPROTO, init()[0]);
        assertTrue(fe.proxy.rewriter().refusal().contains("WRITEBACK_CACHE"), fe.proxy.rewriter().refusal());
    }

    /** Observe: the proxy on the kick path counts the exact sizes of a known stream, and the stream is served. */
    @Test
    void observeCountsRequestSizes() throws Exception {
        fs = new PassthroughFs(Files.createDirectories(tmp.resolve("shared")), CachePolicy.AUTO);
        DaemonStats daemonStats = new DaemonStats();
        fe = new VhostFrontend(new FuseServer(fs, NegotiationSettings.MAX_PAGES, daemonStats), false, Restriction.NONE, true);
        assertEquals(0, init()[0]);
        Files.write(tmp.resolve("shared/f"), new byte[1 << 20]);
        byte[] lookup = fe.call(1, Requests.lookup(1, "f"), 4096, 16 + 128, 4096, false);
        long node = ByteBuffer.wrap(lookup).order(ByteOrder.nativeOrder()).getLong(16);
        byte[] open = fe.call(1, Requests.open(node, dev.fusebench.sys.Flags.O_RDWR), 4096, 16 + 16, 4096, false);
        long fh = ByteBuffer.wrap(open).order(ByteOrder.nativeOrder()).getLong(16);
        fe.call(1, Requests.lookup(1, dev.fusebench.stats.JobMarks.beforeJob(1)), 4096, 16 + 128, 4096, false);
        for (int i = 0; i < 5; i++) assertNotNull(fe.call(1, Requests.read(node, fh, 0, 131072), 4096, 16 + 131072, 4096, false));
        fe.call(1, Requests.lookup(1, dev.fusebench.stats.JobMarks.beforeJob(2)), 4096, 16 + 128, 4096, false);
        for (int i = 0; i < 3; i++) assertNotNull(fe.call(1, Requests.write(node, fh, 0, new byte[4096]), 4096, 16 + 8, 4096, false));
        var seen = fe.proxy.observed().snapshot();
        assertEquals(java.util.Map.of(131072L, 5L), seen.get("READ"), seen.toString());
        assertEquals(java.util.Map.of(4096L, 3L), seen.get("WRITE"), seen.toString());
        assertEquals(1L, seen.get("INIT").values().stream().mapToLong(Long::longValue).sum());
        // the job marks cut the counts into phases, as the daemon's own statistics are
        var phases = fe.proxy.observed().phases();
        assertEquals(java.util.List.of("boot", "job-1", "job-2"), phases.stream().map(Observed.Phase::mark).toList());
        assertEquals(java.util.Map.of(131072L, 5L), phases.get(1).sizes().get("READ"), phases.toString());
        assertNull(phases.get(1).sizes().get("WRITE"));
        assertEquals(java.util.Map.of(4096L, 3L), phases.get(2).sizes().get("WRITE"), phases.toString());
        assertNull(phases.get(0).sizes().get("READ"));
        // and the daemon behind it cut its own statistics at the same places
        assertEquals(java.util.List.of("boot", "job-1", "job-2"), daemonStats.phases());
    }

    /** A message the proxy cannot frame ends the connection, with the reason, and no thread of it stays. */
    @Test
    void aMalformedMessageEndsTheConnectionWithTheReason() throws Exception {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            int[] a = pair(arena), b = pair(arena);
            VhostUserProxy p = new VhostUserProxy(a[1], b[0], Restriction.NONE, false);
            MemorySegment msg = arena.allocate(12);
            dev.fusebench.wire.VhostUserMsg.Header.write(msg, dev.fusebench.vhostuser.Message.SET_FEATURES, 1, 1 << 20);
            dev.fusebench.sys.Libc.write(a[0], msg, 12);
            p.awaitEnd();
            assertTrue(p.broken().contains("malformed message 2 with a 1048576-byte payload"), p.broken());
            assertEquals(0, dev.fusebench.sys.Libc.read(b[1], arena.allocate(8), 8), "the daemon's side was closed");
            p.close();
            dev.fusebench.sys.Libc.close(a[0]);
            dev.fusebench.sys.Libc.close(b[1]);
        }
    }

    static int[] pair(java.lang.foreign.Arena arena) {
        MemorySegment fds = arena.allocate(8);
        assertEquals(0, dev.fusebench.sys.Libc.socketpair(dev.fusebench.sys.Flags.AF_UNIX,
                dev.fusebench.sys.Flags.SOCK_STREAM | dev.fusebench.sys.Flags.SOCK_CLOEXEC, 0, fds));
        return new int[]{fds.get(java.lang.foreign.ValueLayout.JAVA_INT, 0), fds.get(java.lang.foreign.ValueLayout.JAVA_INT, 4)};
    }

    @Test
    void afterInitTheProxyStepsOut() throws Exception {
        start(NegotiationSettings.MAX_PAGES, "baseline");
        assertEquals(0, init()[0]);
        assertTrue(fe.proxy.steppedOut(), "the daemon has the guest's call fd");
        Thread.sleep(SignalRelay.GRACE_NANOS / 1_000_000 + 500); // the proxy stops passing interrupts on
        for (int i = 0; i < 20; i++) {
            byte[] reply = fe.call(1, Requests.getattr(1), 4096, 16 + 104, 4096, false);
            assertNotNull(reply, "request " + i + " completed, its interrupt straight from the daemon");
            assertEquals(0, ByteBuffer.wrap(reply).order(ByteOrder.nativeOrder()).getInt(4));
        }
    }
}
