package dev.fusebench.fuse;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

/**
 * {@code fuse_init_in} parsed into a reused flyweight, so parsing allocates nothing (the record
 * {@link InitIn} escaped C2's analysis: 32 B per parse). {@link #toRecord} makes the value the
 * negotiation keeps, once per session.
 */
public final class InitInArgs {
    public int major;
    public int minor;
    public int maxReadahead;
    /** flags, with flags2 in the high half when FUSE_INIT_EXT is offered. */
    public long flags;

    /** Parses the body that follows the header; false when fewer than 16 bytes of it arrived. */
    public boolean parse(MemorySegment body, long offset, long length) {
        if (length < InitIn.LEGACY_SIZE) return false;
        major = body.get(JAVA_INT_UNALIGNED, offset);
        minor = body.get(JAVA_INT_UNALIGNED, offset + 4);
        maxReadahead = body.get(JAVA_INT_UNALIGNED, offset + 8);
        long f = body.get(JAVA_INT_UNALIGNED, offset + 12) & 0xffffffffL;
        if ((f & InitFlag.INIT_EXT) != 0 && length >= InitIn.LEGACY_SIZE + 4) {
            f |= (body.get(JAVA_INT_UNALIGNED, offset + 16) & 0xffffffffL) << 32;
        }
        flags = f;
        return true;
    }

    public InitIn toRecord() { return new InitIn(major, minor, maxReadahead, flags); }
}
