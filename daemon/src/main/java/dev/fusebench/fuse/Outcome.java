package dev.fusebench.fuse;

/**
 * What a handler made of its request, for the server to send: a reply whose arguments it encoded
 * ({@link Kind#ARGS}, that many bytes after the out header), a reply whose data already sits in
 * the transport's buffers ({@link Kind#DATA}, a READ), an errno ({@link Kind#ERROR}) or no reply
 * at all ({@link Kind#NONE}: FORGET, INTERRUPT). One per serving thread, set by each handler and
 * read before the next request, so that serving allocates nothing.
 */
public final class Outcome {
    public enum Kind { ARGS, DATA, ERROR, NONE }

    private Kind kind = Kind.NONE;
    private long value;

    /** A reply of {@code length} argument bytes after the out header. */
    public Outcome args(long length) { return set(Kind.ARGS, length); }

    /** A reply of {@code bytes} data bytes the file system already wrote into the transport's buffers. */
    public Outcome data(long bytes) { return set(Kind.DATA, bytes); }

    /** An errno reply; {@code errno} is positive. */
    public Outcome error(int errno) { return set(Kind.ERROR, errno); }

    public Outcome none() { return set(Kind.NONE, 0); }

    /** The file system's convention, read: a negative errno, or the reply's argument length. */
    public Outcome argsOrError(long result) { return result < 0 ? error((int) -result) : args(result); }

    public Kind kind() { return kind; }

    /** The length of an ARGS or DATA reply, or the errno of an ERROR. */
    public long value() { return value; }

    private Outcome set(Kind kind, long value) {
        this.kind = kind;
        this.value = value;
        return this;
    }
}
