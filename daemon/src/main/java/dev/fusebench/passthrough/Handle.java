package dev.fusebench.passthrough;

/** An open file or directory the kernel holds by a handle id. */
final class Handle extends Counted {
    private final long id;
    final int kind;
    /** The kernel's backing-file id for this open (FUSE passthrough), or 0. */
    final int backingId;
    /** The node id it was opened on (a directory's: READDIR must name the same), or 0. */
    final long nodeid;

    Handle(long id, int fd, int kind, int backingId, long nodeid) {
        super(fd);
        this.id = id;
        this.kind = kind;
        this.backingId = backingId;
        this.nodeid = nodeid;
    }

    @Override long id() { return id; }
}
