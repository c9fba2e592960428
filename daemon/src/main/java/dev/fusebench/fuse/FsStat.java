package dev.fusebench.fuse;

/** What STATFS answers, as statfs(2) gives it. One per worker. */
public final class FsStat {
    public long blocks, bfree, bavail, files, ffree;
    public long bsize, namelen, frsize;
}
