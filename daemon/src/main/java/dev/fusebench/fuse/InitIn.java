package dev.fusebench.fuse;

/** What the kernel offers in FUSE_INIT: {@code fuse_init_in}, 16 bytes, or 64 with FUSE_INIT_EXT. */
public record InitIn(int major, int minor, int maxReadahead, long flags) {
    public static final int LEGACY_SIZE = 16;
    public static final int EXT_SIZE = 64;
}
