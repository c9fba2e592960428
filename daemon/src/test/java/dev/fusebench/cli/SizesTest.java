package dev.fusebench.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The one size parser: bytes with or without a unit, and whole MiB for options counted in MiB. */
class SizesTest {
    @Test
    void bytesWithTheirUnits() {
        assertEquals(4096, Sizes.parse("4096"));
        assertEquals(128 << 10, Sizes.parse("128KiB"));
        assertEquals(1 << 20, Sizes.parse("1m"));
        assertEquals(1L << 30, Sizes.parse("1G"));
        assertThrows(NumberFormatException.class, () -> Sizes.parse("1t"));
        assertThrows(NumberFormatException.class, () -> Sizes.parse("9999999999999g"));
    }

    @Test
    void mibCountsABareNumberAsMibAndConvertsTheRest() {
        assertEquals(512, Sizes.mib("512"));
        assertEquals(512, Sizes.mib("512M"));
        assertEquals(1024, Sizes.mib("1g"), "1G is 1024 MiB, not 1");
        assertEquals(1024, Sizes.mib("1048576k"));
        for (String bad : new String[]{"0", "1536k", "4096k1", "x", "-1", "512 MB"})
            assertThrows(NumberFormatException.class, () -> Sizes.mib(bad), bad);
    }
}
