package dev.fusebench.fuse;

import dev.fusebench.wire.FuseIn.SetattrIn;

import java.lang.foreign.MemorySegment;

/** SETATTR's arguments decoded from fuse_setattr_in; {@code valid} holds SetattrIn.FATTR_* bits. One per worker. */
public final class SetAttr {
    public int valid;
    public long fh, size, atime, mtime;
    public int atimensec, mtimensec, mode, uid, gid;

    public boolean has(int bit) { return (valid & bit) != 0; }

    void decode(MemorySegment in, long at) {
        valid = SetattrIn.valid(in, at);
        fh = SetattrIn.fh(in, at);
        size = SetattrIn.size(in, at);
        atime = SetattrIn.atime(in, at);
        mtime = SetattrIn.mtime(in, at);
        atimensec = SetattrIn.atimensec(in, at);
        mtimensec = SetattrIn.mtimensec(in, at);
        mode = SetattrIn.mode(in, at);
        uid = SetattrIn.uid(in, at);
        gid = SetattrIn.gid(in, at);
    }
}
