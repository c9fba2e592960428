package dev.fusebench.passthrough;

import dev.fusebench.sys.Errno;
import dev.fusebench.sys.Libc;

import java.lang.foreign.MemorySegment;

import static dev.fusebench.fuse.FileSystem.ROOT;
import static dev.fusebench.sys.Flags.*;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * What is done to open files besides reading and writing them: fsync, syncfs, fallocate, lseek and
 * copy_file_range, each on the handle's host descriptor, counted in use for the call's length.
 */
final class HandleOperations {
    private final SharedDir dir;

    HandleOperations(SharedDir dir) { this.dir = dir; }

    int sync(long fh, int kind, boolean dataOnly) {
        Handle h = dir.handles.acquire(fh, kind);
        if (h == null) return -Errno.EBADF;
        try {
            return dataOnly ? Libc.fdatasync(h.fd) : Libc.fsync(h.fd);
        } finally {
            h.release();
        }
    }

    /** syncfs(2) on the host file system of the share. */
    int syncfs() {
        Inode root = dir.inodes.acquire(ROOT);
        if (root == null) return -Errno.ESTALE;
        try {
            int fd = dir.reopen(root, O_RDONLY | O_DIRECTORY); // syncfs(2) takes no O_PATH descriptor
            if (fd < 0) return fd;
            int r = Libc.syncfs(fd);
            Libc.close(fd);
            return r;
        } finally {
            root.release();
        }
    }

    int fallocate(long fh, int mode, long offset, long length) {
        Handle h = dir.handles.acquire(fh, HandleTable.FILE);
        if (h == null) return -Errno.EBADF;
        try {
            return Libc.fallocate(h.fd, mode, offset, length);
        } finally {
            h.release();
        }
    }

    long lseek(long fh, long offset, int whence) {
        Handle h = dir.handles.acquire(fh, HandleTable.FILE);
        if (h == null) h = dir.handles.acquire(fh, HandleTable.DIR);
        if (h == null) return -Errno.EBADF;
        try {
            if (whence < SEEK_SET || whence > SEEK_HOLE) return -Errno.EINVAL;
            return Libc.lseek(h.fd, offset, whence);
        } finally {
            h.release();
        }
    }

    long copyFileRange(long fhIn, long offIn, long fhOut, long offOut, long len, int flags) {
        Handle in = dir.handles.acquire(fhIn, HandleTable.FILE);
        if (in == null) return -Errno.EBADF;
        try {
            Handle out = dir.handles.acquire(fhOut, HandleTable.FILE);
            if (out == null) return -Errno.EBADF;
            try {
                MemorySegment offs = SharedDir.scratch().offsets;
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
}
