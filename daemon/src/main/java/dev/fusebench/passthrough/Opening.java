package dev.fusebench.passthrough;

import dev.fusebench.fuse.BackingFiles;
import dev.fusebench.fuse.Opened;
import dev.fusebench.fuse.Caller;
import dev.fusebench.sys.Errno;
import dev.fusebench.sys.Libc;
import dev.fusebench.wire.FuseIn.OpenIn;
import dev.fusebench.wire.FuseOut;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static dev.fusebench.sys.Flags.*;

/** OPEN of existing files: the host flags for the guest's, the handle, the setuid rule for O_TRUNC. */
final class Opening {
    private final SharedDir dir;
    private volatile boolean writebackCache;
    /** Set when FUSE_PASSTHROUGH was negotiated: every regular file open is passed through. */
    private volatile BackingFiles backing;
    final AtomicLong passthroughOpens = new AtomicLong();
    /** Opens that could not be passed through, by errno name (they are served by the daemon as usual). */
    final Map<String, Long> passthroughRefused = new ConcurrentHashMap<>();

    Opening(SharedDir dir) { this.dir = dir; }

    void writebackCache(boolean on) { writebackCache = on; }

    void backingFiles(BackingFiles b) { backing = b; }

    BackingFiles backingFiles() { return backing; }

    /**
     * Host open flags for the guest's: no O_DIRECT (our buffers are not aligned), no O_NOFOLLOW (the
     * re-open goes through a /proc magic link; the inode is known not to be a symlink), and writeback
     * caching needs read access.
     */
    int hostFlags(int flags) {
        int f = flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_DIRECT | O_CLOEXEC | O_NOFOLLOW);
        if (writebackCache) {
            if ((f & O_ACCMODE) == O_WRONLY) f = (f & ~O_ACCMODE) | O_RDWR;
            f &= ~O_APPEND;
        }
        return f;
    }

    /**
     * Gives {@code fd} a handle and answers it with the cache policy's open flags; with passthrough,
     * registers it as the open's backing file, so the kernel reads and writes it without us.
     */
    void opened(int fd, Opened out) {
        out.openFlags = dir.cache.openFlags();
        out.backingId = 0;
        BackingFiles b = backing;
        if (b != null) {
            int id = b.open(fd);
            if (id > 0) {
                out.backingId = id;
                out.openFlags |= FuseOut.OpenOut.FOPEN_PASSTHROUGH;
                passthroughOpens.incrementAndGet();
            } else {
                passthroughRefused.merge(Errno.name(-id), 1L, Long::sum);
            }
        }
        out.fh = dir.handles.addFile(fd, out.backingId);
    }

    int open(Caller caller, long nodeid, int flags, int openFlags, Opened out) {
        if (!GuestDescriptors.room()) return -Errno.ENFILE;
        Inode inode = dir.inodes.acquire(nodeid);
        if (inode == null) return -Errno.ESTALE;
        int fd;
        try {
            if (isDir(inode.type)) return -Errno.EISDIR;
            if (!isReg(inode.type)) return -Errno.EPERM;
            fd = dir.reopenFd(inode.fd, hostFlags(flags), killsOnTruncatingOpen(caller, flags, openFlags));
        } finally {
            inode.release();
        }
        if (fd < 0) return fd;
        opened(fd, out);
        return 0;
    }

    /**
     * Whether an open with O_TRUNC is by a caller without CAP_FSETID. With HANDLE_KILLPRIV_V2 the kernel says
     * so (FUSE_OPEN_KILL_SUIDGID); without it, and with ATOMIC_O_TRUNC, it sends nothing else (its own
     * mode fix-up is skipped for a truncation the OPEN already did: fs/fuse/dir.c fuse_setattr), so
     * the caller's uid decides, as a local file system decides for any caller but root. The open
     * then runs without CAP_FSETID ({@link SharedDir#reopenFd(int, int, boolean)}).
     */
    static boolean killsOnTruncatingOpen(Caller caller, int flags, int openFlags) {
        if ((flags & O_TRUNC) == 0) return false;
        return (openFlags & OpenIn.FUSE_OPEN_KILL_SUIDGID) != 0 || (caller != null && caller.uid() != 0);
    }
}
