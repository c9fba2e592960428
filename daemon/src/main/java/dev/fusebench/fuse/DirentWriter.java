package dev.fusebench.fuse;

import dev.fusebench.wire.FuseOut.Dirent;
import dev.fusebench.wire.FuseOut.EntryOut;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Encodes READDIR entries as fuse_dirent records and READDIRPLUS entries as fuse_direntplus. One per worker. */
final class DirentWriter implements DirSink {
    private final Entry entry;
    private MemorySegment out;
    private long start;
    private int capacity;
    private boolean plus;
    private int written;

    DirentWriter(Arena arena) { this.entry = new Entry(arena); }

    /** Starts a reply at {@code out[at, at + capacity)}. */
    DirentWriter reset(MemorySegment out, long at, int capacity, boolean plus) {
        this.out = out;
        this.start = at;
        this.capacity = capacity;
        this.plus = plus;
        this.written = 0;
        return this;
    }

    int written() { return written; }

    private long recordSize(int nameLength) { return Dirent.recordSize(nameLength) + (plus ? EntryOut.SIZE : 0); }

    @Override public boolean fits(int nameLength) { return written + recordSize(nameLength) <= capacity; }

    @Override public Entry entry() { return entry; }

    @Override public int capacity() { return capacity; }

    @Override
    public void add(long ino, long offset, int type, MemorySegment names, long nameAt, int nameLength, boolean withEntry) {
        long at = start + written;
        long d = at;
        if (plus) {
            if (withEntry) {
                Replies.entry(out, at, entry);
                ino = entry.stat.ino();
            } else {
                out.asSlice(at, EntryOut.SIZE).fill((byte) 0);
            }
            d = at + EntryOut.SIZE;
        }
        Dirent.write(out, d, ino, offset, nameLength, type);
        MemorySegment.copy(names, nameAt, out, d + Dirent.SIZE, nameLength);
        long pad = Dirent.recordSize(nameLength) - Dirent.SIZE - nameLength;
        if (pad > 0) out.asSlice(d + Dirent.SIZE + nameLength, pad).fill((byte) 0);
        written += (int) recordSize(nameLength);
    }
}
