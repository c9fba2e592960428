package dev.fusebench.passthrough;

import dev.fusebench.fuse.Attr;
import dev.fusebench.fuse.SetAttr;
import dev.fusebench.sys.Errno;
import dev.fusebench.sys.Libc;
import dev.fusebench.wire.LibcStructs.Timespec;

import java.lang.foreign.MemorySegment;

import static dev.fusebench.passthrough.SharedDir.EMPTY;
import static dev.fusebench.sys.Flags.*;
import static dev.fusebench.wire.FuseIn.SetattrIn.*;

/** SETATTR: mode, owner, size, times, each as the request's valid bits ask, then the new attributes. */
final class AttributeChanges {
    private final SharedDir dir;

    AttributeChanges(SharedDir dir) { this.dir = dir; }

    int setattr(long nodeid, SetAttr in, Attr out) {
        Inode inode = dir.inodes.acquire(nodeid);
        if (inode == null) return -Errno.ESTALE;
        Handle h = null;
        if (in.has(FATTR_FH)) {
            h = dir.handles.acquire(in.fh, HandleTable.FILE);
            if (h == null) { inode.release(); return -Errno.EBADF; }
        }
        try {
            return apply(inode, h != null ? h.fd : -1, in, out);
        } finally {
            if (h != null) h.release();
            inode.release();
        }
    }

    private int apply(Inode inode, int fd, SetAttr in, Attr out) {
        int r;
        if (in.has(FATTR_MODE)) {
            if (isLnk(inode.type)) return -Errno.EOPNOTSUPP;
            r = dir.chmodFd(inode.fd, in.mode & 07777);
            if (r < 0) return r;
        }
        if (in.has(FATTR_UID) || in.has(FATTR_GID)) {
            int uid = in.has(FATTR_UID) ? in.uid : -1;
            int gid = in.has(FATTR_GID) ? in.gid : -1;
            r = Libc.fchownat(inode.fd, EMPTY, uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
            if (r < 0) return r;
        }
        if (in.has(FATTR_SIZE)) {
            if (isDir(inode.type)) return -Errno.EISDIR;
            if (!isReg(inode.type)) return -Errno.EINVAL;
            r = truncate(inode, fd, in.size, in.has(FATTR_KILL_SUIDGID) && !in.has(FATTR_MODE));
            if (r < 0) return r;
        }
        // a chown clears setuid (and setgid with group-execute) on the host as it does locally, so
        // FATTR_KILL_SUIDGID needs nothing more there
        if (in.has(FATTR_ATIME) || in.has(FATTR_MTIME)) {
            MemorySegment t = SharedDir.scratch().times;
            setTime(t, 0, in, FATTR_ATIME, FATTR_ATIME_NOW, in.atime, in.atimensec);
            setTime(t, 1, in, FATTR_MTIME, FATTR_MTIME_NOW, in.mtime, in.mtimensec);
            r = Libc.utimensat(inode.fd, EMPTY, t, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
            if (r < 0) return r;
        }
        r = SharedDir.statFd(fd >= 0 ? fd : inode.fd, out.stat);
        out.timeoutSeconds = dir.cache.timeoutSeconds();
        return r;
    }

    /**
     * ftruncate of the open handle, or of a write-only re-open. With {@code killPriv} (a truncate by
     * a caller without CAP_FSETID, HANDLE_KILLPRIV_V2) it runs without CAP_FSETID, so the host kernel
     * clears setuid/setgid as it truncates; a mode set in the same request already says what it wants.
     */
    private int truncate(Inode inode, int fd, long size, boolean killPriv) {
        int dropped = killPriv ? ThreadCredentials.dropFsetid() : 0;
        if (dropped < 0) return dropped;
        try {
            if (fd >= 0) return Libc.ftruncate(fd, size);
            int tmp = dir.reopen(inode, O_WRONLY);
            if (tmp < 0) return tmp;
            int r = Libc.ftruncate(tmp, size);
            Libc.close(tmp);
            return r;
        } finally {
            if (dropped > 0) ThreadCredentials.raiseFsetid();
        }
    }

    private static void setTime(MemorySegment t, int i, SetAttr in, int setBit, int nowBit, long sec, int nsec) {
        if (in.has(nowBit)) Timespec.write(t, i, 0, UTIME_NOW);
        else if (in.has(setBit)) Timespec.write(t, i, sec, Integer.toUnsignedLong(nsec));
        else Timespec.write(t, i, 0, UTIME_OMIT);
    }
}
