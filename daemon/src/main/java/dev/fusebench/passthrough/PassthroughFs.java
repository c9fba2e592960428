package dev.fusebench.passthrough;

import dev.fusebench.fuse.FileSystem;
import dev.fusebench.fuse.InitFlag;
import dev.fusebench.fuse.Negotiation;
import dev.fusebench.fuse.Replies;
import dev.fusebench.fuse.Request;
import dev.fusebench.fuse.Wire;
import dev.fusebench.sys.Errno;
import dev.fusebench.sys.IoVecs;
import dev.fusebench.sys.Libc;
import dev.fusebench.sys.StatBuf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import static dev.fusebench.fuse.Wire.u32;
import static dev.fusebench.fuse.Wire.u64;
import static dev.fusebench.sys.Flags.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * A read-write passthrough of one host directory. Every inode is an O_PATH descriptor and every name
 * is resolved with *at() calls relative to its parent with O_NOFOLLOW, so no request reaches a
 * file outside the shared directory: ".." at the root is the root, symlinks are returned, never
 * followed. Opening an inode for I/O goes through /proc/self/fd, which re-opens that very file.
 */
public final class PassthroughFs implements FileSystem {
    private static final MemorySegment EMPTY = Arena.global().allocateFrom("");
    private static final MemorySegment DOT = Arena.global().allocateFrom(".");
    private static final MemorySegment DOTDOT = Arena.global().allocateFrom("..");
    private static final int XATTR_LIST_MAX = 65536;

    private final CachePolicy cache;
    private final XattrPolicy xattrs;
    private final InodeTable inodes = new InodeTable();
    private final HandleTable handles = new HandleTable();
    private final int procSelfFd;
    private volatile boolean writebackCache;
    private volatile boolean dontMask;

    /**
     * Per-thread native scratch, allocated once per serving thread. Creating it gives the thread a
     * private umask of 0 (unshare(CLONE_FS), as virtiofsd does): a file gets exactly the mode the
     * request asks for, and the rest of the process keeps its own umask.
     */
    private static final class Scratch {
        final Arena arena = Arena.ofAuto();
        final StatBuf stat = new StatBuf(arena);
        final MemorySegment fdName = arena.allocate(24);
        final MemorySegment dirents = arena.allocate(64 * 1024, 8);
        final MemorySegment times = arena.allocate(32, 8);
        final MemorySegment statfs = arena.allocate(120, 8);
        final MemorySegment offsets = arena.allocate(16, 8);
        private MemorySegment xattrNames;

        Scratch() {
            int r = Libc.unshare(CLONE_FS);
            if (r < 0) throw new IllegalStateException("unshare(CLONE_FS): " + Libc.strerror(r));
            Libc.umask(0);
        }

        MemorySegment xattrNames() {
            if (xattrNames == null) xattrNames = arena.allocate(XATTR_LIST_MAX);
            return xattrNames;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    public PassthroughFs(Path sharedDir, CachePolicy cache) throws IOException {
        this(sharedDir, cache, XattrPolicy.OFF);
    }

    public PassthroughFs(Path sharedDir, CachePolicy cache, XattrPolicy xattrs) throws IOException {
        Path dir = sharedDir.toAbsolutePath().normalize();
        this.cache = cache;
        this.xattrs = xattrs;
        int rootFd;
        try (Arena a = Arena.ofConfined()) {
            procSelfFd = Libc.openat(AT_FDCWD, a.allocateFrom("/proc/self/fd"), O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
            if (procSelfFd < 0) throw new IOException("cannot open /proc/self/fd: " + Libc.strerror(procSelfFd));
            rootFd = Libc.openat(AT_FDCWD, a.allocateFrom(dir.toString()), O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
            if (rootFd < 0) {
                Libc.close(procSelfFd);
                throw new IOException("cannot open shared directory " + dir + ": " + Libc.strerror(rootFd));
            }
            // not the scratch of this thread: the constructing thread keeps the process's umask
            StatBuf st = new StatBuf(a);
            int r = Libc.fstatat(rootFd, EMPTY, st.seg, AT_EMPTY_PATH);
            if (r < 0) {
                Libc.close(rootFd);
                Libc.close(procSelfFd);
                throw new IOException("cannot stat " + dir + ": " + Libc.strerror(r));
            }
            long root = inodes.lookedUp(rootFd, st.dev(), st.ino(), st.mode() & S_IFMT);
            if (root != ROOT) throw new IllegalStateException("root inode got node id " + root);
        }
    }

    public int liveInodes() { return inodes.size(); }

    public int openHandles() { return handles.size(); }

    @Override
    public void init(Negotiation n) {
        writebackCache = (n.reply().flags() & InitFlag.WRITEBACK_CACHE) != 0;
        dontMask = (n.reply().flags() & InitFlag.DONT_MASK) != 0;
    }

    /** The session ended (DESTROY, or a new INIT): every handle and every inode but the root goes. */
    @Override
    public void destroy() {
        handles.removeAll();
        inodes.forgetAllButRoot();
    }

    /** Closes every descriptor (each as its last user finishes); the file system is unusable after. */
    public void close() {
        handles.removeAll();
        inodes.closeAll();
        Libc.close(procSelfFd);
    }

    // ---- attributes ------------------------------------------------------------------------

    private void writeEntry(long nodeid, StatBuf st, MemorySegment out, long off) {
        Replies.entry(out, off, nodeid, cache.timeoutSeconds, st);
    }

    private int writeAttrOut(StatBuf st, MemorySegment out, long off) {
        return Replies.attrOut(out, off, cache.timeoutSeconds, st);
    }

    private static int statFd(int fd, StatBuf st) {
        return Libc.fstatat(fd, EMPTY, st.seg, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
    }

    // ---- lookups ---------------------------------------------------------------------------

    private static boolean isDot(MemorySegment name) {
        return name.byteSize() == 2 && name.get(JAVA_BYTE, 0) == '.';
    }

    private static boolean isDotDot(MemorySegment name) {
        return name.byteSize() == 3 && name.get(JAVA_BYTE, 0) == '.' && name.get(JAVA_BYTE, 1) == '.';
    }

    /**
     * Looks {@code name} up in {@code parent} (held by the caller): one more kernel reference on
     * success. Returns the node id, with the file's attributes in {@code st}, or a negative errno.
     */
    private long lookupInode(Inode parent, MemorySegment name, StatBuf st) {
        int fd;
        if (isDot(name) || (isDotDot(name) && parent.nodeid == ROOT)) {
            fd = Libc.openat(parent.fd, DOT, O_PATH | O_NOFOLLOW | O_CLOEXEC, 0);
        } else {
            fd = Libc.openat(parent.fd, isDotDot(name) ? DOTDOT : name, O_PATH | O_NOFOLLOW | O_CLOEXEC, 0);
        }
        if (fd < 0) return fd;
        int r = statFd(fd, st);
        if (r < 0) { Libc.close(fd); return r; }
        return inodes.lookedUp(fd, st.dev(), st.ino(), st.mode() & S_IFMT);
    }

    private int entryFor(Inode parent, MemorySegment name, MemorySegment out, long off) {
        Scratch s = SCRATCH.get();
        long nodeid = lookupInode(parent, name, s.stat);
        if (nodeid < 0) return (int) nodeid;
        writeEntry(nodeid, s.stat, out, off);
        return Wire.ENTRY_OUT;
    }

    /** A directory inode, held for the caller; null when {@link #notADir} says why. */
    private Inode dir(long nodeid) {
        Inode p = inodes.acquire(nodeid);
        if (p == null || isDir(p.type)) return p;
        p.release();
        return null;
    }

    /** Why {@link #dir} gave null (the failure path looks again, so the good path allocates nothing). */
    private int notADir(long nodeid) {
        Inode p = inodes.acquire(nodeid);
        if (p == null) return -Errno.ESTALE;
        p.release();
        return -Errno.ENOTDIR;
    }

    @Override
    public int lookup(Request caller, long parent, MemorySegment name, MemorySegment out, long off) {
        Inode p = dir(parent);
        if (p == null) return notADir(parent);
        try {
            return entryFor(p, name, out, off);
        } finally {
            p.release();
        }
    }

    @Override
    public void forget(long nodeid, long nlookup) {
        inodes.forget(nodeid, nlookup);
    }

    @Override
    public int getattr(Request caller, long nodeid, long fh, MemorySegment out, long off) {
        Inode inode = inodes.acquire(nodeid);
        if (inode == null) return -Errno.ESTALE;
        Handle h = fh >= 0 ? handles.acquire(fh, HandleTable.FILE) : null;
        try {
            StatBuf st = SCRATCH.get().stat;
            int r = statFd(h != null ? h.fd : inode.fd, st);
            return r < 0 ? r : writeAttrOut(st, out, off);
        } finally {
            if (h != null) h.release();
            inode.release();
        }
    }

    /** "/proc/self/fd/N" relative to our /proc/self/fd descriptor: the name "N". */
    private static MemorySegment fdName(Scratch s, int fd) {
        MemorySegment b = s.fdName;
        // decimal digits written in place: no String per request
        int v = fd, len = 1;
        for (int t = v; t >= 10; t /= 10) len++;
        for (int i = len - 1; i >= 0; i--) { b.set(JAVA_BYTE, i, (byte) ('0' + v % 10)); v /= 10; }
        b.set(JAVA_BYTE, len, (byte) 0);
        return b;
    }

    /** Opens the file behind an inode (held by the caller) for I/O; never symlinks or special files. */
    private int reopen(Inode inode, int flags) {
        if (!isReg(inode.type) && !isDir(inode.type)) return -Errno.EPERM;
        return Libc.openat(procSelfFd, fdName(SCRATCH.get(), inode.fd), flags | O_CLOEXEC, 0);
    }

    @Override
    public int setattr(Request caller, long nodeid, MemorySegment in, long a, MemorySegment out, long off) {
        Inode inode = inodes.acquire(nodeid);
        if (inode == null) return -Errno.ESTALE;
        int valid = u32(in, a);
        Handle h = null;
        if ((valid & Wire.FATTR_FH) != 0) {
            h = handles.acquire(u64(in, a + 8), HandleTable.FILE);
            if (h == null) { inode.release(); return -Errno.EBADF; }
        }
        try {
            return setattr(inode, h != null ? h.fd : -1, valid, in, a, out, off);
        } finally {
            if (h != null) h.release();
            inode.release();
        }
    }

    private int setattr(Inode inode, int fd, int valid, MemorySegment in, long a, MemorySegment out, long off) {
        Scratch s = SCRATCH.get();
        int r;
        if ((valid & Wire.FATTR_MODE) != 0) {
            if (isLnk(inode.type)) return -Errno.EOPNOTSUPP;
            r = Libc.fchmodat(procSelfFd, fdName(s, inode.fd), u32(in, a + 68) & 07777, 0);
            if (r < 0) return r;
        }
        if ((valid & (Wire.FATTR_UID | Wire.FATTR_GID)) != 0) {
            int uid = (valid & Wire.FATTR_UID) != 0 ? u32(in, a + 76) : -1;
            int gid = (valid & Wire.FATTR_GID) != 0 ? u32(in, a + 80) : -1;
            r = Libc.fchownat(inode.fd, EMPTY, uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
            if (r < 0) return r;
        }
        if ((valid & Wire.FATTR_SIZE) != 0) {
            long size = u64(in, a + 16);
            if (isDir(inode.type)) return -Errno.EISDIR;
            if (!isReg(inode.type)) return -Errno.EINVAL;
            if (fd >= 0) {
                r = Libc.ftruncate(fd, size);
            } else {
                int tmp = reopen(inode, O_WRONLY);
                if (tmp < 0) return tmp;
                r = Libc.ftruncate(tmp, size);
                Libc.close(tmp);
            }
            if (r < 0) return r;
        }
        // a truncate or chown by a caller without CAP_FSETID (HANDLE_KILLPRIV_V2): clear setuid/setgid
        // as the host would for that caller; a mode set in the same request already says what it wants
        if ((valid & Wire.FATTR_KILL_SUIDGID) != 0 && (valid & Wire.FATTR_MODE) == 0 && isReg(inode.type)) {
            r = killSuidGid(fd >= 0 ? fd : inode.fd);
            if (r < 0) return r;
        }
        if ((valid & (Wire.FATTR_ATIME | Wire.FATTR_MTIME)) != 0) {
            MemorySegment t = s.times;
            setTime(t, 0, valid, Wire.FATTR_ATIME, Wire.FATTR_ATIME_NOW, u64(in, a + 32), u32(in, a + 56));
            setTime(t, 16, valid, Wire.FATTR_MTIME, Wire.FATTR_MTIME_NOW, u64(in, a + 40), u32(in, a + 60));
            r = Libc.utimensat(inode.fd, EMPTY, t, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
            if (r < 0) return r;
        }
        r = statFd(fd >= 0 ? fd : inode.fd, s.stat);
        return r < 0 ? r : writeAttrOut(s.stat, out, off);
    }

    private static void setTime(MemorySegment t, long off, int valid, int setBit, int nowBit, long sec, int nsec) {
        if ((valid & nowBit) != 0) { t.set(JAVA_LONG, off, 0); t.set(JAVA_LONG, off + 8, UTIME_NOW); }
        else if ((valid & setBit) != 0) { t.set(JAVA_LONG, off, sec); t.set(JAVA_LONG, off + 8, Integer.toUnsignedLong(nsec)); }
        else { t.set(JAVA_LONG, off, 0); t.set(JAVA_LONG, off + 8, UTIME_OMIT); }
    }

    @Override
    public int readlink(Request caller, long nodeid, MemorySegment out, long off, int capacity) {
        Inode inode = inodes.acquire(nodeid);
        if (inode == null) return -Errno.ESTALE;
        try {
            if (!isLnk(inode.type)) return -Errno.EINVAL;
            return (int) Libc.readlinkat(inode.fd, EMPTY, out.asSlice(off, capacity), capacity);
        } finally {
            inode.release();
        }
    }

    // ---- creating and removing names --------------------------------------------------------

    /**
     * Serves a creation as the caller: this thread's file-system uid and gid become the caller's
     * for the call, so the new file is the caller's from the start, a setgid directory gives it its
     * group, and the host kernel strips S_ISGID from a mode the caller may not set, as on a local
     * file system. Root's requests run as root. Returns whether the credentials changed.
     */
    private static boolean becomeCaller(Request caller) {
        if (caller == null || (caller.uid == 0 && caller.gid == 0)) return false;
        Libc.setfsgid(caller.gid);
        Libc.setfsuid(caller.uid);
        return true;
    }

    private static void becomeRoot(boolean changed) {
        if (!changed) return;
        Libc.setfsuid(0);
        Libc.setfsgid(0);
    }

    /** The mode a creation asks for: with DONT_MASK the kernel left the caller's umask to us. */
    private int requested(int mode, int umask) {
        return dontMask ? mode & ~(umask & 0777) : mode;
    }

    private interface Creation { int create(int parentFd); }

    /**
     * Runs a creation as the caller. The guest kernel has checked the caller's rights already; where
     * the host says no only because it knows just the caller's primary group (the request carries no
     * supplementary groups), the creation is made as root and given to the caller.
     */
    private int createAs(Request caller, Inode parent, MemorySegment name, Creation c) {
        SCRATCH.get(); // this thread's umask is 0 from here on
        boolean changed = becomeCaller(caller);
        int r;
        try {
            r = c.create(parent.fd);
        } finally {
            becomeRoot(changed);
        }
        if (r == -Errno.EACCES && changed) {
            r = c.create(parent.fd);
            if (r >= 0) giveToCaller(caller, parent, name);
        }
        return r;
    }

    /** New files belong to the caller; a setgid directory's group wins, as on the host. */
    private static void giveToCaller(Request caller, Inode parent, MemorySegment name) {
        StatBuf st = SCRATCH.get().stat;
        int gid = caller.gid;
        if (statFd(parent.fd, st) >= 0 && (st.mode() & S_ISGID) != 0) gid = st.gid();
        Libc.fchownat(parent.fd, name, caller.uid, gid, AT_SYMLINK_NOFOLLOW);
    }

    private int created(Request caller, long parent, MemorySegment name, MemorySegment out, long off, Creation c) {
        Inode p = dir(parent);
        if (p == null) return notADir(parent);
        try {
            int r = createAs(caller, p, name, c);
            return r < 0 ? r : entryFor(p, name, out, off);
        } finally {
            p.release();
        }
    }

    @Override
    public int symlink(Request caller, long parent, MemorySegment name, MemorySegment target, MemorySegment out, long off) {
        return created(caller, parent, name, out, off, dirfd -> Libc.symlinkat(target, dirfd, name));
    }

    @Override
    public int mknod(Request caller, long parent, MemorySegment name, int mode, int rdev, int umask, MemorySegment out, long off) {
        int m = requested(mode, umask);
        return created(caller, parent, name, out, off, dirfd -> Libc.mknodat(dirfd, name, m, StatBuf.decodeDev32(rdev)));
    }

    @Override
    public int mkdir(Request caller, long parent, MemorySegment name, int mode, int umask, MemorySegment out, long off) {
        int m = requested(mode, umask) & 07777;
        return created(caller, parent, name, out, off, dirfd -> Libc.mkdirat(dirfd, name, m));
    }

    @Override
    public int unlink(Request caller, long parent, MemorySegment name) {
        Inode p = dir(parent);
        if (p == null) return notADir(parent);
        try {
            return Libc.unlinkat(p.fd, name, 0);
        } finally {
            p.release();
        }
    }

    @Override
    public int rmdir(Request caller, long parent, MemorySegment name) {
        Inode p = dir(parent);
        if (p == null) return notADir(parent);
        try {
            return Libc.unlinkat(p.fd, name, AT_REMOVEDIR);
        } finally {
            p.release();
        }
    }

    @Override
    public int rename(Request caller, long parent, MemorySegment name, long newParent, MemorySegment newName, int flags) {
        if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) != 0) return -Errno.EINVAL;
        Inode p = dir(parent);
        if (p == null) return notADir(parent);
        try {
            Inode np = dir(newParent);
            if (np == null) return notADir(newParent);
            try {
                return Libc.renameat2(p.fd, name, np.fd, newName, flags);
            } finally {
                np.release();
            }
        } finally {
            p.release();
        }
    }

    @Override
    public int link(Request caller, long nodeid, long newParent, MemorySegment newName, MemorySegment out, long off) {
        Inode inode = inodes.acquire(nodeid);
        if (inode == null) return -Errno.ESTALE;
        try {
            if (isDir(inode.type)) return -Errno.EPERM;
            Inode np = dir(newParent);
            if (np == null) return notADir(newParent);
            try {
                int r = Libc.linkat(inode.fd, EMPTY, np.fd, newName, AT_EMPTY_PATH);
                return r < 0 ? r : entryFor(np, newName, out, off);
            } finally {
                np.release();
            }
        } finally {
            inode.release();
        }
    }

    // ---- files -----------------------------------------------------------------------------

    /**
     * Host open flags for the guest's: no O_DIRECT (our buffers are not aligned), no O_NOFOLLOW (the
     * re-open goes through a /proc magic link; the inode is known not to be a symlink), and writeback
     * caching needs read access.
     */
    private int hostOpenFlags(int flags) {
        int f = flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_DIRECT | O_CLOEXEC | O_NOFOLLOW);
        if (writebackCache) {
            if ((f & O_ACCMODE) == O_WRONLY) f = (f & ~O_ACCMODE) | O_RDWR;
            f &= ~O_APPEND;
        }
        return f;
    }

    private int writeOpenOut(long fh, MemorySegment out, long off) {
        u64(out, off, fh);
        u32(out, off + 8, cache.openFlags);
        u32(out, off + 12, 0);
        return Wire.OPEN_OUT;
    }

    @Override
    public int open(Request caller, long nodeid, int flags, int openFlags, MemorySegment out, long off) {
        Inode inode = inodes.acquire(nodeid);
        if (inode == null) return -Errno.ESTALE;
        int fd;
        try {
            if (isDir(inode.type)) return -Errno.EISDIR;
            if (!isReg(inode.type)) return -Errno.EPERM;
            fd = reopen(inode, hostOpenFlags(flags));
        } finally {
            inode.release();
        }
        if (fd < 0) return fd;
        int k = killOnTruncatingOpen(caller, fd, flags, openFlags);
        if (k < 0) {
            Libc.close(fd);
            return k;
        }
        return writeOpenOut(handles.add(fd, HandleTable.FILE), out, off);
    }

    @Override
    public int create(Request caller, long parent, MemorySegment name, int flags, int mode, int umask, int openFlags, MemorySegment out, long off) {
        Inode p = dir(parent);
        if (p == null) return notADir(parent);
        try {
            return create(caller, p, name, flags, requested(mode, umask) & 07777, openFlags, out, off);
        } finally {
            p.release();
        }
    }

    private int create(Request caller, Inode p, MemorySegment name, int flags, int mode, int openFlags, MemorySegment out, long off) {
        int open = hostOpenFlags(flags) | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY;
        int fd = createAs(caller, p, name, dirfd -> Libc.openat(dirfd, name, open | O_CREAT | O_EXCL, mode));
        if (fd == -Errno.EEXIST && (flags & O_EXCL) == 0) {
            // The name exists: open it only if it is a regular file. Opening whatever is there
            // would block the queue on a FIFO (found by fuzzing) or open a device node on the host.
            int path = Libc.openat(p.fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC, 0);
            if (path < 0) return path;
            Scratch s = SCRATCH.get();
            int st = Libc.fstatat(path, EMPTY, s.stat.seg, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
            int type = s.stat.mode() & S_IFMT;
            fd = st < 0 ? st : type == S_IFLNK ? -Errno.ELOOP : type != S_IFREG ? -Errno.EPERM
                    : Libc.openat(procSelfFd, fdName(s, path), open & ~O_NOFOLLOW, 0);
            Libc.close(path);
            if (fd < 0) return fd;
            int k = killOnTruncatingOpen(caller, fd, flags, openFlags); // an existing file keeps its owner
            if (k < 0) { Libc.close(fd); return k; }
        }
        if (fd < 0) return fd;
        int r = entryFor(p, name, out, off);
        if (r < 0) { Libc.close(fd); return r; }
        writeOpenOut(handles.add(fd, HandleTable.FILE), out, off + Wire.ENTRY_OUT);
        return Wire.ENTRY_OUT + Wire.OPEN_OUT;
    }

    @Override
    public long read(Request caller, long nodeid, long fh, long offset, IoVecs dst) {
        Handle h = handles.acquire(fh, HandleTable.FILE);
        if (h == null) return -Errno.EBADF;
        try {
            return dst.count() == 0 ? 0 : Libc.preadv(h.fd, dst.array(), dst.count(), offset);
        } finally {
            h.release();
        }
    }

    @Override
    public long write(Request caller, long nodeid, long fh, long offset, IoVecs src, int writeFlags) {
        Handle h = handles.acquire(fh, HandleTable.FILE);
        if (h == null) return -Errno.EBADF;
        try {
            if (src.count() == 0) return 0;
            long n = Libc.pwritev(h.fd, src.array(), src.count(), offset);
            // the writer lacked CAP_FSETID: as on a local file system the write clears setuid/setgid
            // (the daemon writes as root, so the host kernel would keep them); writes without the flag pay nothing
            if (n > 0 && (writeFlags & Wire.WRITE_KILL_SUIDGID) != 0) {
                int k = killSuidGid(h.fd);
                if (k < 0) return k;
            }
            return n;
        } finally {
            h.release();
        }
    }

    /**
     * Clears S_ISUID, and S_ISGID when the group-execute bit is set (without it S_ISGID marks
     * mandatory locking and stays: the kernel's should_remove_suid), of the file open as {@code fd}.
     */
    private int killSuidGid(int fd) {
        Scratch s = SCRATCH.get();
        int r = statFd(fd, s.stat);
        if (r < 0) return r;
        int mode = s.stat.mode();
        int kill = (mode & S_ISUID) | ((mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP) ? S_ISGID : 0);
        if (kill == 0) return 0;
        return Libc.fchmodat(procSelfFd, fdName(s, fd), mode & 07777 & ~kill, 0);
    }

    /**
     * An open with O_TRUNC by a caller without CAP_FSETID. With HANDLE_KILLPRIV_V2 the kernel says
     * so (OPEN_KILL_SUIDGID); without it, and with ATOMIC_O_TRUNC, it sends nothing else (its own
     * mode fix-up is skipped for a truncation the OPEN already did: fs/fuse/dir.c fuse_setattr), so
     * the caller's uid decides, as a local file system decides for any caller but root.
     */
    private int killOnTruncatingOpen(Request caller, int fd, int flags, int openFlags) {
        if ((flags & O_TRUNC) == 0) return 0;
        return (openFlags & Wire.OPEN_KILL_SUIDGID) != 0 || (caller != null && caller.uid != 0) ? killSuidGid(fd) : 0;
    }

    @Override
    public int release(Request caller, long nodeid, long fh, int flags) {
        return handles.remove(fh, HandleTable.FILE) ? 0 : -Errno.EBADF;
    }

    /**
     * FLUSH (each close(2) in the guest): closing a duplicate of the descriptor, as virtiofsd
     * does, so errors the host file system reports at close (NFS, FUSE below us) reach the guest.
     */
    @Override
    public int flush(Request caller, long nodeid, long fh) {
        Handle h = handles.acquire(fh, HandleTable.FILE);
        if (h == null) return -Errno.EBADF;
        try {
            int dup = Libc.dup(h.fd);
            return dup < 0 ? dup : Libc.close(dup);
        } finally {
            h.release();
        }
    }

    @Override
    public int fsync(Request caller, long nodeid, long fh, boolean dataOnly) {
        return sync(fh, HandleTable.FILE, dataOnly);
    }

    private int sync(long fh, int kind, boolean dataOnly) {
        Handle h = handles.acquire(fh, kind);
        if (h == null) return -Errno.EBADF;
        try {
            return dataOnly ? Libc.fdatasync(h.fd) : Libc.fsync(h.fd);
        } finally {
            h.release();
        }
    }

    /** SYNCFS (a guest sync(2) or syncfs(2)): syncfs(2) on the host file system of the share. */
    @Override
    public int syncfs(Request caller, long nodeid) {
        Inode root = inodes.acquire(ROOT);
        if (root == null) return -Errno.ESTALE;
        try {
            int fd = reopen(root, O_RDONLY | O_DIRECTORY); // syncfs(2) takes no O_PATH descriptor
            if (fd < 0) return fd;
            int r = Libc.syncfs(fd);
            Libc.close(fd);
            return r;
        } finally {
            root.release();
        }
    }

    @Override
    public int fallocate(Request caller, long nodeid, long fh, int mode, long offset, long length) {
        Handle h = handles.acquire(fh, HandleTable.FILE);
        if (h == null) return -Errno.EBADF;
        try {
            return Libc.fallocate(h.fd, mode, offset, length);
        } finally {
            h.release();
        }
    }

    @Override
    public long lseek(Request caller, long nodeid, long fh, long offset, int whence) {
        Handle h = handles.acquire(fh, HandleTable.FILE);
        if (h == null) h = handles.acquire(fh, HandleTable.DIR);
        if (h == null) return -Errno.EBADF;
        try {
            if (whence < SEEK_SET || whence > SEEK_HOLE) return -Errno.EINVAL;
            return Libc.lseek(h.fd, offset, whence);
        } finally {
            h.release();
        }
    }

    @Override
    public long copyFileRange(Request caller, long nodeIn, long fhIn, long offIn, long nodeOut, long fhOut, long offOut, long len, int flags) {
        Handle in = handles.acquire(fhIn, HandleTable.FILE);
        if (in == null) return -Errno.EBADF;
        try {
            Handle out = handles.acquire(fhOut, HandleTable.FILE);
            if (out == null) return -Errno.EBADF;
            try {
                MemorySegment offs = SCRATCH.get().offsets;
                offs.set(JAVA_LONG, 0, offIn);
                offs.set(JAVA_LONG, 8, offOut);
                return Libc.copyFileRange(in.fd, offs, out.fd, offs.asSlice(8), Math.min(len, Integer.MAX_VALUE & ~4095L), flags);
            } finally {
                out.release();
            }
        } finally {
            in.release();
        }
    }

    @Override
    public int statfs(Request caller, long nodeid, MemorySegment out, long off) {
        Inode inode = inodes.acquire(nodeid);
        if (inode == null) inode = inodes.acquire(ROOT);
        if (inode == null) return -Errno.ESTALE;
        MemorySegment b = SCRATCH.get().statfs;
        int r;
        try {
            r = Libc.fstatfs(inode.fd, b);
        } finally {
            inode.release();
        }
        if (r < 0) return r;
        u64(out, off, b.get(JAVA_LONG, 16));       // blocks
        u64(out, off + 8, b.get(JAVA_LONG, 24));   // bfree
        u64(out, off + 16, b.get(JAVA_LONG, 32));  // bavail
        u64(out, off + 24, b.get(JAVA_LONG, 40));  // files
        u64(out, off + 32, b.get(JAVA_LONG, 48));  // ffree
        u32(out, off + 40, (int) b.get(JAVA_LONG, 8));   // bsize
        u32(out, off + 44, (int) b.get(JAVA_LONG, 64));  // namelen
        u32(out, off + 48, (int) b.get(JAVA_LONG, 72));  // frsize
        out.asSlice(off + 52, Wire.STATFS_OUT - 52).fill((byte) 0);
        return Wire.STATFS_OUT;
    }

    // ---- extended attributes ---------------------------------------------------------------

    private interface XattrCall { long call(int fd); }

    /** Runs an xattr call on a fresh descriptor of the file; ENOSYS when xattrs are off. */
    private long onXattrFd(long nodeid, long notSupported, XattrCall call) {
        if (xattrs == XattrPolicy.OFF) return -Errno.ENOSYS;
        Inode inode = inodes.acquire(nodeid);
        if (inode == null) return -Errno.ESTALE;
        int fd;
        try {
            if (!isReg(inode.type) && !isDir(inode.type)) return notSupported;
            fd = reopen(inode, O_RDONLY | O_NONBLOCK);
        } finally {
            inode.release();
        }
        if (fd < 0) return fd;
        try {
            return call.call(fd);
        } finally {
            Libc.close(fd);
        }
    }

    @Override
    public int setxattr(Request caller, long nodeid, MemorySegment name, MemorySegment value, int flags) {
        if (xattrs.withholds(name)) return -Errno.EPERM;
        return (int) onXattrFd(nodeid, -Errno.EOPNOTSUPP, fd -> Libc.fsetxattr(fd, name, value, value.byteSize(), flags));
    }

    @Override
    public long getxattr(Request caller, long nodeid, MemorySegment name, MemorySegment out, long off, int capacity) {
        if (xattrs.withholds(name)) return -Errno.ENODATA;
        return onXattrFd(nodeid, -Errno.ENODATA,
                fd -> Libc.fgetxattr(fd, name, capacity == 0 ? MemorySegment.NULL : out.asSlice(off, capacity), capacity));
    }

    @Override
    public long listxattr(Request caller, long nodeid, MemorySegment out, long off, int capacity) {
        if (xattrs != XattrPolicy.RESTRICTED) {
            return onXattrFd(nodeid, 0, fd -> Libc.flistxattr(fd, capacity == 0 ? MemorySegment.NULL : out.asSlice(off, capacity), capacity));
        }
        // the full list into scratch, then only the names the guest may see
        MemorySegment names = SCRATCH.get().xattrNames();
        long n = onXattrFd(nodeid, 0, fd -> Libc.flistxattr(fd, names, names.byteSize()));
        if (n <= 0) return n;
        long kept = 0;
        for (long p = 0; p < n; ) {
            long e = p;
            while (e < n && names.get(JAVA_BYTE, e) != 0) e++;
            long len = e - p + 1;
            if (!XattrPolicy.privileged(names, p, e)) {
                if (capacity > 0) {
                    if (kept + len > capacity) return -Errno.ERANGE;
                    MemorySegment.copy(names, p, out, off + kept, len);
                }
                kept += len;
            }
            p = e + 1;
        }
        return kept;
    }

    @Override
    public int removexattr(Request caller, long nodeid, MemorySegment name) {
        if (xattrs.withholds(name)) return -Errno.EPERM;
        return (int) onXattrFd(nodeid, -Errno.EOPNOTSUPP, fd -> Libc.fremovexattr(fd, name));
    }

    // ---- directories -----------------------------------------------------------------------

    @Override
    public int opendir(Request caller, long nodeid, int flags, MemorySegment out, long off) {
        Inode inode = dir(nodeid);
        if (inode == null) return notADir(nodeid);
        int fd;
        try {
            fd = reopen(inode, O_RDONLY | O_DIRECTORY);
        } finally {
            inode.release();
        }
        if (fd < 0) return fd;
        u64(out, off, handles.add(fd, HandleTable.DIR));
        u32(out, off + 8, 0);
        u32(out, off + 12, 0);
        return Wire.OPEN_OUT;
    }

    @Override
    public int readdir(Request caller, long nodeid, long fh, long offset, boolean plus, MemorySegment out, long off, int capacity) {
        Handle h = handles.acquire(fh, HandleTable.DIR);
        if (h == null) return -Errno.EBADF;
        Inode dirInode = null;
        try {
            if (plus) {
                dirInode = inodes.acquire(nodeid);
                if (dirInode == null) return -Errno.ESTALE;
            }
            return readdir(h.fd, dirInode, offset, plus, out, off, capacity);
        } finally {
            if (dirInode != null) dirInode.release();
            h.release();
        }
    }

    private int readdir(int fd, Inode dirInode, long offset, boolean plus, MemorySegment out, long off, int capacity) {
        Scratch s = SCRATCH.get();
        long pos = Libc.lseek(fd, offset, SEEK_SET);
        if (pos < 0) return (int) pos;
        int written = 0;
        MemorySegment buf = s.dirents;
        while (true) {
            long n = Libc.getdents64(fd, buf, buf.byteSize());
            if (n < 0) return written > 0 ? written : (int) n;
            if (n == 0) return written;
            for (long p = 0; p < n; ) {
                long dIno = buf.get(JAVA_LONG_UNALIGNED, p);
                long dOff = buf.get(JAVA_LONG_UNALIGNED, p + 8);
                int reclen = Short.toUnsignedInt(buf.get(JAVA_SHORT_UNALIGNED, p + 16));
                int type = Byte.toUnsignedInt(buf.get(JAVA_BYTE, p + 18));
                long nameStart = p + 19;
                long nameEnd = nameStart;
                while (nameEnd < p + reclen && buf.get(JAVA_BYTE, nameEnd) != 0) nameEnd++;
                int nameLen = (int) (nameEnd - nameStart);
                long direntSize = Wire.align8(Wire.DIRENT + nameLen);
                long entrySize = direntSize + (plus ? Wire.ENTRY_OUT : 0);
                if (written + entrySize > capacity) return written;
                long at = off + written;
                long d = at;
                if (plus) {
                    MemorySegment name = buf.asSlice(nameStart, nameLen + 1);
                    boolean dots = isDot(name) || isDotDot(name);
                    if (dots) {
                        out.asSlice(at, Wire.ENTRY_OUT).fill((byte) 0);
                    } else {
                        long child = lookupInode(dirInode, name, s.stat);
                        if (child < 0) { p += reclen; continue; } // vanished meanwhile: leave it out
                        writeEntry(child, s.stat, out, at);
                        dIno = s.stat.ino();
                    }
                    d = at + Wire.ENTRY_OUT;
                }
                u64(out, d, dIno);
                u64(out, d + 8, dOff);
                u32(out, d + 16, nameLen);
                u32(out, d + 20, type);
                MemorySegment.copy(buf, nameStart, out, d + Wire.DIRENT, nameLen);
                long pad = direntSize - Wire.DIRENT - nameLen;
                if (pad > 0) out.asSlice(d + Wire.DIRENT + nameLen, pad).fill((byte) 0);
                written += (int) entrySize;
                p += reclen;
            }
        }
    }

    @Override
    public int releasedir(Request caller, long nodeid, long fh) {
        return handles.remove(fh, HandleTable.DIR) ? 0 : -Errno.EBADF;
    }

    @Override
    public int fsyncdir(Request caller, long nodeid, long fh, boolean dataOnly) {
        return sync(fh, HandleTable.DIR, dataOnly);
    }

    @Override
    public int access(Request caller, long nodeid, int mask) {
        Inode inode = inodes.acquire(nodeid);
        if (inode == null) return -Errno.ESTALE;
        StatBuf st = SCRATCH.get().stat;
        int r;
        try {
            r = statFd(inode.fd, st);
        } finally {
            inode.release();
        }
        if (r < 0) return r;
        if (mask == F_OK) return 0;
        int mode = st.mode();
        if (caller.uid == 0) {
            // root may do anything but execute a file that no one may execute
            return (mask & X_OK) != 0 && !isDir(mode) && (mode & 0111) == 0 ? -Errno.EACCES : 0;
        }
        int bits = caller.uid == st.uid() ? (mode >> 6) & 7 : caller.gid == st.gid() ? (mode >> 3) & 7 : mode & 7;
        return (bits & mask) == mask ? 0 : -Errno.EACCES;
    }
}
