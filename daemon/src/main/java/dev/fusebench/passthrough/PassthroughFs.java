package dev.fusebench.passthrough;

import dev.fusebench.fuse.Attr;
import dev.fusebench.fuse.BackingFiles;
import dev.fusebench.fuse.DirSink;
import dev.fusebench.fuse.Entry;
import dev.fusebench.fuse.FileSystem;
import dev.fusebench.fuse.FsStat;
import dev.fusebench.fuse.InitFlag;
import dev.fusebench.fuse.Negotiation;
import dev.fusebench.fuse.Opened;
import dev.fusebench.fuse.Caller;
import dev.fusebench.fuse.SetAttr;
import dev.fusebench.stats.DaemonFacts;
import dev.fusebench.sys.Errno;
import dev.fusebench.sys.IoVecs;
import dev.fusebench.sys.Libc;
import dev.fusebench.wire.FuseIn.WriteIn;
import dev.fusebench.wire.LibcStructs.Statfs;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.TreeMap;

import static dev.fusebench.passthrough.SharedDir.EMPTY;
import static dev.fusebench.sys.Flags.*;

/**
 * A read-write passthrough of one host directory. Every inode is an O_PATH descriptor and every name
 * is resolved with *at() calls relative to its parent with O_NOFOLLOW, so no request reaches a
 * file outside the shared directory: ".." at the root is the root, symlinks are returned, never
 * followed. Opening an inode for I/O goes through /proc/self/fd, which re-opens that very file.
 * File I/O is here; attributes, creations, directories and xattrs have a class each.
 */
public final class PassthroughFs implements FileSystem {
    private final SharedDir dir;
    private final Opening opening;
    private final AttributeChanges attributes;
    private final Creations creations;
    private final Directories directories;
    private final Xattrs xattrs;
    private final HandleOperations handleOps;

    public PassthroughFs(Path sharedDir, CachePolicy cache) throws IOException {
        this(sharedDir, cache, XattrPolicy.OFF);
    }

    public PassthroughFs(Path sharedDir, CachePolicy cache, XattrPolicy xattrs) throws IOException {
        this.dir = new SharedDir(sharedDir, cache);
        this.opening = new Opening(dir);
        this.attributes = new AttributeChanges(dir);
        this.creations = new Creations(dir, opening);
        this.directories = new Directories(dir);
        this.xattrs = new Xattrs(dir, xattrs);
        this.handleOps = new HandleOperations(dir);
    }

    public int liveInodes() { return dir.inodes.size(); }

    public int openHandles() { return dir.handles.size(); }

    @Override
    public void init(Negotiation n, BackingFiles backing) {
        opening.writebackCache((n.reply().flags() & InitFlag.WRITEBACK_CACHE.mask) != 0);
        opening.backingFiles(backing);
        creations.dontMask((n.reply().flags() & InitFlag.DONT_MASK.mask) != 0);
    }

    /** The session ended (DESTROY, or a new INIT): every handle and every inode but the root goes. */
    @Override
    public void destroy() {
        dir.handles.removeAll();
        dir.inodes.forgetAllButRoot();
    }

    /** Closes every descriptor (each as its last user finishes); the file system is unusable after. */
    public void close() { dir.close(); }

    // ---- names and attributes --------------------------------------------------------------

    @Override
    public int lookup(Caller caller, long parent, MemorySegment name, Entry out) {
        Inode p = dir.dir(parent);
        if (p == null) return dir.notADir(parent);
        try {
            return dir.entry(p, name, out);
        } finally {
            p.release();
        }
    }

    @Override
    public void forget(long nodeid, long nlookup) { dir.inodes.forget(nodeid, nlookup); }

    @Override
    public int getattr(Caller caller, long nodeid, long fh, Attr out) {
        Inode inode = dir.inodes.acquire(nodeid);
        if (inode == null) return -Errno.ESTALE;
        Handle h = fh >= 0 ? dir.handles.acquire(fh, HandleTable.FILE) : null;
        try {
            out.timeoutSeconds = dir.cache.timeoutSeconds();
            return SharedDir.statFd(h != null ? h.fd : inode.fd, out.stat);
        } finally {
            if (h != null) h.release();
            inode.release();
        }
    }

    @Override
    public int setattr(Caller caller, long nodeid, SetAttr in, Attr out) { return attributes.setattr(nodeid, in, out); }

    @Override
    public int readlink(Caller caller, long nodeid, MemorySegment dst) {
        Inode inode = dir.inodes.acquire(nodeid);
        if (inode == null) return -Errno.ESTALE;
        try {
            if (!isLnk(inode.type)) return -Errno.EINVAL;
            return (int) Libc.readlinkat(inode.fd, EMPTY, dst, dst.byteSize());
        } finally {
            inode.release();
        }
    }

    @Override
    public int access(Caller caller, long nodeid, int mask) {
        Inode inode = dir.inodes.acquire(nodeid);
        if (inode == null) return -Errno.ESTALE;
        var st = SharedDir.scratch().stat;
        int r;
        try {
            r = SharedDir.statFd(inode.fd, st);
        } finally {
            inode.release();
        }
        if (r < 0) return r;
        if (mask == F_OK) return 0;
        int mode = st.mode();
        if (caller.uid() == 0) {
            // root may do anything but execute a file that no one may execute
            return (mask & X_OK) != 0 && !isDir(mode) && (mode & 0111) == 0 ? -Errno.EACCES : 0;
        }
        int bits = caller.uid() == st.uid() ? (mode >> 6) & 7 : caller.gid() == st.gid() ? (mode >> 3) & 7 : mode & 7;
        return (bits & mask) == mask ? 0 : -Errno.EACCES;
    }

    @Override
    public int statfs(Caller caller, long nodeid, FsStat out) {
        Inode inode = dir.inodes.acquire(nodeid);
        if (inode == null) inode = dir.inodes.acquire(ROOT);
        if (inode == null) return -Errno.ESTALE;
        MemorySegment b = SharedDir.scratch().statfs;
        int r;
        try {
            r = Libc.fstatfs(inode.fd, b);
        } finally {
            inode.release();
        }
        if (r < 0) return r;
        out.blocks = Statfs.blocks(b);
        out.bfree = Statfs.bfree(b);
        out.bavail = Statfs.bavail(b);
        out.files = Statfs.files(b);
        out.ffree = Statfs.ffree(b);
        out.bsize = Statfs.bsize(b);
        out.namelen = Statfs.namelen(b);
        out.frsize = Statfs.frsize(b);
        return 0;
    }

    // ---- creating and removing names --------------------------------------------------------

    @Override
    public int symlink(Caller caller, long parent, MemorySegment name, MemorySegment target, Entry out) {
        return creations.symlink(caller, parent, name, target, out);
    }

    @Override
    public int mknod(Caller caller, long parent, MemorySegment name, int mode, int rdev, int umask, Entry out) {
        return creations.mknod(caller, parent, name, mode, rdev, umask, out);
    }

    @Override
    public int mkdir(Caller caller, long parent, MemorySegment name, int mode, int umask, Entry out) {
        return creations.mkdir(caller, parent, name, mode, umask, out);
    }

    @Override
    public int create(Caller caller, long parent, MemorySegment name, int flags, int mode, int umask, int openFlags, Entry entry, Opened opened) {
        return creations.create(caller, parent, name, flags, mode, umask, openFlags, entry, opened);
    }

    @Override
    public int link(Caller caller, long nodeid, long newParent, MemorySegment newName, Entry out) {
        return creations.link(nodeid, newParent, newName, out);
    }

    @Override
    public int unlink(Caller caller, long parent, MemorySegment name) { return unlinkAt(parent, name, 0); }

    @Override
    public int rmdir(Caller caller, long parent, MemorySegment name) { return unlinkAt(parent, name, AT_REMOVEDIR); }

    private int unlinkAt(long parent, MemorySegment name, int flags) {
        Inode p = dir.dir(parent);
        if (p == null) return dir.notADir(parent);
        try {
            return Libc.unlinkat(p.fd, name, flags);
        } finally {
            p.release();
        }
    }

    @Override
    public int rename(Caller caller, long parent, MemorySegment name, long newParent, MemorySegment newName, int flags) {
        if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) != 0) return -Errno.EINVAL;
        Inode p = dir.dir(parent);
        if (p == null) return dir.notADir(parent);
        try {
            Inode np = dir.dir(newParent);
            if (np == null) return dir.notADir(newParent);
            try {
                return Libc.renameat2(p.fd, name, np.fd, newName, flags);
            } finally {
                np.release();
            }
        } finally {
            p.release();
        }
    }

    // ---- files -----------------------------------------------------------------------------

    @Override
    public int open(Caller caller, long nodeid, int flags, int openFlags, Opened out) {
        return opening.open(caller, nodeid, flags, openFlags, out);
    }

    @Override
    public long read(Caller caller, long nodeid, long fh, long offset, IoVecs dst) {
        Handle h = dir.handles.acquire(fh, HandleTable.FILE);
        if (h == null) return -Errno.EBADF;
        try {
            return dst.count() == 0 ? 0 : Libc.preadv(h.fd, dst.array(), dst.count(), offset);
        } finally {
            h.release();
        }
    }

    @Override
    public long write(Caller caller, long nodeid, long fh, long offset, IoVecs src, int writeFlags) {
        Handle h = dir.handles.acquire(fh, HandleTable.FILE);
        if (h == null) return -Errno.EBADF;
        try {
            if (src.count() == 0) return 0;
            if ((writeFlags & WriteIn.FUSE_WRITE_KILL_SUIDGID) == 0) return Libc.pwritev(h.fd, src.array(), src.count(), offset);
            // the writer lacked CAP_FSETID: so does the daemon for this write, and the host kernel clears
            // setuid/setgid itself, under its inode lock, as on a local file system; writes without the flag pay nothing
            int dropped = ThreadCredentials.dropFsetid();
            if (dropped < 0) return dropped;
            try {
                return Libc.pwritev(h.fd, src.array(), src.count(), offset);
            } finally {
                if (dropped > 0) ThreadCredentials.raiseFsetid();
            }
        } finally {
            h.release();
        }
    }

    @Override
    public int release(Caller caller, long nodeid, long fh, int flags) {
        int backingId = dir.handles.remove(fh, HandleTable.FILE);
        if (backingId < 0) return -Errno.EBADF;
        var b = opening.backingFiles();
        if (backingId > 0 && b != null) b.close(backingId); // the kernel's file keeps its own reference
        return 0;
    }

    /** The guest's descriptor budget ({@link GuestDescriptors}): its limit and how many it holds now. */
    public DaemonFacts.Descriptors descriptors() { return new DaemonFacts.Descriptors(GuestDescriptors.limit(), GuestDescriptors.held()); }

    /** Opens passed through to their backing file (FUSE passthrough), and why others were not, by errno. */
    public DaemonFacts.Passthrough passthrough() {
        return new DaemonFacts.Passthrough(opening.passthroughOpens.get(), new TreeMap<>(opening.passthroughRefused));
    }

    /**
     * FLUSH (each close(2) in the guest): closing a duplicate of the descriptor, as virtiofsd
     * does, so errors the host file system reports at close (NFS, FUSE below us) reach the guest.
     */
    @Override
    public int flush(Caller caller, long nodeid, long fh) {
        Handle h = dir.handles.acquire(fh, HandleTable.FILE);
        if (h == null) return -Errno.EBADF;
        try {
            int dup = Libc.dup(h.fd);
            return dup < 0 ? dup : Libc.close(dup);
        } finally {
            h.release();
        }
    }

    @Override
    public int fsync(Caller caller, long nodeid, long fh, boolean dataOnly) { return handleOps.sync(fh, HandleTable.FILE, dataOnly); }

    @Override
    public int fsyncdir(Caller caller, long nodeid, long fh, boolean dataOnly) { return handleOps.sync(fh, HandleTable.DIR, dataOnly); }

    /** SYNCFS (a guest sync(2) or syncfs(2)): syncfs(2) on the host file system of the share. */
    @Override
    public int syncfs(Caller caller, long nodeid) { return handleOps.syncfs(); }

    @Override
    public int fallocate(Caller caller, long nodeid, long fh, int mode, long offset, long length) { return handleOps.fallocate(fh, mode, offset, length); }

    @Override
    public long lseek(Caller caller, long nodeid, long fh, long offset, int whence) { return handleOps.lseek(fh, offset, whence); }

    @Override
    public long copyFileRange(Caller caller, long nodeIn, long fhIn, long offIn, long nodeOut, long fhOut, long offOut, long len, int flags) {
        return handleOps.copyFileRange(fhIn, offIn, fhOut, offOut, len, flags);
    }

    // ---- directories and extended attributes ------------------------------------------------

    @Override
    public int opendir(Caller caller, long nodeid, int flags, Opened out) { return directories.opendir(nodeid, out); }

    @Override
    public int readdir(Caller caller, long nodeid, long fh, long offset, boolean plus, DirSink sink) {
        return directories.readdir(nodeid, fh, offset, plus, sink);
    }

    @Override
    public int releasedir(Caller caller, long nodeid, long fh) {
        return dir.handles.remove(fh, HandleTable.DIR) >= 0 ? 0 : -Errno.EBADF;
    }

    @Override
    public int setxattr(Caller caller, long nodeid, MemorySegment name, MemorySegment value, int flags) {
        return xattrs.set(nodeid, name, value, flags);
    }

    @Override
    public long getxattr(Caller caller, long nodeid, MemorySegment name, MemorySegment dst) { return xattrs.get(nodeid, name, dst); }

    @Override
    public long listxattr(Caller caller, long nodeid, MemorySegment dst) { return xattrs.list(nodeid, dst); }

    @Override
    public int removexattr(Caller caller, long nodeid, MemorySegment name) { return xattrs.remove(nodeid, name); }
}
