package dev.fusebench.fuse;

import dev.fusebench.sys.StatBuf;
import dev.fusebench.wire.FuseOut;

import java.lang.foreign.MemorySegment;

/**
 * The encode step: plain values into the reply structs of {@link FuseOut}. Each returns the bytes
 * it wrote. Attributes go straight from a host {@code struct stat} into fuse_attr.
 */
public final class Replies {
    private Replies() {}

    public static void header(MemorySegment out, int len, int error, long unique) {
        FuseOut.Header.write(out, 0, len, error, unique);
    }

    /** fuse_attr. */
    public static void attr(MemorySegment out, long at, StatBuf st) {
        FuseOut.Attr.write(out, at, st.ino(), st.size(), st.blocks(), st.atime(), st.mtime(), st.ctime(),
                (int) st.atimeNsec(), (int) st.mtimeNsec(), (int) st.ctimeNsec(), st.mode(),
                (int) Math.min(st.nlink(), 0xffffffffL), st.uid(), st.gid(), StatBuf.encodeDev32(st.rdev()), (int) st.blksize());
    }

    /** fuse_entry_out; generation 0: node ids are never reused with the same value. */
    public static int entry(MemorySegment out, long at, Entry e) {
        FuseOut.EntryOut.write(out, at, e.nodeid, 0, e.timeoutSeconds, e.timeoutSeconds);
        attr(out, at + FuseOut.EntryOut.ATTR, e.stat);
        return FuseOut.EntryOut.SIZE;
    }

    /** fuse_attr_out. */
    public static int attrOut(MemorySegment out, long at, Attr a) {
        FuseOut.AttrOut.write(out, at, a.timeoutSeconds);
        attr(out, at + FuseOut.AttrOut.ATTR, a.stat);
        return FuseOut.AttrOut.SIZE;
    }

    /** fuse_open_out. */
    public static int openOut(MemorySegment out, long at, Opened o) {
        FuseOut.OpenOut.write(out, at, o.fh, o.openFlags, o.backingId);
        return FuseOut.OpenOut.SIZE;
    }

    /** fuse_write_out: WRITE and COPY_FILE_RANGE (a count above 4 GiB - 1 is cut, as the field is 32 bits). */
    public static int writeOut(MemorySegment out, long at, long written) {
        FuseOut.WriteOut.write(out, at, (int) Math.min(written, 0xffffffffL));
        return FuseOut.WriteOut.SIZE;
    }

    /** fuse_getxattr_out: the size of a value or name list. */
    public static int getxattrOut(MemorySegment out, long at, long size) {
        FuseOut.GetxattrOut.write(out, at, (int) size);
        return FuseOut.GetxattrOut.SIZE;
    }

    /** fuse_lseek_out. */
    public static int lseekOut(MemorySegment out, long at, long offset) {
        FuseOut.LseekOut.write(out, at, offset);
        return FuseOut.LseekOut.SIZE;
    }

    /** fuse_statfs_out. */
    public static int statfs(MemorySegment out, long at, FsStat s) {
        FuseOut.StatfsOut.write(out, at, s.blocks, s.bfree, s.bavail, s.files, s.ffree, (int) s.bsize, (int) s.namelen, (int) s.frsize);
        return FuseOut.StatfsOut.SIZE;
    }

    /** fuse_init_out. */
    public static int init(MemorySegment out, long at, InitOut i) {
        // passthrough needs a stack depth: 1, backing files on a plain file system below us
        int stackDepth = (i.flags() & InitFlag.PASSTHROUGH.mask) != 0 ? 1 : 0;
        FuseOut.InitOut.write(out, at, i.major(), i.minor(), i.maxReadahead(), i.flags(), i.maxBackground(),
                i.congestionThreshold(), i.maxWrite(), i.timeGran(), i.maxPages(), stackDepth);
        return FuseOut.InitOut.SIZE;
    }
}
