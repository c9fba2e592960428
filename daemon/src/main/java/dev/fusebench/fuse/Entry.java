package dev.fusebench.fuse;

import dev.fusebench.sys.StatBuf;

import java.lang.foreign.Arena;

/**
 * What LOOKUP and the creating calls answer, as plain values: the node id, how long the guest may
 * cache the name and the attributes, and the attributes themselves. One per worker, reused.
 */
public final class Entry {
    public long nodeid;
    public long timeoutSeconds;
    public final StatBuf stat;

    public Entry(Arena arena) { this.stat = new StatBuf(arena); }
}
