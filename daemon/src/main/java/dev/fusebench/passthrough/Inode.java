package dev.fusebench.passthrough;

/**
 * A file the kernel knows by a node id: held open as an O_PATH descriptor, so every later
 * operation is relative to it and never resolves a path from the shared directory's root again.
 * A request uses {@link #fd} only between {@link InodeTable#acquire} and {@link #release}.
 */
final class Inode extends Counted {
    final long nodeid;
    final long dev;
    final long ino;
    /** The S_IFMT bits; a file's type never changes while its inode lives. */
    final int type;
    /** Lookups the kernel holds; guarded by the table's lock. */
    long nlookup;

    Inode(long nodeid, int fd, long dev, long ino, int type) {
        super(fd);
        this.nodeid = nodeid;
        this.dev = dev;
        this.ino = ino;
        this.type = type;
    }

    @Override long id() { return nodeid; }
}
