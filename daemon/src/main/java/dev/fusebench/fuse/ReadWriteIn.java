package dev.fusebench.fuse;

import java.lang.foreign.MemorySegment;

import static dev.fusebench.fuse.Wire.IN_HEADER;
import static dev.fusebench.fuse.Wire.u32;
import static dev.fusebench.fuse.Wire.u64;

/** {@code fuse_read_in} / {@code fuse_write_in} (same first fields), parsed into a reused flyweight. */
public final class ReadWriteIn {
    public long fh;
    public long offset;
    /** Bytes asked (READ) or carried (WRITE). */
    public long size;
    /** read_flags or write_flags. */
    public int flags;

    /** Parses the arguments that follow the header; false when fewer than 40 bytes of them arrived. */
    public boolean parse(MemorySegment in, long end) {
        if (end - IN_HEADER < Wire.READ_IN) return false;
        fh = u64(in, IN_HEADER);
        offset = u64(in, IN_HEADER + 8);
        size = Integer.toUnsignedLong(u32(in, IN_HEADER + 16));
        flags = u32(in, IN_HEADER + 20);
        return true;
    }
}
