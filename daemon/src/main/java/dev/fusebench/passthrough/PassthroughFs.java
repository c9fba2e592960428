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
    private static final MemorySegment DOTDOT = Arena.global().allocateFrom("..");

    private final Path sharedDir;
    private final CachePolicy cache;
    private final InodeTable inodes = new InodeTable();
    private final HandleTable handles = new HandleTable();
    private final int procSelfFd;
    private final int rootFd;
    private volatile boolean writebackCache;

    /** Per-thread native scratch, allocated once per worker thread. */
    private static final class Scratch {
        final Arena arena = Arena.ofAuto();
        final StatBuf stat = new StatBuf(arena);
        final MemorySegment fdName = arena.allocate(24);
        final MemorySegment dirents = arena.allocate(64 * 1024, 8);
        final MemorySegment times = arena.allocate(32, 8);
        final MemorySegment statfs = arena.allocate(120, 8);
        final MemorySegment offsets = arena.allocate(16, 8);
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    public PassthroughFs(Path sharedDir, CachePolicy cache) throws IOException {
        this.sharedDir = sharedDir.toAbsolutePath().normalize();
        this.cache = cache;
        try (Arena a = Arena.ofConfined()) {
            procSelfFd = Libc.openat(AT_FDCWD, a.allocateFrom("/proc/self/fd"), O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
            if (procSelfFd < 0) throw new IOException("cannot open /proc/self/fd: " + Libc.strerror(procSelfFd));
            rootFd = Libc.openat(AT_FDCWD, a.allocateFrom(this.sharedDir.toString()), O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
            if (rootFd < 0) throw new IOException("cannot open shared directory " + this.sharedDir + ": " + Libc.strerror(rootFd));
        }
        Scratch s = SCRATCH.get();
        int r = Libc.fstatat(rootFd, EMPTY, s.stat.seg, AT_EMPTY_PATH);
        if (r < 0) throw new IOException("cannot stat " + this.sharedDir + ": " + Libc.strerror(r));
        Inode root = inodes.lookedUp(rootFd, s.stat.dev(), s.stat.ino(), s.stat.mode() & S_IFMT);
        if (root.nodeid != ROOT) throw new IllegalStateException("root inode got node id " + root.nodeid);
        // Modes arrive with the caller's umask applied by the kernel: ours must not apply a second one.
        Libc.umask(0);
    }

    public Path sharedDir() { return sharedDir; }

    public int liveInodes() { return inodes.size(); }

    @Override
    public void init(Negotiation n) {
        writebackCache = (n.reply().flags() & InitFlag.WRITEBACK_CACHE) != 0;
    }

    @Override
    public void destroy() {
        for (int fd : handles.all()) {
            if (handles.remove(fd, HandleTable.FILE) || handles.remove(fd, HandleTable.DIR)) Libc.close(fd);
        }
    }

    /** Closes every descriptor; the file system is unusable after. */
    public void close() {
        destroy();
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

    /** Looks {@code name} up in {@code parent}: one more kernel reference on success. */
    private Inode lookupInode(Inode parent, MemorySegment name, StatBuf st, int[] err) {
        int fd;
        if (isDot(name) || (isDotDot(name) && parent.nodeid == ROOT)) {
            fd = Libc.openat(parent.fd, EMPTY_DOT, O_PATH | O_NOFOLLOW | O_CLOEXEC, 0);
        } else {
            fd = Libc.openat(parent.fd, isDotDot(name) ? DOTDOT : name, O_PATH | O_NOFOLLOW | O_CLOEXEC, 0);
        }
        if (fd < 0) { err[0] = fd; return null; }
        int r = statFd(fd, st);
        if (r < 0) { Libc.close(fd); err[0] = r; return null; }
        return inodes.lookedUp(fd, st.dev(), st.ino(), st.mode() & S_IFMT);
    }

    private static final MemorySegment EMPTY_DOT = Arena.global().allocateFrom(".");

    private int entryFor(Inode parent, MemorySegment name, MemorySegment out, long off) {
        Scratch s = SCRATCH.get();
        int[] err = new int[1];
        Inode inode = lookupInode(parent, name, s.stat, err);
        if (inode == null) return err[0];
        writeEntry(inode.nodeid, s.stat, out, off);
        return Wire.ENTRY_OUT;
    }

    @Override
    public int lookup(Request caller, long parent, MemorySegment name, MemorySegment out, long off) {
        Inode p = inodes.get(parent);
        if (p == null) return -Errno.ESTALE;
        if (!isDir(p.type)) return -Errno.ENOTDIR;
        return entryFor(p, name, out, off);
    }

    @Override
    public void forget(long nodeid, long nlookup) {
        inodes.forget(nodeid, nlookup);
    }

    @Override
    public int getattr(Request caller, long nodeid, long fh, MemorySegment out, long off) {
        Inode inode = inodes.get(nodeid);
        if (inode == null) return -Errno.ESTALE;
        StatBuf st = SCRATCH.get().stat;
        int fd = fh >= 0 ? handles.fd(fh, HandleTable.FILE) : -1;
        int r = statFd(fd >= 0 ? fd : inode.fd, st);
        return r < 0 ? r : writeAttrOut(st, out, off);
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

    /** Opens the file behind an inode for I/O (never for symlinks or special files). */
    private int reopen(Inode inode, int flags) {
        if (!isReg(inode.type) && !isDir(inode.type)) return -Errno.EPERM;
        return Libc.openat(procSelfFd, fdName(SCRATCH.get(), inode.fd), flags | O_CLOEXEC, 0);
    }

    @Override
    public int setattr(Request caller, long nodeid, MemorySegment in, long a, MemorySegment out, long off) {
        Inode inode = inodes.get(nodeid);
        if (inode == null) return -Errno.ESTALE;
        Scratch s = SCRATCH.get();
        int valid = u32(in, a);
        long fh = u64(in, a + 8);
        int fd = (valid & Wire.FATTR_FH) != 0 ? handles.fd(fh, HandleTable.FILE) : -1;
        if ((valid & Wire.FATTR_FH) != 0 && fd < 0) return -Errno.EBADF;
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
        Inode inode = inodes.get(nodeid);
        if (inode == null) return -Errno.ESTALE;
        if (!isLnk(inode.type)) return -Errno.EINVAL;
        long n = Libc.readlinkat(inode.fd, EMPTY, out.asSlice(off, capacity), capacity);
        return (int) n;
    }

    // ---- creating and removing names --------------------------------------------------------

    private Inode dir(long nodeid, int[] err) {
        Inode p = inodes.get(nodeid);
        if (p == null) { err[0] = -Errno.ESTALE; return null; }
        if (!isDir(p.type)) { err[0] = -Errno.ENOTDIR; return null; }
        return p;
    }

    /** New files belong to the caller, as they would on a local file system. */
    private static void giveToCaller(Request caller, int dirfd, MemorySegment name) {
        if (caller.uid != 0 || caller.gid != 0) {
            Libc.fchownat(dirfd, name, caller.uid, caller.gid, AT_SYMLINK_NOFOLLOW);
        }
    }

    private int created(Request caller, Inode parent, MemorySegment name, int r, MemorySegment out, long off) {
        if (r < 0) return r;
        giveToCaller(caller, parent.fd, name);
        return entryFor(parent, name, out, off);
    }

    @Override
    public int symlink(Request caller, long parent, MemorySegment name, MemorySegment target, MemorySegment out, long off) {
        int[] err = new int[1];
        Inode p = dir(parent, err);
        if (p == null) return err[0];
        return created(caller, p, name, Libc.symlinkat(target, p.fd, name), out, off);
    }

    @Override
    public int mknod(Request caller, long parent, MemorySegment name, int mode, int rdev, int umask, MemorySegment out, long off) {
        int[] err = new int[1];
        Inode p = dir(parent, err);
        if (p == null) return err[0];
        return created(caller, p, name, Libc.mknodat(p.fd, name, mode, StatBuf.decodeDev32(rdev)), out, off);
    }

    @Override
    public int mkdir(Request caller, long parent, MemorySegment name, int mode, int umask, MemorySegment out, long off) {
        int[] err = new int[1];
        Inode p = dir(parent, err);
        if (p == null) return err[0];
        return created(caller, p, name, Libc.mkdirat(p.fd, name, mode & 07777), out, off);
    }

    @Override
    public int unlink(Request caller, long parent, MemorySegment name) {
        int[] err = new int[1];
        Inode p = dir(parent, err);
        return p == null ? err[0] : Libc.unlinkat(p.fd, name, 0);
    }

    @Override
    public int rmdir(Request caller, long parent, MemorySegment name) {
        int[] err = new int[1];
        Inode p = dir(parent, err);
        return p == null ? err[0] : Libc.unlinkat(p.fd, name, AT_REMOVEDIR);
    }

    @Override
    public int rename(Request caller, long parent, MemorySegment name, long newParent, MemorySegment newName, int flags) {
        if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) != 0) return -Errno.EINVAL;
        int[] err = new int[1];
        Inode p = dir(parent, err);
        if (p == null) return err[0];
        Inode np = dir(newParent, err);
        if (np == null) return err[0];
        return Libc.renameat2(p.fd, name, np.fd, newName, flags);
    }

    @Override
    public int link(Request caller, long nodeid, long newParent, MemorySegment newName, MemorySegment out, long off) {
        Inode inode = inodes.get(nodeid);
        if (inode == null) return -Errno.ESTALE;
        if (isDir(inode.type)) return -Errno.EPERM;
        int[] err = new int[1];
        Inode np = dir(newParent, err);
        if (np == null) return err[0];
        int r = Libc.linkat(inode.fd, EMPTY, np.fd, newName, AT_EMPTY_PATH);
        if (r < 0) return r;
        return entryFor(np, newName, out, off);
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

    private int writeOpenOut(int fd, MemorySegment out, long off) {
        u64(out, off, fd);
        u32(out, off + 8, cache.openFlags);
        u32(out, off + 12, 0);
        return Wire.OPEN_OUT;
    }

    @Override
    public int open(Request caller, long nodeid, int flags, int openFlags, MemorySegment out, long off) {
        Inode inode = inodes.get(nodeid);
        if (inode == null) return -Errno.ESTALE;
        if (isDir(inode.type)) return -Errno.EISDIR;
        if (!isReg(inode.type)) return -Errno.EPERM;
        int fd = reopen(inode, hostOpenFlags(flags));
        if (fd < 0) return fd;
        int k = killOnTruncatingOpen(caller, fd, flags, openFlags);
        if (k < 0) {
            Libc.close(fd);
            return k;
        }
        handles.add(fd, HandleTable.FILE);
        return writeOpenOut(fd, out, off);
    }

    @Override
    public int create(Request caller, long parent, MemorySegment name, int flags, int mode, int umask, int openFlags, MemorySegment out, long off) {
        int[] err = new int[1];
        Inode p = dir(parent, err);
        if (p == null) return err[0];
        int open = hostOpenFlags(flags) | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY;
        int fd = Libc.openat(p.fd, name, open | O_CREAT | O_EXCL, mode & 07777);
        boolean created = fd >= 0;
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
        }
        if (fd < 0) return fd;
        if (created) giveToCaller(caller, p.fd, name); // an existing file keeps its owner
        else {
            int k = killOnTruncatingOpen(caller, fd, flags, openFlags);
            if (k < 0) { Libc.close(fd); return k; }
        }
        int r = entryFor(p, name, out, off);
        if (r < 0) { Libc.close(fd); return r; }
        handles.add(fd, HandleTable.FILE);
        writeOpenOut(fd, out, off + Wire.ENTRY_OUT);
        return Wire.ENTRY_OUT + Wire.OPEN_OUT;
    }

    @Override
    public long read(Request caller, long nodeid, long fh, long offset, IoVecs dst) {
        int fd = handles.fd(fh, HandleTable.FILE);
        if (fd < 0) return -Errno.EBADF;
        if (dst.count() == 0) return 0;
        return Libc.preadv(fd, dst.array(), dst.count(), offset);
    }

    @Override
    public long write(Request caller, long nodeid, long fh, long offset, IoVecs src, int writeFlags) {
        int fd = handles.fd(fh, HandleTable.FILE);
        if (fd < 0) return -Errno.EBADF;
        if (src.count() == 0) return 0;
        long n = Libc.pwritev(fd, src.array(), src.count(), offset);
        // the writer lacked CAP_FSETID: as on a local file system the write clears setuid/setgid
        // (the daemon writes as root, so the host kernel would keep them); writes without the flag pay nothing
        if (n > 0 && (writeFlags & Wire.WRITE_KILL_SUIDGID) != 0) {
            int k = killSuidGid(fd);
            if (k < 0) return k;
        }
        return n;
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
        return handles.remove(fh, HandleTable.FILE) ? Libc.close((int) fh) : -Errno.EBADF;
    }

    @Override
    public int flush(Request caller, long nodeid, long fh) {
        return handles.fd(fh, HandleTable.FILE) >= 0 ? 0 : -Errno.EBADF;
    }

    @Override
    public int fsync(Request caller, long nodeid, long fh, boolean dataOnly) {
        int fd = handles.fd(fh, HandleTable.FILE);
        if (fd < 0) return -Errno.EBADF;
        return dataOnly ? Libc.fdatasync(fd) : Libc.fsync(fd);
    }

    @Override
    public int fallocate(Request caller, long nodeid, long fh, int mode, long offset, long length) {
        int fd = handles.fd(fh, HandleTable.FILE);
        if (fd < 0) return -Errno.EBADF;
        return Libc.fallocate(fd, mode, offset, length);
    }

    @Override
    public long lseek(Request caller, long nodeid, long fh, long offset, int whence) {
        int fd = handles.fd(fh, HandleTable.FILE);
        if (fd < 0) fd = handles.fd(fh, HandleTable.DIR);
        if (fd < 0) return -Errno.EBADF;
        if (whence < SEEK_SET || whence > SEEK_HOLE) return -Errno.EINVAL;
        return Libc.lseek(fd, offset, whence);
    }

    @Override
    public long copyFileRange(Request caller, long nodeIn, long fhIn, long offIn, long nodeOut, long fhOut, long offOut, long len, int flags) {
        int in = handles.fd(fhIn, HandleTable.FILE);
        int out = handles.fd(fhOut, HandleTable.FILE);
        if (in < 0 || out < 0) return -Errno.EBADF;
        MemorySegment offs = SCRATCH.get().offsets;
        offs.set(JAVA_LONG, 0, offIn);
        offs.set(JAVA_LONG, 8, offOut);
        return Libc.copyFileRange(in, offs, out, offs.asSlice(8), Math.min(len, Integer.MAX_VALUE & ~4095L), flags);
    }

    @Override
    public int statfs(Request caller, long nodeid, MemorySegment out, long off) {
        Inode inode = inodes.get(nodeid);
        if (inode == null) inode = inodes.get(ROOT);
        MemorySegment b = SCRATCH.get().statfs;
        int r = Libc.fstatfs(inode.fd, b);
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

    private int xattrFd(long nodeid) {
        Inode inode = inodes.get(nodeid);
        if (inode == null) return -Errno.ESTALE;
        if (!isReg(inode.type) && !isDir(inode.type)) return -Errno.EOPNOTSUPP;
        return reopen(inode, O_RDONLY | O_NONBLOCK);
    }

    @Override
    public int setxattr(Request caller, long nodeid, MemorySegment name, MemorySegment value, int flags) {
        int fd = xattrFd(nodeid);
        if (fd < 0) return fd;
        int r = Libc.fsetxattr(fd, name, value, value.byteSize(), flags);
        Libc.close(fd);
        return r;
    }

    @Override
    public long getxattr(Request caller, long nodeid, MemorySegment name, MemorySegment out, long off, int capacity) {
        int fd = xattrFd(nodeid);
        if (fd < 0) return fd == -Errno.EOPNOTSUPP ? -Errno.ENODATA : fd;
        long r = Libc.fgetxattr(fd, name, capacity == 0 ? MemorySegment.NULL : out.asSlice(off, capacity), capacity);
        Libc.close(fd);
        return r;
    }

    @Override
    public long listxattr(Request caller, long nodeid, MemorySegment out, long off, int capacity) {
        int fd = xattrFd(nodeid);
        if (fd < 0) return fd == -Errno.EOPNOTSUPP ? 0 : fd;
        long r = Libc.flistxattr(fd, capacity == 0 ? MemorySegment.NULL : out.asSlice(off, capacity), capacity);
        Libc.close(fd);
        return r;
    }

    @Override
    public int removexattr(Request caller, long nodeid, MemorySegment name) {
        int fd = xattrFd(nodeid);
        if (fd < 0) return fd;
        int r = Libc.fremovexattr(fd, name);
        Libc.close(fd);
        return r;
    }

    // ---- directories -----------------------------------------------------------------------

    @Override
    public int opendir(Request caller, long nodeid, int flags, MemorySegment out, long off) {
        Inode inode = inodes.get(nodeid);
        if (inode == null) return -Errno.ESTALE;
        if (!isDir(inode.type)) return -Errno.ENOTDIR;
        int fd = reopen(inode, O_RDONLY | O_DIRECTORY);
        if (fd < 0) return fd;
        handles.add(fd, HandleTable.DIR);
        u64(out, off, fd);
        u32(out, off + 8, 0);
        u32(out, off + 12, 0);
        return Wire.OPEN_OUT;
    }

    @Override
    public int readdir(Request caller, long nodeid, long fh, long offset, boolean plus, MemorySegment out, long off, int capacity) {
        int fd = handles.fd(fh, HandleTable.DIR);
        if (fd < 0) return -Errno.EBADF;
        Inode dirInode = plus ? inodes.get(nodeid) : null;
        if (plus && dirInode == null) return -Errno.ESTALE;
        Scratch s = SCRATCH.get();
        long pos = Libc.lseek(fd, offset, SEEK_SET);
        if (pos < 0) return (int) pos;
        int written = 0;
        MemorySegment buf = s.dirents;
        int[] err = new int[1];
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
                        Inode child = lookupInode(dirInode, name, s.stat, err);
                        if (child == null) { p += reclen; continue; } // vanished meanwhile: leave it out
                        writeEntry(child.nodeid, s.stat, out, at);
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
        return handles.remove(fh, HandleTable.DIR) ? Libc.close((int) fh) : -Errno.EBADF;
    }

    @Override
    public int fsyncdir(Request caller, long nodeid, long fh, boolean dataOnly) {
        int fd = handles.fd(fh, HandleTable.DIR);
        if (fd < 0) return -Errno.EBADF;
        return dataOnly ? Libc.fdatasync(fd) : Libc.fsync(fd);
    }

    @Override
    public int access(Request caller, long nodeid, int mask) {
        Inode inode = inodes.get(nodeid);
        if (inode == null) return -Errno.ESTALE;
        StatBuf st = SCRATCH.get().stat;
        int r = statFd(inode.fd, st);
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
