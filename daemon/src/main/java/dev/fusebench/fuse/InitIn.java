package dev.fusebench.fuse;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

/** What the kernel offers in FUSE_INIT: {@code fuse_init_in}, 16 bytes, or 64 with FUSE_INIT_EXT. */
public record InitIn(int major, int minor, int maxReadahead, long flags) {
    public static final int LEGACY_SIZE = 16;
    public static final int EXT_SIZE = 64;

    /** Parses the body that follows the header; {@code length} bounds every read. */
    public static InitIn parse(MemorySegment body, long offset, long length) {
        if (length < LEGACY_SIZE) throw new ProtocolException(dev.fusebench.sys.Errno.EINVAL, "INIT body of " + length + " bytes");
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
