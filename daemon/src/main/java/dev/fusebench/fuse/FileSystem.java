package dev.fusebench.fuse;

import dev.fusebench.sys.IoVecs;

import java.lang.foreign.MemorySegment;

/**
 * The file system behind the FUSE server. Methods return a non-negative result (bytes written into
 * {@code out} at {@code off}, or bytes moved) or a negative errno. Names are NUL-terminated segments
 * taken from the request, already checked to hold no '/'. {@code caller} carries uid, gid and pid.
 */
public interface FileSystem {
    long ROOT = 1;

    void init(Negotiation negotiation);

    /** The session ended (DESTROY, or INIT again): forget every node id and handle but the root. */
    void destroy();

    /** Writes a fuse_entry_out. */
    int lookup(Request caller, long parent, MemorySegment name, MemorySegment out, long off);

    void forget(long nodeid, long nlookup);

    /** Writes a fuse_attr_out; {@code fh} is -1 when none was given. */
    int getattr(Request caller, long nodeid, long fh, MemorySegment out, long off);

    /** {@code in}/{@code inOff} is the fuse_setattr_in; writes a fuse_attr_out. */
    int setattr(Request caller, long nodeid, MemorySegment in, long inOff, MemorySegment out, long off);

    /** Writes the link target (no NUL) into out; returns its length. */
    int readlink(Request caller, long nodeid, MemorySegment out, long off, int capacity);

    int symlink(Request caller, long parent, MemorySegment name, MemorySegment target, MemorySegment out, long off);

    int mknod(Request caller, long parent, MemorySegment name, int mode, int rdev, int umask, MemorySegment out, long off);

    int mkdir(Request caller, long parent, MemorySegment name, int mode, int umask, MemorySegment out, long off);

    int unlink(Request caller, long parent, MemorySegment name);

    int rmdir(Request caller, long parent, MemorySegment name);

    int rename(Request caller, long parent, MemorySegment name, long newParent, MemorySegment newName, int flags);

    int link(Request caller, long nodeid, long newParent, MemorySegment newName, MemorySegment out, long off);

    /** Writes a fuse_open_out; @param openFlags fuse_open_in.open_flags (OPEN_KILL_SUIDGID) */
    int open(Request caller, long nodeid, int flags, int openFlags, MemorySegment out, long off);

    /** Reads into the buffers of {@code dst}; returns bytes read. */
    long read(Request caller, long nodeid, long fh, long offset, IoVecs dst);

    /** Writes from the buffers of {@code src}; returns bytes written. */
    long write(Request caller, long nodeid, long fh, long offset, IoVecs src, int writeFlags);

    /** Writes a fuse_kstatfs. */
    int statfs(Request caller, long nodeid, MemorySegment out, long off);

    int release(Request caller, long nodeid, long fh, int flags);

    int flush(Request caller, long nodeid, long fh);

    int fsync(Request caller, long nodeid, long fh, boolean dataOnly);

    /** SYNCFS: everything the share holds to stable storage. */
    default int syncfs(Request caller, long nodeid) { return -dev.fusebench.sys.Errno.ENOSYS; }

    int setxattr(Request caller, long nodeid, MemorySegment name, MemorySegment value, int flags);

    /** With capacity 0 returns the size needed; otherwise copies the value into out. */
    long getxattr(Request caller, long nodeid, MemorySegment name, MemorySegment out, long off, int capacity);

    long listxattr(Request caller, long nodeid, MemorySegment out, long off, int capacity);

    int removexattr(Request caller, long nodeid, MemorySegment name);

    int opendir(Request caller, long nodeid, int flags, MemorySegment out, long off);

    /** Writes fuse_dirent (or fuse_direntplus when {@code plus}) records; returns bytes written. */
    int readdir(Request caller, long nodeid, long fh, long offset, boolean plus, MemorySegment out, long off, int capacity);

    int releasedir(Request caller, long nodeid, long fh);

    int fsyncdir(Request caller, long nodeid, long fh, boolean dataOnly);

    int access(Request caller, long nodeid, int mask);

    /** Writes a fuse_entry_out followed by a fuse_open_out; @param openFlags fuse_create_in.open_flags (OPEN_KILL_SUIDGID: an existing file opened with O_TRUNC) */
    int create(Request caller, long parent, MemorySegment name, int flags, int mode, int umask, int openFlags, MemorySegment out, long off);

    int fallocate(Request caller, long nodeid, long fh, int mode, long offset, long length);

    long lseek(Request caller, long nodeid, long fh, long offset, int whence);

    long copyFileRange(Request caller, long nodeIn, long fhIn, long offIn, long nodeOut, long fhOut, long offOut, long len, int flags);
}
