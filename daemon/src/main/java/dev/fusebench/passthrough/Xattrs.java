package dev.fusebench.passthrough;

import dev.fusebench.sys.Errno;
import dev.fusebench.sys.Libc;

import java.lang.foreign.MemorySegment;

import static dev.fusebench.sys.Flags.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/** Extended attributes, as the {@link XattrPolicy} allows: off (ENOSYS), restricted, or everything. */
final class Xattrs {
    private final SharedDir dir;
    private final XattrPolicy policy;

    Xattrs(SharedDir dir, XattrPolicy policy) {
        this.dir = dir;
        this.policy = policy;
    }

    private interface XattrCall { long call(int fd); }

    /** Runs an xattr call on a fresh descriptor of the file; ENOSYS when xattrs are off. */
    private long onFd(long nodeid, long notSupported, XattrCall call) {
        if (policy == XattrPolicy.OFF) return -Errno.ENOSYS;
        Inode inode = dir.inodes.acquire(nodeid);
        if (inode == null) return -Errno.ESTALE;
        int fd;
        try {
            if (!isReg(inode.type) && !isDir(inode.type)) return notSupported;
            fd = dir.reopen(inode, O_RDONLY | O_NONBLOCK);
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

    /** A size-only query passes NULL, as getxattr(2) wants. */
    private static MemorySegment orNull(MemorySegment dst) { return dst.byteSize() == 0 ? MemorySegment.NULL : dst; }

    int set(long nodeid, MemorySegment name, MemorySegment value, int flags) {
        if (policy.withholds(name)) return -Errno.EPERM;
        return (int) onFd(nodeid, -Errno.EOPNOTSUPP, fd -> Libc.fsetxattr(fd, name, value, value.byteSize(), flags));
    }

    long get(long nodeid, MemorySegment name, MemorySegment dst) {
        if (policy.withholds(name)) return -Errno.ENODATA;
        return onFd(nodeid, -Errno.ENODATA, fd -> Libc.fgetxattr(fd, name, orNull(dst), dst.byteSize()));
    }

    long list(long nodeid, MemorySegment dst) {
        if (policy != XattrPolicy.RESTRICTED) {
            return onFd(nodeid, 0, fd -> Libc.flistxattr(fd, orNull(dst), dst.byteSize()));
        }
        // the full list into scratch, then only the names the guest may see
        MemorySegment names = SharedDir.scratch().xattrNames();
        long n = onFd(nodeid, 0, fd -> Libc.flistxattr(fd, names, names.byteSize()));
        if (n <= 0) return n;
        long capacity = dst.byteSize();
        long kept = 0;
        for (long p = 0; p < n; ) {
            long e = p;
            while (e < n && names.get(JAVA_BYTE, e) != 0) e++;
            long len = e - p + 1;
            if (!XattrPolicy.privileged(names, p, e)) {
                if (capacity > 0) {
                    if (kept + len > capacity) return -Errno.ERANGE;
                    MemorySegment.copy(names, p, dst, kept, len);
                }
                kept += len;
            }
            p = e + 1;
        }
        return kept;
    }

    int remove(long nodeid, MemorySegment name) {
        if (policy.withholds(name)) return -Errno.EPERM;
        return (int) onFd(nodeid, -Errno.EOPNOTSUPP, fd -> Libc.fremovexattr(fd, name));
    }
}
