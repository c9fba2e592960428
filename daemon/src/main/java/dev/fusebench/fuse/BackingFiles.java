package dev.fusebench.fuse;

/**
 * FUSE passthrough's backing files (Linux 6.9+, /dev/fuse only): a descriptor registered with the
 * kernel gets an id an open reply names with FOPEN_PASSTHROUGH; the kernel then reads and writes
 * that file itself, and READ/WRITE no longer reach the daemon.
 */
public interface BackingFiles {
    /** Registers {@code fd}; returns its id (> 0) or a negative errno. */
    int open(int fd);

    /** Forgets an id (the kernel keeps its own reference for files still open). */
    int close(int id);
}
