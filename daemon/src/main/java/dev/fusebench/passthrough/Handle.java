package dev.fusebench.passthrough;

/** An open file or directory the kernel holds by a handle id. */
final class Handle extends Counted {
    private final long id;
    final int kind;

    Handle(long id, int fd, int kind) {
        super(fd);
        this.id = id;
        this.kind = kind;
    }

    @Override long id() { return id; }
}
