package dev.fusebench.passthrough;

import dev.fusebench.fuse.FileSystem;
import dev.fusebench.sys.Libc;

import java.util.HashMap;
import java.util.Map;

/**
 * Node ids to inodes, and host files to the inode that holds them (one node id per file, as the
 * kernel expects). Lookups and forgets take the lock; {@link #acquire} by node id takes none.
 */
final class InodeTable {
    private final SlotTable<Inode> ids = new SlotTable<>();
    private final Map<FileKey, Inode> byFile = new HashMap<>();

    private record FileKey(long dev, long ino) {}

    /** The inode with a reference taken (give it back with {@link Inode#release}), or null. */
    Inode acquire(long nodeid) { return ids.acquire(nodeid); }

    /**
     * Records one more kernel lookup of the file open as {@code fd} and returns its node id. When
     * the file is already known the existing inode takes the lookup and {@code fd} is closed.
     */
    synchronized long lookedUp(int fd, long dev, long ino, int type) {
        FileKey key = new FileKey(dev, ino);
        Inode known = byFile.get(key);
        if (known != null) {
            known.nlookup++;
            Libc.close(fd);
            return known.nodeid;
        }
        Inode inode = ids.insert(id -> new Inode(id, fd, dev, ino, type));
        inode.nlookup = 1;
        byFile.put(key, inode);
        return inode.nodeid;
    }

    /** Drops {@code n} lookups; the inode leaves the table when none remain (its fd closes with its last user). */
    synchronized void forget(long nodeid, long n) {
        if (nodeid == FileSystem.ROOT) return;
        Inode inode = ids.peek(nodeid);
        if (inode == null) return;
        // nlookup is a u64: a count of 2^63 or more is not negative, it forgets everything
        inode.nlookup = Long.compareUnsigned(n, inode.nlookup) >= 0 ? 0 : inode.nlookup - n;
        if (inode.nlookup > 0) return;
        ids.remove(nodeid);
        byFile.remove(new FileKey(inode.dev, inode.ino));
        inode.release();
    }

    /** A new session (DESTROY, or INIT again): every inode but the root goes. */
    synchronized void forgetAllButRoot() {
        Inode root = ids.peek(FileSystem.ROOT);
        if (root != null) root.nlookup = 1;
        for (Inode inode : ids.removeAllBut(FileSystem.ROOT)) {
            byFile.remove(new FileKey(inode.dev, inode.ino));
            inode.release();
        }
    }

    synchronized int size() { return ids.size(); }

    /** Closes every inode's descriptor as its last user finishes; the table is empty after. */
    synchronized void closeAll() {
        for (Inode inode : ids.removeAll()) inode.release();
        byFile.clear();
    }
}
