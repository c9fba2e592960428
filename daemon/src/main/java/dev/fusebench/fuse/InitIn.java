package dev.fusebench.fuse;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

/** What the kernel offers in FUSE_INIT: {@code fuse_init_in}, 16 bytes, or 64 with FUSE_INIT_EXT. */
public record InitIn(int major, int minor, int maxReadahead, long flags) {
    public static final int LEGACY_SIZE = 16;
    public static final int EXT_SIZE = 64;

    /** Whether a body of this length can be parsed (16 bytes, or 64 with FUSE_INIT_EXT). */
    public static boolean fits(long length) { return length >= LEGACY_SIZE; }

    /**
     * Parses the body that follows the header; {@code length} bounds every read. Callers check
     * {@link #fits} first: with no exception path here the record can stay in registers.
     */
    public static InitIn parse(MemorySegment body, long offset, long length) {
        int major = body.get(JAVA_INT_UNALIGNED, offset);
        int minor = body.get(JAVA_INT_UNALIGNED, offset + 4);
        int ra = body.get(JAVA_INT_UNALIGNED, offset + 8);
        long flags = body.get(JAVA_INT_UNALIGNED, offset + 12) & 0xffffffffL;
        if ((flags & InitFlag.INIT_EXT) != 0 && length >= LEGACY_SIZE + 4) {
            flags |= (body.get(JAVA_INT_UNALIGNED, offset + 16) & 0xffffffffL) << 32;
        }
        return new InitIn(major, minor, ra, flags);
    }
}
