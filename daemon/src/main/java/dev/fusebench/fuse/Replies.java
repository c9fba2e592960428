package dev.fusebench.fuse;

import dev.fusebench.sys.StatBuf;

import java.lang.foreign.MemorySegment;

import static dev.fusebench.fuse.Wire.u32;
import static dev.fusebench.fuse.Wire.u64;

/** Encoders of the frequent replies, straight from a host {@code struct stat} into the reply buffer. */
public final class Replies {
    private Replies() {}

    /** {@code fuse_attr} (88 bytes). */
    public static void attr(MemorySegment out, long off, StatBuf st) {
        u64(out, off, st.ino());
        u64(out, off + 8, st.size());
        u64(out, off + 16, st.blocks());
        u64(out, off + 24, st.atime());
        u64(out, off + 32, st.mtime());
        u64(out, off + 40, st.ctime());
        u32(out, off + 48, (int) st.atimeNsec());
        u32(out, off + 52, (int) st.mtimeNsec());
        u32(out, off + 56, (int) st.ctimeNsec());
        u32(out, off + 60, st.mode());
        u32(out, off + 64, (int) Math.min(st.nlink(), 0xffffffffL));
        u32(out, off + 68, st.uid());
        u32(out, off + 72, st.gid());
        u32(out, off + 76, StatBuf.encodeDev32(st.rdev()));
        u32(out, off + 80, (int) st.blksize());
        u32(out, off + 84, 0);
    }

    /** {@code fuse_entry_out} (128 bytes); generation 0: node ids are never reused with the same value. */
    public static int entry(MemorySegment out, long off, long nodeid, long timeoutSeconds, StatBuf st) {
        u64(out, off, nodeid);
        u64(out, off + 8, 0);
        u64(out, off + 16, timeoutSeconds);
        u64(out, off + 24, timeoutSeconds);
        u32(out, off + 32, 0);
        u32(out, off + 36, 0);
        attr(out, off + 40, st);
        return Wire.ENTRY_OUT;
    }

    /** {@code fuse_attr_out} (104 bytes). */
    public static int attrOut(MemorySegment out, long off, long timeoutSeconds, StatBuf st) {
        u64(out, off, timeoutSeconds);
        u32(out, off + 8, 0);
        u32(out, off + 12, 0);
        attr(out, off + 16, st);
        return Wire.ATTR_OUT;
    }

    /** {@code fuse_write_out} (8 bytes). */
    public static int writeOut(MemorySegment out, long off, long written) {
        u32(out, off, (int) written);
        u32(out, off + 4, 0);
        return Wire.WRITE_OUT;
    }
}
