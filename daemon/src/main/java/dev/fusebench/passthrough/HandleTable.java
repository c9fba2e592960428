package dev.fusebench.passthrough;

/**
 * Open file and directory handles. The kernel holds an id with a generation, never the host
 * descriptor, so a stale or forged handle misses instead of reaching a descriptor that now belongs
 * to another file; a handle's descriptor closes when RELEASE has come and its last request is done.
 */
final class HandleTable {
    static final int FILE = 1, DIR = 2;
    private final SlotTable<Handle> ids = new SlotTable<>();

    /** Takes ownership of a file's {@code fd} (passed through to {@code backingId}, or 0); returns the id to give the kernel. */
    long addFile(int fd, int backingId) {
        return ids.insert(id -> new Handle(id, fd, FILE, backingId, 0)).id();
    }

    /** Takes ownership of directory {@code nodeid}'s {@code fd}; returns the id to give the kernel. */
    long addDir(int fd, long nodeid) {
        return ids.insert(id -> new Handle(id, fd, DIR, 0, nodeid)).id();
    }

    /** The handle of that kind with a reference taken (give it back with {@link Handle#release}), or null. */
    Handle acquire(long fh, int kind) {
        Handle h = ids.acquire(fh);
        if (h == null) return null;
        if (h.kind == kind) return h;
        h.release();
        return null;
    }

    /**
     * RELEASE/RELEASEDIR: the handle's backing id (0 without one), or -1 when it was none of ours
     * of that kind; its fd closes with its last user.
     */
    int remove(long fh, int kind) {
        synchronized (ids) {
            Handle h = ids.peek(fh);
            if (h == null || h.kind != kind) return -1;
            ids.remove(fh);
            h.release();
            return h.backingId;
        }
    }

    /** DESTROY: every handle goes. */
    void removeAll() {
        for (Handle h : ids.removeAll()) h.release();
    }

    int size() { return ids.size(); }
}
