package dev.fusebench.passthrough;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Open file and directory handles. The handle the kernel holds is the host descriptor itself, so
 * READ and WRITE find their fd without a map; the table only says which descriptors are handles we
 * gave out, and of which kind, so a forged handle cannot reach any other descriptor of the daemon.
 */
final class HandleTable {
    static final int NONE = 0, FILE = 1, DIR = 2;
    private volatile AtomicIntegerArray kinds = new AtomicIntegerArray(4096);

    synchronized void add(int fd, int kind) {
        AtomicIntegerArray k = kinds;
        if (fd >= k.length()) {
            AtomicIntegerArray bigger = new AtomicIntegerArray(Math.max(fd + 1, k.length() * 2));
            for (int i = 0; i < k.length(); i++) bigger.set(i, k.get(i));
            kinds = k = bigger;
        }
        k.set(fd, kind);
    }

    /** The descriptor of a handle of the given kind, or -1. */
    int fd(long fh, int kind) {
        AtomicIntegerArray k = kinds;
        if (fh < 0 || fh >= k.length()) return -1;
        return k.get((int) fh) == kind ? (int) fh : -1;
    }

    /** Forgets the handle; true when it was one of ours of that kind (the caller then closes it). */
    synchronized boolean remove(long fh, int kind) {
        AtomicIntegerArray k = kinds;
        if (fh < 0 || fh >= k.length() || k.get((int) fh) != kind) return false;
        k.set((int) fh, NONE);
        return true;
    }

    synchronized int[] all() {
        AtomicIntegerArray k = kinds;
        int n = 0;
        for (int i = 0; i < k.length(); i++) if (k.get(i) != NONE) n++;
        int[] out = new int[n];
        n = 0;
        for (int i = 0; i < k.length(); i++) if (k.get(i) != NONE) out[n++] = i;
        return out;
    }
}
