package dev.fusebench.fuse;

/** A request that cannot be served as sent; carries the errno to reply with. Never on the hot path. */
public final class ProtocolException extends RuntimeException {
    private final int errno;

    public ProtocolException(int errno, String message) {
        super(message, null, false, false);
        this.errno = errno;
    }

    public int errno() { return errno; }
}
