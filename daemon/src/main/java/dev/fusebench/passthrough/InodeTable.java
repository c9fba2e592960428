package dev.fusebench.passthrough;

import dev.fusebench.sys.Libc;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Node ids to inodes. A node id is {@code generation << 32 | (slot + 1)}: finding an inode is an
 * array read (no boxing, no allocation), and a stale or forged id misses instead of hitting a
 * reused slot. Inserts and forgets take the lock; lookups by id take none.
 */
final class InodeTable {
    private volatile AtomicReferenceArray<Inode> slots = new AtomicReferenceArray<>(1024);
    private int[] generations = new int[1024];
    private final ArrayDeque<Integer> free = new ArrayDeque<>();
    private int nextSlot;
    private final Map<FileKey, Inode> byFile = new HashMap<>();

    private record FileKey(long dev, long ino) {}

    Inode get(long nodeid) {
        long slot = (nodeid & 0xffffffffL) - 1;
        AtomicReferenceArray<Inode> s = slots;
        if (slot < 0 || slot >= s.length()) return null;
        Inode inode = s.get((int) slot);
        return inode != null && inode.nodeid == nodeid ? inode : null;
    }

    /**
     * Records one more kernel lookup of the file open as {@code fd}. When the file is already known
     * the existing inode is returned and {@code fd} is closed.
     */
    synchronized Inode lookedUp(int fd, long dev, long ino, int type) {
        FileKey key = new FileKey(dev, ino);
        Inode known = byFile.get(key);
        if (known != null) {
            known.nlookup++;
            Libc.close(fd);
            return known;
        }
        int slot = free.isEmpty() ? nextSlot++ : free.pop();
        ensureCapacity(slot + 1);
        int gen = generations[slot];
        Inode inode = new Inode(((long) gen << 32) | (slot + 1L), fd, dev, ino, type);
        inode.nlookup = 1;
        byFile.put(key, inode);
        slots.set(slot, inode);
        return inode;
    }

    /** Drops {@code n} lookups; the inode goes (and its fd is closed) when none remain. */
    synchronized void forget(long nodeid, long n) {
        Inode inode = get(nodeid);
        if (inode == null || nodeid == dev.fusebench.fuse.FileSystem.ROOT) return;
        inode.nlookup -= Math.min(n, inode.nlookup);
        if (inode.nlookup > 0) return;
        int slot = (int) ((nodeid & 0xffffffffL) - 1);
        slots.set(slot, null);
        generations[slot]++;
        free.push(slot);
        byFile.remove(new FileKey(inode.dev, inode.ino));
        Libc.close(inode.fd);
    }

    synchronized int size() { return byFile.size(); }

    synchronized void closeAll() {
        for (Inode inode : byFile.values()) Libc.close(inode.fd);
        byFile.clear();
        slots = new AtomicReferenceArray<>(1);
    }

    private void ensureCapacity(int n) {
        AtomicReferenceArray<Inode> s = slots;
        if (n <= s.length()) return;
        int cap = Math.max(n, s.length() * 2);
        AtomicReferenceArray<Inode> bigger = new AtomicReferenceArray<>(cap);
        for (int i = 0; i < s.length(); i++) bigger.set(i, s.get(i));
        generations = java.util.Arrays.copyOf(generations, cap);
        slots = bigger;
    }
}
