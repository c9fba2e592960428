package dev.fusebench.fuse;

import dev.fusebench.sys.Errno;
import dev.fusebench.sys.IoVecs;

import java.lang.foreign.MemorySegment;

/**
 * The file system behind the FUSE server, in plain values: no FUSE encoding here. Methods return 0
 * or a non-negative count (bytes moved, bytes written into {@code dst}) or a negative errno, and
 * fill the result holder they are given. Names are NUL-terminated segments taken from the request,
 * already checked to hold no '/'. {@code caller} says who asked (ids, and a
 * creation's supplementary group); it is reused for the next request, so read it during the call only.
 *
 * <p>Every operation defaults to ENOSYS (and the session-wide ones to nothing), as the kernel
 * expects of an operation a file system does not have: a new opcode's method breaks no
 * implementation, and the guest's kernel stops asking after the first ENOSYS where it can.
 */
public interface FileSystem {
    long ROOT = 1;

    /**
     * @param backing the kernel's backing files when FUSE_PASSTHROUGH was negotiated (/dev/fuse),
     *                else null
     */
    default void init(Negotiation negotiation, BackingFiles backing) { }

    /** The session ended (DESTROY, or INIT again): forget every node id and handle but the root. */
    default void destroy() { }

    default int lookup(Caller caller, long parent, MemorySegment name, Entry out) { return -Errno.ENOSYS; }

    default void forget(long nodeid, long nlookup) { }

    /** {@code fh} is -1 when none was given. */
    default int getattr(Caller caller, long nodeid, long fh, Attr out) { return -Errno.ENOSYS; }

    default int setattr(Caller caller, long nodeid, SetAttr in, Attr out) { return -Errno.ENOSYS; }

    /** Writes the link target (no NUL) into {@code dst}; returns its length. */
    default int readlink(Caller caller, long nodeid, MemorySegment dst) { return -Errno.ENOSYS; }

    default int symlink(Caller caller, long parent, MemorySegment name, MemorySegment target, Entry out) {
        return -Errno.ENOSYS;
    }

    default int mknod(Caller caller, long parent, MemorySegment name, int mode, int rdev, int umask, Entry out) {
        return -Errno.ENOSYS;
    }

    default int mkdir(Caller caller, long parent, MemorySegment name, int mode, int umask, Entry out) {
        return -Errno.ENOSYS;
    }

    default int unlink(Caller caller, long parent, MemorySegment name) { return -Errno.ENOSYS; }

    default int rmdir(Caller caller, long parent, MemorySegment name) { return -Errno.ENOSYS; }

    default int rename(Caller caller, long parent, MemorySegment name, long newParent, MemorySegment newName, int flags) {
        return -Errno.ENOSYS;
    }

    default int link(Caller caller, long nodeid, long newParent, MemorySegment newName, Entry out) { return -Errno.ENOSYS; }

    /** @param openFlags fuse_open_in.open_flags (FUSE_OPEN_KILL_SUIDGID) */
    default int open(Caller caller, long nodeid, int flags, int openFlags, Opened out) { return -Errno.ENOSYS; }

    /** Reads into the buffers of {@code dst}; returns bytes read. */
    default long read(Caller caller, long nodeid, long fh, long offset, IoVecs dst) { return -Errno.ENOSYS; }

    /** Writes from the buffers of {@code src}; returns bytes written. */
    default long write(Caller caller, long nodeid, long fh, long offset, IoVecs src, int writeFlags) {
        return -Errno.ENOSYS;
    }

    default int statfs(Caller caller, long nodeid, FsStat out) { return -Errno.ENOSYS; }

    default int release(Caller caller, long nodeid, long fh, int flags) { return -Errno.ENOSYS; }

    default int flush(Caller caller, long nodeid, long fh) { return -Errno.ENOSYS; }

    default int fsync(Caller caller, long nodeid, long fh, boolean dataOnly) { return -Errno.ENOSYS; }

    /** SYNCFS: everything the share holds to stable storage. */
    default int syncfs(Caller caller, long nodeid) { return -Errno.ENOSYS; }

    default int setxattr(Caller caller, long nodeid, MemorySegment name, MemorySegment value, int flags) {
        return -Errno.ENOSYS;
    }

    /** With an empty {@code dst} returns the size needed; otherwise copies the value into it. */
    default long getxattr(Caller caller, long nodeid, MemorySegment name, MemorySegment dst) { return -Errno.ENOSYS; }

    /** With an empty {@code dst} returns the size needed; otherwise copies the NUL-separated names into it. */
    default long listxattr(Caller caller, long nodeid, MemorySegment dst) { return -Errno.ENOSYS; }

    default int removexattr(Caller caller, long nodeid, MemorySegment name) { return -Errno.ENOSYS; }

    default int opendir(Caller caller, long nodeid, int flags, Opened out) { return -Errno.ENOSYS; }

    /** Adds entries from {@code offset} on until the sink is full or the directory ends. */
    default int readdir(Caller caller, long nodeid, long fh, long offset, boolean plus, DirSink sink) {
        return -Errno.ENOSYS;
    }

    default int releasedir(Caller caller, long nodeid, long fh) { return -Errno.ENOSYS; }

    default int fsyncdir(Caller caller, long nodeid, long fh, boolean dataOnly) { return -Errno.ENOSYS; }

    default int access(Caller caller, long nodeid, int mask) { return -Errno.ENOSYS; }

    /** @param openFlags fuse_create_in.open_flags (FUSE_OPEN_KILL_SUIDGID: an existing file opened with O_TRUNC) */
    default int create(Caller caller, long parent, MemorySegment name, int flags, int mode, int umask, int openFlags, Entry entry, Opened opened) {
        return -Errno.ENOSYS;
    }

    default int fallocate(Caller caller, long nodeid, long fh, int mode, long offset, long length) { return -Errno.ENOSYS; }

    default long lseek(Caller caller, long nodeid, long fh, long offset, int whence) { return -Errno.ENOSYS; }

    default long copyFileRange(Caller caller, long nodeIn, long fhIn, long offIn, long nodeOut, long fhOut, long offOut, long len, int flags) {
        return -Errno.ENOSYS;
    }
}
