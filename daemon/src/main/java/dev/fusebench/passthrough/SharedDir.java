package dev.fusebench.passthrough;

import dev.fusebench.files.ProcFiles;
import dev.fusebench.fuse.Entry;
import dev.fusebench.sys.Errno;
import dev.fusebench.sys.Libc;
import dev.fusebench.sys.LibcProcess;
import dev.fusebench.sys.StatBuf;
import dev.fusebench.wire.LibcStructs;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import static dev.fusebench.fuse.FileSystem.ROOT;
import static dev.fusebench.sys.Flags.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The shared host directory as the passthrough's parts see it: the inode and handle tables, the
 * cache policy, each serving thread's native scratch, and the operations they all need (resolving
 * a name, re-opening an inode, clearing setuid bits).
 */
final class SharedDir {
    static final MemorySegment EMPTY = Arena.global().allocateFrom("");
    private static final MemorySegment DOT = Arena.global().allocateFrom(".");
    private static final MemorySegment DOTDOT = Arena.global().allocateFrom("..");
    static final int XATTR_LIST_MAX = 65536;

    final CachePolicy cache;
    final InodeTable inodes = new InodeTable();
    final HandleTable handles = new HandleTable();
    private final int procSelfFd;

    /**
     * Per-thread native scratch, allocated once per serving thread. Creating it gives the thread a
     * private umask of 0 (unshare(CLONE_FS), as virtiofsd does): a file gets exactly the mode the
     * request asks for, and the rest of the process keeps its own umask.
     */
    static final class Scratch {
        final Arena arena = Arena.ofAuto();
        final StatBuf stat = new StatBuf(arena);
        final MemorySegment fdName = arena.allocate(24);
        final MemorySegment dirents = arena.allocate(64 * 1024, 8);
        final MemorySegment times = arena.allocate(LibcStructs.Timespec.LAYOUT, 2);
        final MemorySegment statfs = arena.allocate(LibcStructs.Statfs.LAYOUT);
        final MemorySegment offsets = arena.allocate(16, 8);
        final ThreadCredentials.State credentials = new ThreadCredentials.State(arena);
        private MemorySegment xattrNames;

        Scratch() {
            int r = LibcProcess.unshare(CLONE_FS);
            if (r < 0) throw new IllegalStateException("unshare(CLONE_FS): " + Libc.strerror(r));
            LibcProcess.umask(0);
        }

        MemorySegment xattrNames() {
            if (xattrNames == null) xattrNames = arena.allocate(XATTR_LIST_MAX);
            return xattrNames;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    static Scratch scratch() { return SCRATCH.get(); }

    SharedDir(Path sharedDir, CachePolicy cache) throws IOException {
        Path dir = sharedDir.toAbsolutePath().normalize();
        this.cache = cache;
        int rootFd;
        try (Arena a = Arena.ofConfined()) {
            Path descriptors = ProcFiles.descriptors();
            int proc = Libc.openat(AT_FDCWD, a.allocateFrom(descriptors.toString()), O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
            if (proc < 0) throw new IOException("cannot open " + descriptors + ": " + Libc.strerror(proc));
            procSelfFd = proc;
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

    /** Closes every descriptor (each as its last user finishes). */
    void close() {
        handles.removeAll();
        inodes.closeAll();
        Libc.close(procSelfFd);
    }

    static int statFd(int fd, StatBuf st) {
        return Libc.fstatat(fd, EMPTY, st.seg, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
    }

    static boolean isDot(MemorySegment name) {
        return name.byteSize() == 2 && name.get(JAVA_BYTE, 0) == '.';
    }

    static boolean isDotDot(MemorySegment name) {
        return name.byteSize() == 3 && name.get(JAVA_BYTE, 0) == '.' && name.get(JAVA_BYTE, 1) == '.';
    }

    /**
     * Looks {@code name} up in {@code parent} (held by the caller): one more kernel reference on
     * success. Returns the node id, with the file's attributes in {@code st}, or a negative errno.
     */
    long lookupInode(Inode parent, MemorySegment name, StatBuf st) {
        if (!GuestDescriptors.room()) return -Errno.ENFILE;
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

    /** Looks {@code name} up into {@code out}: node id, attributes and the policy's timeout. */
    int entry(Inode parent, MemorySegment name, Entry out) {
        long nodeid = lookupInode(parent, name, out.stat);
        if (nodeid < 0) return (int) nodeid;
        out.nodeid = nodeid;
        out.timeoutSeconds = cache.timeoutSeconds();
        return 0;
    }

    /** A directory inode, held for the caller; null when {@link #notADir} says why. */
    Inode dir(long nodeid) {
        Inode p = inodes.acquire(nodeid);
        if (p == null || isDir(p.type)) return p;
        p.release();
        return null;
    }

    /** Why {@link #dir} gave null (the failure path looks again, so the good path allocates nothing). */
    int notADir(long nodeid) {
        Inode p = inodes.acquire(nodeid);
        if (p == null) return -Errno.ESTALE;
        p.release();
        return -Errno.ENOTDIR;
    }

    /** "/proc/self/fd/N" relative to our /proc/self/fd descriptor: the name "N". */
    static MemorySegment fdName(Scratch s, int fd) {
        MemorySegment b = s.fdName;
        // decimal digits written in place: no String per request
        int v = fd, len = 1;
        for (int t = v; t >= 10; t /= 10) len++;
        for (int i = len - 1; i >= 0; i--) { b.set(JAVA_BYTE, i, (byte) ('0' + v % 10)); v /= 10; }
        b.set(JAVA_BYTE, len, (byte) 0);
        return b;
    }

    /** Opens the file behind an inode (held by the caller) for I/O; never symlinks or special files. */
    int reopen(Inode inode, int flags) {
        if (!isReg(inode.type) && !isDir(inode.type)) return -Errno.EPERM;
        return reopenFd(inode.fd, flags);
    }

    /** Re-opens the file an O_PATH descriptor holds, through /proc/self/fd. */
    int reopenFd(int pathFd, int flags) {
        return Libc.openat(procSelfFd, fdName(scratch(), pathFd), flags | O_CLOEXEC, 0);
    }

    /**
     * A new name for the file an O_PATH descriptor holds: linkat through its /proc magic link, as
     * virtiofsd does. (linkat with AT_EMPTY_PATH would need CAP_DAC_READ_SEARCH, which also opens
     * any file by handle: the sandbox does not keep it.)
     */
    int linkFd(int fd, int newDirFd, MemorySegment newName) {
        return Libc.linkat(procSelfFd, fdName(scratch(), fd), newDirFd, newName, AT_SYMLINK_FOLLOW);
    }

    /** chmod of the file an O_PATH (or any) descriptor holds. */
    int chmodFd(int fd, int mode) {
        return Libc.fchmodat(procSelfFd, fdName(scratch(), fd), mode, 0);
    }

    /**
     * Re-opens as {@link #reopenFd}; with {@code killPriv} (a truncating open by a caller without
     * CAP_FSETID) without CAP_FSETID too, so the host kernel clears setuid and setgid as it
     * truncates, under its inode lock, as it would for that caller.
     */
    int reopenFd(int pathFd, int flags, boolean killPriv) {
        if (!killPriv) return reopenFd(pathFd, flags);
        int dropped = ThreadCredentials.dropFsetid();
        if (dropped < 0) return dropped;
        try {
            return reopenFd(pathFd, flags);
        } finally {
            if (dropped > 0) ThreadCredentials.raiseFsetid();
        }
    }
}
