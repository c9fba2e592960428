package dev.fusebench.passthrough;

import dev.fusebench.fuse.DirSink;
import dev.fusebench.fuse.Opened;
import dev.fusebench.sys.Errno;
import dev.fusebench.sys.Libc;
import dev.fusebench.wire.LibcStructs.Dirent64;

import java.lang.foreign.MemorySegment;

import static dev.fusebench.sys.Flags.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/** OPENDIR and READDIR(PLUS): getdents64 on the host, entries handed to the server's sink. */
final class Directories {
    private final SharedDir dir;

    Directories(SharedDir dir) { this.dir = dir; }

    int opendir(long nodeid, Opened out) {
        if (!GuestDescriptors.room()) return -Errno.ENFILE;
        Inode inode = dir.dir(nodeid);
        if (inode == null) return dir.notADir(nodeid);
        int fd;
        try {
            fd = dir.reopen(inode, O_RDONLY | O_DIRECTORY);
        } finally {
            inode.release();
        }
        if (fd < 0) return fd;
        out.fh = dir.handles.addDir(fd, nodeid);
        out.openFlags = dir.cache.dirOpenFlags();
        return 0;
    }

    int readdir(long nodeid, long fh, long offset, boolean plus, DirSink sink) {
        Handle h = dir.handles.acquire(fh, HandleTable.DIR);
        if (h == null) return -Errno.EBADF;
        Inode dirInode = null;
        try {
            if (h.nodeid != nodeid) return -Errno.EBADF; // another directory's handle
            if (plus) {
                dirInode = dir.inodes.acquire(nodeid);
                if (dirInode == null) return -Errno.ESTALE;
            }
            // the seek and the reads share the descriptor's offset: one READDIR at a time per handle
            synchronized (h) {
                return read(h.fd, dirInode, offset, plus, sink);
            }
        } finally {
            if (dirInode != null) dirInode.release();
            h.release();
        }
    }

    private int read(int fd, Inode dirInode, long offset, boolean plus, DirSink sink) {
        long pos = Libc.lseek(fd, offset, SEEK_SET);
        if (pos < 0) return (int) pos;
        MemorySegment buf = SharedDir.scratch().dirents;
        while (true) {
            long n = Libc.getdents64(fd, buf, buf.byteSize());
            if (n <= 0) return (int) n;
            for (long p = 0; p < n; ) {
                int reclen = Dirent64.reclen(buf, p);
                long nameStart = p + Dirent64.NAME;
                long nameEnd = nameStart;
                while (nameEnd < p + reclen && buf.get(JAVA_BYTE, nameEnd) != 0) nameEnd++;
                int nameLen = (int) (nameEnd - nameStart);
                if (!sink.fits(nameLen)) return 0;
                boolean withEntry = false;
                if (plus) {
                    MemorySegment name = buf.asSlice(nameStart, nameLen + 1);
                    if (!SharedDir.isDot(name) && !SharedDir.isDotDot(name)) {
                        // vanished meanwhile: leave it out
                        if (dir.entry(dirInode, name, sink.entry()) < 0) { p += reclen; continue; }
                        withEntry = true;
                    }
                }
                sink.add(Dirent64.ino(buf, p), Dirent64.off(buf, p), Dirent64.type(buf, p), buf, nameStart, nameLen, withEntry);
                p += reclen;
            }
        }
    }
}
