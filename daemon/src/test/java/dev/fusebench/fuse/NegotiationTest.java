package dev.fusebench.fuse;

import java.util.List;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class NegotiationTest {
    static final long KERNEL_61 = dev.fusebench.testing.Requests.KERNEL_FLAGS;

    private static Negotiation negotiate(NegotiationSettings s) {
        return Negotiation.negotiate(new InitIn(7, 38, 131072, KERNEL_61), s);
    }

    @Test
    void baselineLeavesMaxPagesOff() {
        Negotiation n = negotiate(NegotiationSettings.BASELINE);
        assertEquals(0, n.reply().flags() & InitFlag.MAX_PAGES.mask);
        assertEquals(32, n.effectiveMaxPages());
        assertEquals(0, n.reply().maxPages());
        assertEquals(131072, n.reply().maxReadahead(), "readahead echoes the kernel");
    }

    @Test
    void maxPagesPreset() {
        Negotiation n = negotiate(NegotiationSettings.MAX_PAGES);
        assertNotEquals(0, n.reply().flags() & InitFlag.MAX_PAGES.mask);
        assertEquals(256, n.reply().maxPages());
        assertEquals(1 << 20, n.reply().maxWrite());
        assertEquals(256, n.effectiveMaxPages());
        // a 6.1 kernel (7.38) does not offer CREATE_SUPP_GROUP (7.39): only what was offered is replied
        assertEquals((NegotiationSettings.BASE_FLAGS & ~InitFlag.CREATE_SUPP_GROUP.mask) | InitFlag.MAX_PAGES.mask, n.reply().flags());
    }

    @Test
    void flagsTheKernelDidNotOfferAreNotReplied() {
        Negotiation n = Negotiation.negotiate(new InitIn(7, 38, 65536, InitFlag.ASYNC_READ.mask), NegotiationSettings.MAX_PAGES);
        assertEquals(InitFlag.ASYNC_READ.mask, n.reply().flags());
        assertEquals(32, n.effectiveMaxPages());
    }

    @Test
    void overridesApply() {
        NegotiationSettings s = NegotiationSettings.MAX_PAGES.with("max_pages=64").with("max_background=64")
                .with("-ASYNC_READ").with("max_readahead=1m").with("congestion_threshold=48");
        assertEquals(64, s.maxPages());
        assertEquals(64, s.maxBackground());
        assertEquals(48, s.congestionThreshold());
        assertEquals(0, s.flags() & InitFlag.ASYNC_READ.mask);
        Negotiation n = negotiate(s);
        assertEquals(64, n.effectiveMaxPages());
        assertEquals(131072, n.reply().maxReadahead(), "readahead can only be lowered");
        assertEquals(64, n.reply().maxBackground());
    }

    @Test
    void maxPagesOption() {
        NegotiationSettings on = NegotiationSettings.BASELINE.withMaxPages("on");
        assertTrue(on.offersMaxPages());
        assertEquals(256, on.maxPages());
        assertEquals(1 << 20, on.maxWrite());
        NegotiationSettings n64 = NegotiationSettings.BASELINE.withMaxPages("64");
        assertEquals(64, n64.maxPages());
        assertEquals(64 * 4096, n64.maxWrite());
        assertFalse(NegotiationSettings.MAX_PAGES.withMaxPages("off").offersMaxPages());
        assertTrue(NegotiationSettings.BASELINE.with("ASYNC_DIO=off").problems().isEmpty());
    }

    /** The README's examples as written, each spelling, and malformed lists. */
    @Test
    void variantListsSplitWhereAVariantStarts() {
        assertEquals(List.of("baseline", "mp64:max_pages=64,max_background=64,-ASYNC_READ"),
                Variant.splitList("baseline,mp64:max_pages=64,max_background=64,-ASYNC_READ"));
        assertEquals(List.of("baseline", "max-pages"), Variant.splitList("baseline,max-pages"));
        assertEquals(List.of("a:max_pages=64", "max-pages", "wb:base=baseline,+WRITEBACK_CACHE,ASYNC_READ=off"),
                Variant.splitList("a:max_pages=64,max-pages;wb:base=baseline,+WRITEBACK_CACHE,ASYNC_READ=off"));
        assertEquals(List.of("mp2:max_pages=256"), Variant.splitList("mp2:max_pages=256"));
        for (String v : Variant.splitList("baseline,mp64:max_pages=64,max_background=64,-ASYNC_READ")) {
            Variant.parse(v).init(); // each parses
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Variant.splitList("baseline,max_pages=64"));
        assertTrue(e.getMessage().contains("belongs to no variant"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Variant.splitList(" ; "));
    }

    /** A page count means FUSE_MAX_PAGES on, however it is given; with the flag turned off too it is refused. */
    @Test
    void maxPagesHasOneMeaning() {
        NegotiationSettings viaSet = NegotiationSettings.BASELINE.with("max_pages=64");
        assertTrue(viaSet.offersMaxPages(), "--set max_pages=64 on baseline negotiates 64 pages, not baseline");
        assertEquals(NegotiationSettings.BASELINE.withMaxPages("64"), viaSet);
        NegotiationSettings variant = Variant.parse("x:base=baseline,max_pages=64").init();
        assertTrue(variant.offersMaxPages());
        assertEquals(64, negotiate(variant).effectiveMaxPages());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Variant.parse("y:max_pages=64,-MAX_PAGES").init());
        assertTrue(e.getMessage().contains("max_pages=64 turns FUSE_MAX_PAGES on"), e.getMessage());
        NegotiationSettings off = Variant.parse("z:-MAX_PAGES").init();
        assertEquals(0, off.maxPages(), "no page count without the flag");
        assertEquals(off, Variant.parse(off.toSpec()).init());
    }

    @Test
    void invalidCombinationsAreRefused() {
        NegotiationSettings tooSmall = NegotiationSettings.MAX_PAGES.with("max_write=65536");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, tooSmall::validated);
        assertTrue(e.getMessage().contains("max_write 65536 is smaller than max_pages 256"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NegotiationSettings.BASELINE.with("max_pages=abc"));
        assertThrows(IllegalArgumentException.class, () -> NegotiationSettings.BASELINE.with("NOT_A_FLAG=on"));
        assertThrows(IllegalArgumentException.class, () -> NegotiationSettings.BASELINE.with("POSIX_LOCKS=on"));
        assertThrows(IllegalArgumentException.class, () -> NegotiationSettings.BASELINE.with("max_write=1"));
        assertThrows(IllegalArgumentException.class, () -> NegotiationSettings.preset("fast"));
        assertThrows(IllegalArgumentException.class,
                () -> NegotiationSettings.BASELINE.with("max_background=10").with("congestion_threshold=20").validated());
    }

    @Test
    void variantSpecsRoundTrip() {
        NegotiationSettings v = Variant.parse("mp64:max_pages=64,max_background=64,-ASYNC_READ").init();
        assertEquals("mp64", v.name());
        assertEquals(64, v.maxPages());
        assertEquals(0, v.flags() & InitFlag.ASYNC_READ.mask);
        assertNotEquals(0, v.flags() & InitFlag.MAX_PAGES.mask);
        assertEquals(v, Variant.parse(v.toSpec()).init());
        NegotiationSettings wb = Variant.parse("wb:base=baseline,+WRITEBACK_CACHE,max_readahead=65536").init();
        assertEquals(wb, Variant.parse(wb.toSpec()).init());
        assertEquals("baseline", Variant.parse("baseline").init().toSpec());
        assertThrows(IllegalArgumentException.class, () -> Variant.parse("x y:max_pages=2").init());
        assertThrows(IllegalArgumentException.class, () -> Variant.parse("bad:max_write=4096").init());
    }

    @Test
    void oldOrForeignProtocolsAreRefused() {
        assertThrows(ProtocolException.class, () -> Negotiation.negotiate(new InitIn(7, 26, 0, 0), NegotiationSettings.BASELINE));
        assertThrows(ProtocolException.class, () -> Negotiation.negotiate(new InitIn(6, 40, 0, 0), NegotiationSettings.BASELINE));
    }

    @Test
    void initOutRoundTrips() {
        Negotiation n = negotiate(NegotiationSettings.MAX_PAGES.with("max_background=65535").with("congestion_threshold=49149"));
        var seg = java.lang.foreign.MemorySegment.ofArray(new byte[64]);
        n.reply().encode(seg, 0);
        assertEquals(n.reply(), InitOut.decode(seg, 0));
    }

    @Test
    void legacyInitBodyIsAccepted() {
        byte[] req = dev.fusebench.testing.Requests.request(Opcode.INIT.code, 0,
                dev.fusebench.testing.Requests.ints(7, 31, 65536, (int) InitFlag.MAX_PAGES.mask));
        try (var h = new dev.fusebench.testing.ServerHarness(new dev.fusebench.testing.RecordingFs(), NegotiationSettings.MAX_PAGES)) {
            var r = h.call(req);
            assertEquals(0, r.error());
            assertEquals(31, h.server.negotiation().reply().minor());
            assertEquals(256, h.server.negotiation().effectiveMaxPages());
        }
    }
}
