package dev.fusebench.fuse;

import dev.fusebench.sys.StatBuf;

import java.lang.foreign.Arena;

/** What GETATTR and SETATTR answer: the attributes and how long the guest may cache them. One per worker. */
public final class Attr {
    public long timeoutSeconds;
    public final StatBuf stat;

    public Attr(Arena arena) { this.stat = new StatBuf(arena); }
}
