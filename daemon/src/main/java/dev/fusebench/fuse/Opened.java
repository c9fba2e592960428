package dev.fusebench.fuse;

/** What OPEN, OPENDIR and CREATE answer: the handle and the FOPEN_* flags for the guest. One per worker. */
public final class Opened {
    public long fh;
    public int openFlags;
    /** With FOPEN_PASSTHROUGH: the backing file's id ({@link BackingFiles}); 0 otherwise. */
    public int backingId;
}
