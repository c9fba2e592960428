package dev.fusebench.fuse;

import dev.fusebench.passthrough.CachePolicy;
import dev.fusebench.wire.FuseOut.OpenOut;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Variants carry caching beside INIT: the cache mode, FOPEN flags, and the virtiofsd preset. */
class VariantTest {
    @Test
    void presetsLeaveCachingToTheDaemon() {
        for (String p : new String[]{"baseline", "max-pages"}) {
            Variant v = Variant.parse(p);
            assertNull(v.cache(), p + " keeps the daemon's --cache: the seed's comparison");
            assertEquals(0, v.openFlags());
            assertFalse(v.changesCaching());
            assertEquals(NegotiationSettings.preset(p), v.init());
        }
    }

    @Test
    void cacheModeAndOpenFlagsAreSettings() {
        Variant v = Variant.parse("cached:cache=auto,+FOPEN_KEEP_CACHE,+CACHE_DIR,+FOPEN_PARALLEL_DIRECT_WRITES,max_readahead=1m,+HANDLE_KILLPRIV_V2,max_background=64");
        assertEquals("cached", v.name());
        assertEquals("auto", v.cache());
        assertEquals(OpenOut.FOPEN_KEEP_CACHE | OpenOut.FOPEN_CACHE_DIR | OpenOut.FOPEN_PARALLEL_DIRECT_WRITES, v.openFlags());
        assertEquals(1 << 20, v.init().maxReadahead());
        assertEquals(64, v.init().maxBackground());
        assertNotEquals(0, v.init().flags() & InitFlag.HANDLE_KILLPRIV_V2.mask);
        assertTrue(v.changesCaching());
        assertEquals(v, Variant.parse(v.toSpec()), v.toSpec());
        assertEquals(java.util.List.of("FOPEN_CACHE_DIR", "FOPEN_KEEP_CACHE", "FOPEN_PARALLEL_DIRECT_WRITES"), Variant.openFlagNames(v.openFlags()));
    }

    @Test
    void aStallIsAVariantSettingOnlyOurDaemonTakes() {
        java.util.List<String> arms = Variant.splitList("mp4:max_pages=4;stalled:base=max-pages,stall=256K:50ms/20");
        assertEquals(java.util.List.of("mp4:max_pages=4", "stalled:base=max-pages,stall=256K:50ms/20"), arms, "the stall's ':' starts no arm");
        Variant v = Variant.parse(arms.get(1));
        assertEquals("262144:50ms/20", v.stall());
        assertTrue(v.needsOurDaemon());
        assertFalse(v.changesCaching());
        assertEquals(NegotiationSettings.MAX_PAGES.maxPages(), v.init().maxPages());
        assertEquals(v, Variant.parse(v.toSpec()), v.toSpec());
        assertEquals(1L << 20, Stall.parse("1M:2s").describe().aboveBytes());
        assertEquals(2000L, Stall.parse("1M:2s").describe().ms());
        assertEquals(1, Stall.parse("4096:10").describe().every());
        for (String bad : new String[]{"256K", "256K:0ms", "x:10ms", "256K:10ms/0", "256K:90s"})
            assertThrows(IllegalArgumentException.class, () -> Stall.parse(bad), bad);
        assertThrows(IllegalArgumentException.class, () -> Variant.parse("s:stall=nonsense"));
    }

    @Test
    void aStallWaitsOnlyForEveryNthLargeReadOrWrite() {
        Stall s = Stall.parse("1K:1ms/3");
        for (int i = 0; i < 7; i++) s.before(Opcode.READ.code, 4096);
        s.before(Opcode.READ.code, 512);      // not above the size
        s.before(Opcode.LOOKUP.code, 1 << 20); // not READ or WRITE
        for (int i = 0; i < 2; i++) s.before(Opcode.WRITE.code, 8192);
        assertEquals(9L, s.describe().eligible());
        assertEquals(3L, s.describe().stalled());
    }

    @Test
    void theOpenFlagsReachFilesAndDirectoriesAsTheKernelReadsThem() {
        CachePolicy p = CachePolicy.parse("never").withOpenFlags(OpenOut.FOPEN_CACHE_DIR | OpenOut.FOPEN_KEEP_CACHE | OpenOut.FOPEN_PARALLEL_DIRECT_WRITES);
        assertEquals(OpenOut.FOPEN_DIRECT_IO | OpenOut.FOPEN_KEEP_CACHE | OpenOut.FOPEN_PARALLEL_DIRECT_WRITES, p.openFlags(), "CACHE_DIR is for directories");
        assertEquals(OpenOut.FOPEN_CACHE_DIR | OpenOut.FOPEN_KEEP_CACHE, p.dirOpenFlags());
        assertEquals(0, p.timeoutSeconds());
    }

    /** "Our daemon as virtiofsd would be" is one name: the Rust virtiofsd 1.13's reply to a 6.1 guest, with --cache=never. */
    @Test
    void theVirtiofsdPresetNegotiatesAsTheRustVirtiofsdDoes() {
        Variant v = Variant.parse("virtiofsd");
        assertEquals("never", v.cache());
        Negotiation n = Negotiation.negotiate(new InitIn(7, 38, 131072, InitFlag.LINUX_6_1_VIRTIOFS_OFFER), v.init());
        // what the proxy recorded of virtiofsd 1.13.2 (less HAS_IOCTL_DIR and SUBMOUNTS, which we do not
        // serve, and INIT_EXT, which carries nothing here)
        assertEquals(java.util.List.of("ASYNC_READ", "ATOMIC_O_TRUNC", "BIG_WRITES", "AUTO_INVAL_DATA", "ASYNC_DIO", "PARALLEL_DIROPS",
                "MAX_PAGES"), InitFlag.names(n.reply().flags()));
        assertEquals(256, n.reply().maxPages());
        assertEquals(1 << 20, n.reply().maxWrite());
        assertEquals(131072, n.reply().maxReadahead());
        assertEquals(65535, n.reply().maxBackground());
        assertEquals(49149, n.reply().congestionThreshold());
        assertEquals("virtiofsd", v.toSpec());
    }

    @Test
    void badSettingsAreOneLineErrors() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Variant.parse("x:cache=sometimes")).getMessage().contains("never, auto or always"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Variant.parse("x:-FOPEN_KEEP_CACHE")).getMessage().contains("can only be added"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Variant.parse("fast")).getMessage().contains("baseline, max-pages, virtiofsd"));
    }
}
