package dev.fusebench.fuse;

import dev.fusebench.sys.IoVecs;

import java.lang.foreign.MemorySegment;

/**
 * The file system behind the FUSE server, in plain values: no FUSE encoding here. Methods return 0
 * or a non-negative count (bytes moved, bytes written into {@code dst}) or a negative errno, and
 * fill the result holder they are given. Names are NUL-terminated segments taken from the request,
 * already checked to hold no '/'. {@code caller} carries uid, gid and pid.
 */
public interface FileSystem {
    long ROOT = 1;

    /**
     * @param backing the kernel's backing files when FUSE_PASSTHROUGH was negotiated (/dev/fuse),
     *                else null
     */
    void init(Negotiation negotiation, BackingFiles backing);

    /** The session ended (DESTROY, or INIT again): forget every node id and handle but the root. */
    void destroy();

    int lookup(Request caller, long parent, MemorySegment name, Entry out);

    void forget(long nodeid, long nlookup);

    /** {@code fh} is -1 when none was given. */
    int getattr(Request caller, long nodeid, long fh, Attr out);

    int setattr(Request caller, long nodeid, SetAttr in, Attr out);

    /** Writes the link target (no NUL) into {@code dst}; returns its length. */
    int readlink(Request caller, long nodeid, MemorySegment dst);

    int symlink(Request caller, long parent, MemorySegment name, MemorySegment target, Entry out);

    int mknod(Request caller, long parent, MemorySegment name, int mode, int rdev, int umask, Entry out);

    int mkdir(Request caller, long parent, MemorySegment name, int mode, int umask, Entry out);

    int unlink(Request caller, long parent, MemorySegment name);

    int rmdir(Request caller, long parent, MemorySegment name);

    int rename(Request caller, long parent, MemorySegment name, long newParent, MemorySegment newName, int flags);

    int link(Request caller, long nodeid, long newParent, MemorySegment newName, Entry out);

    /** @param openFlags fuse_open_in.open_flags (FUSE_OPEN_KILL_SUIDGID) */
    int open(Request caller, long nodeid, int flags, int openFlags, Opened out);

    /** Reads into the buffers of {@code dst}; returns bytes read. */
    long read(Request caller, long nodeid, long fh, long offset, IoVecs dst);

    /** Writes from the buffers of {@code src}; returns bytes written. */
    long write(Request caller, long nodeid, long fh, long offset, IoVecs src, int writeFlags);

    int statfs(Request caller, long nodeid, FsStat out);

    int release(Request caller, long nodeid, long fh, int flags);

    int flush(Request caller, long nodeid, long fh);

    int fsync(Request caller, long nodeid, long fh, boolean dataOnly);

    /** SYNCFS: everything the share holds to stable storage. */
    default int syncfs(Request caller, long nodeid) { return -dev.fusebench.sys.Errno.ENOSYS; }

    int setxattr(Request caller, long nodeid, MemorySegment name, MemorySegment value, int flags);

    /** With an empty {@code dst} returns the size needed; otherwise copies the value into it. */
    long getxattr(Request caller, long nodeid, MemorySegment name, MemorySegment dst);

    /** With an empty {@code dst} returns the size needed; otherwise copies the NUL-separated names into it. */
    long listxattr(Request caller, long nodeid, MemorySegment dst);

    int removexattr(Request caller, long nodeid, MemorySegment name);

    int opendir(Request caller, long nodeid, int flags, Opened out);

    /** Adds entries from {@code offset} on until the sink is full or the directory ends. */
    int readdir(Request caller, long nodeid, long fh, long offset, boolean plus, DirSink sink);

    int releasedir(Request caller, long nodeid, long fh);

    int fsyncdir(Request caller, long nodeid, long fh, boolean dataOnly);

    int access(Request caller, long nodeid, int mask);

    /** @param openFlags fuse_create_in.open_flags (FUSE_OPEN_KILL_SUIDGID: an existing file opened with O_TRUNC) */
    int create(Request caller, long parent, MemorySegment name, int flags, int mode, int umask, int openFlags, Entry entry, Opened opened);

    int fallocate(Request caller, long nodeid, long fh, int mode, long offset, long length);

    long lseek(Request caller, long nodeid, long fh, long offset, int whence);

    long copyFileRange(Request caller, long nodeIn, long fhIn, long offIn, long nodeOut, long fhOut, long offOut, long len, int flags);
}
