package dev.fusebench.fuse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * FUSE_INIT flags as one 64-bit set: bits 0-31 are {@code flags}, bits 32-63 are {@code flags2}
 * (only read or sent when FUSE_INIT_EXT is negotiated).
 */
public final class InitFlag {
    private InitFlag() {}
    public static final long ASYNC_READ = 1L, POSIX_LOCKS = 1L << 1, FILE_OPS = 1L << 2, ATOMIC_O_TRUNC = 1L << 3,
            EXPORT_SUPPORT = 1L << 4, BIG_WRITES = 1L << 5, DONT_MASK = 1L << 6, SPLICE_WRITE = 1L << 7,
            SPLICE_MOVE = 1L << 8, SPLICE_READ = 1L << 9, FLOCK_LOCKS = 1L << 10, HAS_IOCTL_DIR = 1L << 11,
            AUTO_INVAL_DATA = 1L << 12, DO_READDIRPLUS = 1L << 13, READDIRPLUS_AUTO = 1L << 14,
            ASYNC_DIO = 1L << 15, WRITEBACK_CACHE = 1L << 16, NO_OPEN_SUPPORT = 1L << 17,
            PARALLEL_DIROPS = 1L << 18, HANDLE_KILLPRIV = 1L << 19, POSIX_ACL = 1L << 20,
            ABORT_ERROR = 1L << 21, MAX_PAGES = 1L << 22, CACHE_SYMLINKS = 1L << 23,
            NO_OPENDIR_SUPPORT = 1L << 24, EXPLICIT_INVAL_DATA = 1L << 25, MAP_ALIGNMENT = 1L << 26,
            SUBMOUNTS = 1L << 27, HANDLE_KILLPRIV_V2 = 1L << 28, SETXATTR_EXT = 1L << 29, INIT_EXT = 1L << 30,
            INIT_RESERVED = 1L << 31, SECURITY_CTX = 1L << 32, HAS_INODE_DAX = 1L << 33,
            CREATE_SUPP_GROUP = 1L << 34, HAS_EXPIRE_ONLY = 1L << 35, DIRECT_IO_ALLOW_MMAP = 1L << 36,
            PASSTHROUGH = 1L << 37, NO_EXPORT_SUPPORT = 1L << 38, HAS_RESEND = 1L << 39,
            ALLOW_IDMAP = 1L << 40, OVER_IO_URING = 1L << 41, REQUEST_TIMEOUT = 1L << 42;

    /**
     * What a Linux 6.1 guest kernel offers in FUSE_INIT over virtio-fs (protocol 7.38), as our
     * daemon recorded it from a real guest: the one "kernel offer" the load generator and the
     * tests send.
     */
    public static final long LINUX_6_1_VIRTIOFS_OFFER = 0xb_7bff_fffbL;

    private static final Map<String, Long> BY_NAME = new LinkedHashMap<>();
    static {
        String[] names = {"ASYNC_READ", "POSIX_LOCKS", "FILE_OPS", "ATOMIC_O_TRUNC", "EXPORT_SUPPORT",
                "BIG_WRITES", "DONT_MASK", "SPLICE_WRITE", "SPLICE_MOVE", "SPLICE_READ", "FLOCK_LOCKS",
                "HAS_IOCTL_DIR", "AUTO_INVAL_DATA", "DO_READDIRPLUS", "READDIRPLUS_AUTO", "ASYNC_DIO",
                "WRITEBACK_CACHE", "NO_OPEN_SUPPORT", "PARALLEL_DIROPS", "HANDLE_KILLPRIV", "POSIX_ACL",
                "ABORT_ERROR", "MAX_PAGES", "CACHE_SYMLINKS", "NO_OPENDIR_SUPPORT", "EXPLICIT_INVAL_DATA",
                "MAP_ALIGNMENT", "SUBMOUNTS", "HANDLE_KILLPRIV_V2", "SETXATTR_EXT", "INIT_EXT", "INIT_RESERVED",
                "SECURITY_CTX", "HAS_INODE_DAX", "CREATE_SUPP_GROUP", "HAS_EXPIRE_ONLY", "DIRECT_IO_ALLOW_MMAP",
                "PASSTHROUGH", "NO_EXPORT_SUPPORT", "HAS_RESEND", "ALLOW_IDMAP", "OVER_IO_URING",
                "REQUEST_TIMEOUT"};
        for (int i = 0; i < names.length; i++) BY_NAME.put(names[i], 1L << i);
    }

    /** The bit of a flag name, with or without a FUSE_ prefix, any case; -1 when unknown. */
    public static long byName(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        if (n.startsWith("FUSE_")) n = n.substring(5);
        Long bit = BY_NAME.get(n);
        return bit == null ? -1 : bit;
    }

    public static List<String> names(long flags) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Long> e : BY_NAME.entrySet()) if ((flags & e.getValue()) != 0) out.add(e.getKey());
        long unknown = flags & ~allKnown();
        for (int bit = 0; bit < 64; bit++) if ((unknown & (1L << bit)) != 0) out.add("BIT_" + bit);
        return out;
    }


    private static long allKnown() {
        long all = 0;
        for (long b : BY_NAME.values()) all |= b;
        return all;
    }
}
