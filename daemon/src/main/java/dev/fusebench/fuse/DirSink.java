package dev.fusebench.fuse;

import java.lang.foreign.MemorySegment;

/**
 * Where READDIR and READDIRPLUS put directory entries; the server encodes them. A file system asks
 * {@link #fits} before it looks a child up for READDIRPLUS (the lookup counts a kernel reference,
 * which must not be taken for an entry that is then left out).
 */
public interface DirSink {
    /** Whether an entry with a name of {@code nameLength} bytes still fits the reply. */
    boolean fits(int nameLength);

    /** Bytes the reply may hold in all (the request's size, or less when the transport's buffer is smaller). */
    int capacity();

    /** READDIRPLUS: the holder a file system fills for the child before {@link #add}. */
    Entry entry();

    /**
     * Adds one entry whose name is {@code nameLength} bytes of {@code names} at {@code nameAt}; for
     * READDIRPLUS {@code withEntry} says whether {@link #entry()} holds the child ('.' and '..' carry none).
     */
    void add(long ino, long offset, int type, MemorySegment names, long nameAt, int nameLength, boolean withEntry);
}
