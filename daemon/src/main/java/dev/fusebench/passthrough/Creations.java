package dev.fusebench.passthrough;

import dev.fusebench.fuse.Entry;
import dev.fusebench.fuse.Opened;
import dev.fusebench.fuse.Caller;
import dev.fusebench.sys.Errno;
import dev.fusebench.sys.Libc;
import dev.fusebench.sys.StatBuf;

import java.lang.foreign.MemorySegment;

import static dev.fusebench.sys.Flags.*;

/**
 * New names: SYMLINK, MKNOD, MKDIR, CREATE and LINK. Creations run as the caller (uid, gid and the
 * supplementary group the kernel sent), with the request's mode exactly (the serving thread's umask
 * is 0), so a file is the caller's from the start, a setgid directory gives it its group, and the
 * host kernel strips S_ISGID from a mode the caller may not set, as on a local file system.
 */
final class Creations {
    private final SharedDir dir;
    private final Opening opening;
    private volatile boolean dontMask;

    Creations(SharedDir dir, Opening opening) {
        this.dir = dir;
        this.opening = opening;
    }

    void dontMask(boolean on) { dontMask = on; }

    /** The mode a creation asks for: with DONT_MASK the kernel left the caller's umask to us. */
    private int requested(int mode, int umask) {
        return dontMask ? mode & ~(umask & 0777) : mode;
    }

    private interface Creation { int create(int parentFd); }

    /**
     * Runs a creation as the caller ({@link ThreadCredentials#becomeCaller}): the host decides
     * with the caller's uid, gid and the supplementary group the kernel sent, exactly once.
     */
    private static int createAs(Caller caller, Inode parent, Creation c) {
        SharedDir.scratch(); // this thread's umask is 0 from here on
        int changed = ThreadCredentials.becomeCaller(caller);
        if (changed < 0) return changed;
        try {
            return c.create(parent.fd);
        } finally {
            if (changed > 0) ThreadCredentials.becomeRoot();
        }
    }

    private int created(Caller caller, long parent, MemorySegment name, Entry out, Creation c) {
        Inode p = dir.dir(parent);
        if (p == null) return dir.notADir(parent);
        try {
            int r = createAs(caller, p, c);
            return r < 0 ? r : dir.entry(p, name, out);
        } finally {
            p.release();
        }
    }

    int symlink(Caller caller, long parent, MemorySegment name, MemorySegment target, Entry out) {
        return created(caller, parent, name, out, dirfd -> Libc.symlinkat(target, dirfd, name));
    }

    int mknod(Caller caller, long parent, MemorySegment name, int mode, int rdev, int umask, Entry out) {
        int m = requested(mode, umask);
        return created(caller, parent, name, out, dirfd -> Libc.mknodat(dirfd, name, m, StatBuf.decodeDev32(rdev)));
    }

    int mkdir(Caller caller, long parent, MemorySegment name, int mode, int umask, Entry out) {
        int m = requested(mode, umask) & 07777;
        return created(caller, parent, name, out, dirfd -> Libc.mkdirat(dirfd, name, m));
    }

    int link(long nodeid, long newParent, MemorySegment newName, Entry out) {
        Inode inode = dir.inodes.acquire(nodeid);
        if (inode == null) return -Errno.ESTALE;
        try {
            if (isDir(inode.type)) return -Errno.EPERM;
            Inode np = dir.dir(newParent);
            if (np == null) return dir.notADir(newParent);
            try {
                int r = dir.linkFd(inode.fd, np.fd, newName);
                return r < 0 ? r : dir.entry(np, newName, out);
            } finally {
                np.release();
            }
        } finally {
            inode.release();
        }
    }

    int create(Caller caller, long parent, MemorySegment name, int flags, int mode, int umask, int openFlags, Entry entry, Opened opened) {
        if (!GuestDescriptors.room()) return -Errno.ENFILE;
        Inode p = dir.dir(parent);
        if (p == null) return dir.notADir(parent);
        try {
            return create(caller, p, name, flags, requested(mode, umask) & 07777, openFlags, entry, opened);
        } finally {
            p.release();
        }
    }

    private int create(Caller caller, Inode p, MemorySegment name, int flags, int mode, int openFlags, Entry entry, Opened opened) {
        int open = opening.hostFlags(flags) | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY;
        int fd = createAs(caller, p, dirfd -> Libc.openat(dirfd, name, open | O_CREAT | O_EXCL, mode));
        if (fd == -Errno.EEXIST && (flags & O_EXCL) == 0) {
            // The name exists: open it only if it is a regular file. Opening whatever is there
            // would block the queue on a FIFO (found by fuzzing) or open a device node on the host.
            int path = Libc.openat(p.fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC, 0);
            if (path < 0) return path;
            StatBuf st = SharedDir.scratch().stat;
            int r = SharedDir.statFd(path, st);
            int type = st.mode() & S_IFMT;
            fd = r < 0 ? r : type == S_IFLNK ? -Errno.ELOOP : type != S_IFREG ? -Errno.EPERM
                    // an existing file keeps its owner; a truncation by a caller without CAP_FSETID clears its set-id bits
                    : dir.reopenFd(path, open & ~O_NOFOLLOW, Opening.killsOnTruncatingOpen(caller, flags, openFlags));
            Libc.close(path);
            if (fd < 0) return fd;
        }
        if (fd < 0) return fd;
        int r = dir.entry(p, name, entry);
        if (r < 0) { Libc.close(fd); return r; }
        opening.opened(fd, opened);
        return 0;
    }
}
