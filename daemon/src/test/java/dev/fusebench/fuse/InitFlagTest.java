package dev.fusebench.fuse;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The flags, declared once in bit order, against include/uapi/linux/fuse.h 7.45's values. */
class InitFlagTest {
    @Test
    void eachFlagHasItsHeaderBit() {
        assertEquals(1L, InitFlag.ASYNC_READ.mask);
        assertEquals(1L << 16, InitFlag.WRITEBACK_CACHE.mask);
        assertEquals(1L << 22, InitFlag.MAX_PAGES.mask);
        assertEquals(1L << 30, InitFlag.INIT_EXT.mask);
        assertEquals(1L << 32, InitFlag.SECURITY_CTX.mask, "the first bit of flags2");
        assertEquals(1L << 34, InitFlag.CREATE_SUPP_GROUP.mask);
        assertEquals(1L << 37, InitFlag.PASSTHROUGH.mask);
        assertEquals(1L << 41, InitFlag.OVER_IO_URING.mask);
        assertEquals(1L << 42, InitFlag.REQUEST_TIMEOUT.mask);
    }

    @Test
    void namesComeFromTheConstants() {
        assertEquals(List.of("ASYNC_READ", "MAX_PAGES", "BIT_50"), InitFlag.names(InitFlag.ASYNC_READ.mask | InitFlag.MAX_PAGES.mask | 1L << 50));
        assertEquals(InitFlag.MAX_PAGES.mask, InitFlag.byName("fuse_max_pages"));
        assertEquals(-1, InitFlag.byName("NO_SUCH_FLAG"));
    }
}
