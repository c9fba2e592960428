package dev.fusebench.fuse;

import dev.fusebench.wire.FuseIn;

import java.lang.foreign.MemorySegment;

/**
 * {@code fuse_init_in} decoded into a reused flyweight, so decoding allocates nothing (the record
 * {@link InitIn} escaped C2's analysis: 32 B per parse). {@link #toRecord} makes the value the
 * negotiation keeps, once per session.
 */
public final class InitInArgs {
    public int major;
    public int minor;
    public int maxReadahead;
    /** flags, with flags2 in the high half when FUSE_INIT_EXT is offered. */
    public long flags;

    /** Decodes the body that follows the header; false when fewer than 16 bytes of it arrived. */
    public boolean parse(MemorySegment body, long offset, long length) {
        if (length < FuseIn.InitIn.LEGACY_SIZE) return false;
        major = FuseIn.InitIn.major(body, offset);
        minor = FuseIn.InitIn.minor(body, offset);
        maxReadahead = FuseIn.InitIn.maxReadahead(body, offset);
        long f = Integer.toUnsignedLong(FuseIn.InitIn.flags(body, offset));
        if ((f & InitFlag.INIT_EXT.mask) != 0 && length >= FuseIn.InitIn.LEGACY_SIZE + 4) {
            f |= Integer.toUnsignedLong(FuseIn.InitIn.flags2(body, offset)) << 32;
        }
        flags = f;
        return true;
    }

    public InitIn toRecord() { return new InitIn(major, minor, maxReadahead, flags); }
}
