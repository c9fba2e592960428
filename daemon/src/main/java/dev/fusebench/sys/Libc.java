package dev.fusebench.sys;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static dev.fusebench.sys.NativeCall.*;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The one thin FFM layer over libc, for files, descriptors, sockets and memory ({@link LibcProcess}
 * holds the process and thread calls, {@link NativeCall} the linking). Every call returns the libc
 * result, or a negative errno on failure (kernel style), so the hot path needs no exceptions and no
 * allocation.
 */
public final class Libc {
    private Libc() {}

    private static final MethodHandle OPENAT = errnoCall("openat", i(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(3));
    private static final MethodHandle CLOSE = errnoCall("close", i(JAVA_INT));
    private static final MethodHandle IOCTL = errnoCall("ioctl", i(JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle READ = errnoCall("read", l(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = errnoCall("write", l(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle PREADV = errnoCall("preadv64", l(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));
    private static final MethodHandle PWRITEV = errnoCall("pwritev64", l(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));
    private static final MethodHandle FSTATAT = errnoCall("fstatat64", i(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle FSTATFS = errnoCall("fstatfs64", i(JAVA_INT, ADDRESS));
    private static final MethodHandle MKDIRAT = errnoCall("mkdirat", i(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle MKNODAT = errnoCall("mknodat", i(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));
    private static final MethodHandle SYMLINKAT = errnoCall("symlinkat", i(ADDRESS, JAVA_INT, ADDRESS));
    private static final MethodHandle READLINKAT = errnoCall("readlinkat", l(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle UNLINKAT = errnoCall("unlinkat", i(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RENAMEAT2 = errnoCall("renameat2", i(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LINKAT = errnoCall("linkat", i(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle FCHMODAT = errnoCall("fchmodat", i(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle FCHOWNAT = errnoCall("fchownat", i(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle UTIMENSAT = errnoCall("utimensat", i(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle FTRUNCATE = errnoCall("ftruncate64", i(JAVA_INT, JAVA_LONG));
    private static final MethodHandle FALLOCATE = errnoCall("fallocate64", i(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle LSEEK = errnoCall("lseek64", l(JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle FSYNC = errnoCall("fsync", i(JAVA_INT));
    private static final MethodHandle FDATASYNC = errnoCall("fdatasync", i(JAVA_INT));
    private static final MethodHandle GETDENTS64 = errnoCall("getdents64", l(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle FGETXATTR = errnoCall("fgetxattr", l(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle FSETXATTR = errnoCall("fsetxattr", i(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle FLISTXATTR = errnoCall("flistxattr", l(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle FREMOVEXATTR = errnoCall("fremovexattr", i(JAVA_INT, ADDRESS));
    private static final MethodHandle COPY_FILE_RANGE = errnoCall("copy_file_range", l(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle MOUNT = errnoCall("mount", i(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    private static final MethodHandle UMOUNT2 = errnoCall("umount2", i(ADDRESS, JAVA_INT));
    private static final MethodHandle SOCKET = errnoCall("socket", i(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SOCKETPAIR = errnoCall("socketpair", i(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle BIND = errnoCall("bind", i(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LISTEN = errnoCall("listen", i(JAVA_INT, JAVA_INT));
    private static final MethodHandle CONNECT = errnoCall("connect", i(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle ACCEPT4 = errnoCall("accept4", i(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle RECVMSG = errnoCall("recvmsg", l(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SENDMSG = errnoCall("sendmsg", l(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SHUTDOWN = errnoCall("shutdown", i(JAVA_INT, JAVA_INT));
    private static final MethodHandle MMAP = errnoCall("mmap64", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = errnoCall("munmap", i(ADDRESS, JAVA_LONG));
    private static final MethodHandle MEMFD_CREATE = errnoCall("memfd_create", i(ADDRESS, JAVA_INT));
    private static final MethodHandle EVENTFD = errnoCall("eventfd", i(JAVA_INT, JAVA_INT));
    private static final MethodHandle POLL = errnoCall("poll", i(ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SYNCFS = errnoCall("syncfs", i(JAVA_INT));
    private static final MethodHandle DUP = errnoCall("dup", i(JAVA_INT));
    // syscall(2) for the calls glibc 2.36 has no wrapper for (io_uring); every argument a long, as the kernel reads them
    private static final MethodHandle SYSCALL6 = errnoCall("syscall", l(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1));
    private static final MethodHandle NAME_TO_HANDLE_AT = errnoCall("name_to_handle_at", i(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle OPEN_BY_HANDLE_AT = errnoCall("open_by_handle_at", i(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle STRERROR = plainCall("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));

    public static int openat(int dirfd, MemorySegment path, int flags, int mode) {
        MemorySegment c = cs();
        try { return ret((int) OPENAT.invokeExact(c, dirfd, path, flags, mode), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static int close(int fd) {
        MemorySegment c = cs();
        try { return ret((int) CLOSE.invokeExact(c, fd), c); } catch (Throwable t) { throw fatal(t); }
    }

    /** ioctl(2) with a pointer argument. */
    public static int ioctl(int fd, long request, MemorySegment arg) {
        MemorySegment c = cs();
        try { return ret((int) IOCTL.invokeExact(c, fd, request, arg), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static long read(int fd, MemorySegment buf, long count) {
        MemorySegment c = cs();
        try { return ret((long) READ.invokeExact(c, fd, buf, count), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static long write(int fd, MemorySegment buf, long count) {
        MemorySegment c = cs();
        try { return ret((long) WRITE.invokeExact(c, fd, buf, count), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static long preadv(int fd, MemorySegment iov, int iovcnt, long offset) {
        MemorySegment c = cs();
        try { return ret((long) PREADV.invokeExact(c, fd, iov, iovcnt, offset), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static long pwritev(int fd, MemorySegment iov, int iovcnt, long offset) {
        MemorySegment c = cs();
        try { return ret((long) PWRITEV.invokeExact(c, fd, iov, iovcnt, offset), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static int fstatat(int dirfd, MemorySegment path, MemorySegment statBuf, int flags) {
        MemorySegment c = cs();
        try { return ret((int) FSTATAT.invokeExact(c, dirfd, path, statBuf, flags), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static int fstatfs(int fd, MemorySegment statfsBuf) {
        MemorySegment c = cs();
        try { return ret((int) FSTATFS.invokeExact(c, fd, statfsBuf), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static int mkdirat(int dirfd, MemorySegment path, int mode) {
        MemorySegment c = cs();
        try { return ret((int) MKDIRAT.invokeExact(c, dirfd, path, mode), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static int mknodat(int dirfd, MemorySegment path, int mode, long dev) {
        MemorySegment c = cs();
        try { return ret((int) MKNODAT.invokeExact(c, dirfd, path, mode, dev), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static int symlinkat(MemorySegment target, int dirfd, MemorySegment linkPath) {
        MemorySegment c = cs();
        try { return ret((int) SYMLINKAT.invokeExact(c, target, dirfd, linkPath), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static long readlinkat(int dirfd, MemorySegment path, MemorySegment buf, long size) {
        MemorySegment c = cs();
        try { return ret((long) READLINKAT.invokeExact(c, dirfd, path, buf, size), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static int unlinkat(int dirfd, MemorySegment path, int flags) {
        MemorySegment c = cs();
        try { return ret((int) UNLINKAT.invokeExact(c, dirfd, path, flags), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static int renameat2(int olddirfd, MemorySegment oldPath, int newdirfd, MemorySegment newPath, int flags) {
        MemorySegment c = cs();
        try { return ret((int) RENAMEAT2.invokeExact(c, olddirfd, oldPath, newdirfd, newPath, flags), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static int linkat(int olddirfd, MemorySegment oldPath, int newdirfd, MemorySegment newPath, int flags) {
        MemorySegment c = cs();
        try { return ret((int) LINKAT.invokeExact(c, olddirfd, oldPath, newdirfd, newPath, flags), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static int fchmodat(int dirfd, MemorySegment path, int mode, int flags) {
        MemorySegment c = cs();
        try { return ret((int) FCHMODAT.invokeExact(c, dirfd, path, mode, flags), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static int fchownat(int dirfd, MemorySegment path, int uid, int gid, int flags) {
        MemorySegment c = cs();
        try { return ret((int) FCHOWNAT.invokeExact(c, dirfd, path, uid, gid, flags), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static int utimensat(int dirfd, MemorySegment path, MemorySegment times, int flags) {
        MemorySegment c = cs();
        try { return ret((int) UTIMENSAT.invokeExact(c, dirfd, path, times, flags), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static int ftruncate(int fd, long length) {
        MemorySegment c = cs();
        try { return ret((int) FTRUNCATE.invokeExact(c, fd, length), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static int fallocate(int fd, int mode, long offset, long length) {
        MemorySegment c = cs();
        try { return ret((int) FALLOCATE.invokeExact(c, fd, mode, offset, length), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static long lseek(int fd, long offset, int whence) {
        MemorySegment c = cs();
        try { return ret((long) LSEEK.invokeExact(c, fd, offset, whence), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static int fsync(int fd) {
        MemorySegment c = cs();
        try { return ret((int) FSYNC.invokeExact(c, fd), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static int fdatasync(int fd) {
        MemorySegment c = cs();
        try { return ret((int) FDATASYNC.invokeExact(c, fd), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static long getdents64(int fd, MemorySegment buf, long count) {
        MemorySegment c = cs();
        try { return ret((long) GETDENTS64.invokeExact(c, fd, buf, count), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static long fgetxattr(int fd, MemorySegment name, MemorySegment value, long size) {
        MemorySegment c = cs();
        try { return ret((long) FGETXATTR.invokeExact(c, fd, name, value, size), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static int fsetxattr(int fd, MemorySegment name, MemorySegment value, long size, int flags) {
        MemorySegment c = cs();
        try { return ret((int) FSETXATTR.invokeExact(c, fd, name, value, size, flags), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static long flistxattr(int fd, MemorySegment list, long size) {
        MemorySegment c = cs();
        try { return ret((long) FLISTXATTR.invokeExact(c, fd, list, size), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static int fremovexattr(int fd, MemorySegment name) {
        MemorySegment c = cs();
        try { return ret((int) FREMOVEXATTR.invokeExact(c, fd, name), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static long copyFileRange(int fdIn, MemorySegment offIn, int fdOut, MemorySegment offOut, long len, int flags) {
        MemorySegment c = cs();
        try { return ret((long) COPY_FILE_RANGE.invokeExact(c, fdIn, offIn, fdOut, offOut, len, flags), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static int mount(MemorySegment source, MemorySegment target, MemorySegment fsType, long flags, MemorySegment data) {
        MemorySegment c = cs();
        try { return ret((int) MOUNT.invokeExact(c, source, target, fsType, flags, data), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static int umount2(MemorySegment target, int flags) {
        MemorySegment c = cs();
        try { return ret((int) UMOUNT2.invokeExact(c, target, flags), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static int socket(int domain, int type, int protocol) {
        MemorySegment c = cs();
        try { return ret((int) SOCKET.invokeExact(c, domain, type, protocol), c); } catch (Throwable t) { throw fatal(t); }
    }

    /** Fills {@code fds} (two ints) with a connected pair. */
    public static int socketpair(int domain, int type, int protocol, MemorySegment fds) {
        MemorySegment c = cs();
        try { return ret((int) SOCKETPAIR.invokeExact(c, domain, type, protocol, fds), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static int bind(int fd, MemorySegment addr, int len) {
        MemorySegment c = cs();
        try { return ret((int) BIND.invokeExact(c, fd, addr, len), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static int listen(int fd, int backlog) {
        MemorySegment c = cs();
        try { return ret((int) LISTEN.invokeExact(c, fd, backlog), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static int connect(int fd, MemorySegment addr, int len) {
        MemorySegment c = cs();
        try { return ret((int) CONNECT.invokeExact(c, fd, addr, len), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static int accept4(int fd, int flags) {
        MemorySegment c = cs();
        try { return ret((int) ACCEPT4.invokeExact(c, fd, MemorySegment.NULL, MemorySegment.NULL, flags), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static long recvmsg(int fd, MemorySegment msghdr, int flags) {
        MemorySegment c = cs();
        try { return ret((long) RECVMSG.invokeExact(c, fd, msghdr, flags), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static long sendmsg(int fd, MemorySegment msghdr, int flags) {
        MemorySegment c = cs();
        try { return ret((long) SENDMSG.invokeExact(c, fd, msghdr, flags), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static int shutdown(int fd, int how) {
        MemorySegment c = cs();
        try { return ret((int) SHUTDOWN.invokeExact(c, fd, how), c); } catch (Throwable t) { throw fatal(t); }
    }

    /** Maps {@code length} bytes; returns the mapping, or a negative errno as the address on failure. */
    public static long mmap(long length, int prot, int flags, int fd, long offset) {
        MemorySegment c = cs();
        try {
            MemorySegment m = (MemorySegment) MMAP.invokeExact(c, MemorySegment.NULL, length, prot, flags, fd, offset);
            return m.address() == -1L ? -errno(c) : m.address();
        } catch (Throwable t) { throw fatal(t); }
    }

    public static int munmap(long address, long length) {
        MemorySegment c = cs();
        try { return ret((int) MUNMAP.invokeExact(c, MemorySegment.ofAddress(address), length), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static int memfdCreate(MemorySegment name, int flags) {
        MemorySegment c = cs();
        try { return ret((int) MEMFD_CREATE.invokeExact(c, name, flags), c); } catch (Throwable t) { throw fatal(t); }
    }

    /** A raw system call with up to six arguments; returns its result or a negative errno. */
    public static long syscall(long number, long a, long b, long c2, long d, long e, long f) {
        MemorySegment c = cs();
        try { return ret((long) SYSCALL6.invokeExact(c, number, a, b, c2, d, e, f), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static int eventfd(int initval, int flags) {
        MemorySegment c = cs();
        try { return ret((int) EVENTFD.invokeExact(c, initval, flags), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static int poll(MemorySegment fds, long nfds, int timeoutMs) {
        MemorySegment c = cs();
        try { return ret((int) POLL.invokeExact(c, fds, nfds, timeoutMs), c); } catch (Throwable t) { throw fatal(t); }
    }



    public static int syncfs(int fd) {
        MemorySegment c = cs();
        try { return ret((int) SYNCFS.invokeExact(c, fd), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static int dup(int fd) {
        MemorySegment c = cs();
        try { return ret((int) DUP.invokeExact(c, fd), c); } catch (Throwable t) { throw fatal(t); }
    }



    public static int nameToHandleAt(int dirfd, MemorySegment path, MemorySegment handle, MemorySegment mountId, int flags) {
        MemorySegment c = cs();
        try { return ret((int) NAME_TO_HANDLE_AT.invokeExact(c, dirfd, path, handle, mountId, flags), c); } catch (Throwable t) { throw fatal(t); }
    }

    public static int openByHandleAt(int mountFd, MemorySegment handle, int flags) {
        MemorySegment c = cs();
        try { return ret((int) OPEN_BY_HANDLE_AT.invokeExact(c, mountFd, handle, flags), c); } catch (Throwable t) { throw fatal(t); }
    }










    /** The C library's message for an errno (positive or negative). */
    public static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(Math.abs(errno));
            return s.reinterpret(4096).getString(0);
        } catch (Throwable t) { throw fatal(t); }
    }
}
