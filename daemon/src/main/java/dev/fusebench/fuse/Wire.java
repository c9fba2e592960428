package dev.fusebench.fuse;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/** Sizes and field offsets of the FUSE wire structures (native byte order, as the kernel sends them). */
public final class Wire {
    private Wire() {}

    public static final int IN_HEADER = 40, OUT_HEADER = 16;
    // fuse_in_header
    public static final int H_LEN = 0, H_OPCODE = 4, H_UNIQUE = 8, H_NODEID = 16, H_UID = 24, H_GID = 28,
            H_PID = 32, H_TOTAL_EXTLEN = 36;
    // fixed argument sizes of requests
    public static final int READ_IN = 40, WRITE_IN = 40, OPEN_IN = 8, CREATE_IN = 16, MKNOD_IN = 16, MKDIR_IN = 8,
            RENAME_IN = 8, RENAME2_IN = 16, LINK_IN = 8, SETATTR_IN = 88, GETATTR_IN = 16, RELEASE_IN = 24,
            FLUSH_IN = 24, FSYNC_IN = 16, SETXATTR_IN = 8, SETXATTR_IN_EXT = 16, GETXATTR_IN = 8, ACCESS_IN = 8,
            FORGET_IN = 8, BATCH_FORGET_IN = 8, FORGET_ONE = 16, INTERRUPT_IN = 8, FALLOCATE_IN = 32,
            LSEEK_IN = 24, COPY_FILE_RANGE_IN = 56;
    // reply sizes
    public static final int ATTR = 88, ENTRY_OUT = 128, ATTR_OUT = 104, OPEN_OUT = 16, WRITE_OUT = 8,
            STATFS_OUT = 80, GETXATTR_OUT = 8, LSEEK_OUT = 8, DIRENT = 24;

    // fuse_setattr_in valid bits
    public static final int FATTR_MODE = 1, FATTR_UID = 2, FATTR_GID = 4, FATTR_SIZE = 8, FATTR_ATIME = 16,
            FATTR_MTIME = 32, FATTR_FH = 64, FATTR_ATIME_NOW = 128, FATTR_MTIME_NOW = 256, FATTR_LOCKOWNER = 512,
            FATTR_CTIME = 1024, FATTR_KILL_SUIDGID = 2048;
    // fuse_write_in write_flags, fuse_open_in / fuse_create_in open_flags: the caller lacked
    // CAP_FSETID, so the server must clear setuid/setgid as a local file system would
    public static final int WRITE_KILL_SUIDGID = 4, OPEN_KILL_SUIDGID = 1;
    // fuse_open_out open_flags
    public static final int FOPEN_DIRECT_IO = 1, FOPEN_KEEP_CACHE = 2, FOPEN_NONSEEKABLE = 4, FOPEN_CACHE_DIR = 8;
    // fuse_getattr_in
    public static final int GETATTR_FH = 1;
    // fuse_fsync_in
    public static final int FSYNC_FDATASYNC = 1;

    public static int u32(MemorySegment s, long off) { return s.get(JAVA_INT_UNALIGNED, off); }
    public static long u64(MemorySegment s, long off) { return s.get(JAVA_LONG_UNALIGNED, off); }
    public static void u32(MemorySegment s, long off, int v) { s.set(JAVA_INT_UNALIGNED, off, v); }
    public static void u64(MemorySegment s, long off, long v) { s.set(JAVA_LONG_UNALIGNED, off, v); }

    /** Writes {@code fuse_out_header}. */
    public static void outHeader(MemorySegment s, int len, int error, long unique) {
        s.set(JAVA_INT_UNALIGNED, 0, len);
        s.set(JAVA_INT_UNALIGNED, 4, error);
        s.set(JAVA_LONG_UNALIGNED, 8, unique);
    }

    public static long align8(long n) { return (n + 7) & ~7L; }
}
