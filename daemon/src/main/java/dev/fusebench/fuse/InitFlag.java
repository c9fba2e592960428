package dev.fusebench.fuse;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * FUSE_INIT flags, declared once, in bit order: a flag's bit is its position (include/uapi/linux/fuse.h).
 * As one 64-bit set, bits 0-31 are {@code flags} and bits 32-63 {@code flags2} (only read or sent
 * when FUSE_INIT_EXT is negotiated); {@link #mask} is a flag's bit in that set, and its name is the
 * constant's.
 */
public enum InitFlag {
    ASYNC_READ, POSIX_LOCKS, FILE_OPS, ATOMIC_O_TRUNC, EXPORT_SUPPORT, BIG_WRITES, DONT_MASK, SPLICE_WRITE,
    SPLICE_MOVE, SPLICE_READ, FLOCK_LOCKS, HAS_IOCTL_DIR, AUTO_INVAL_DATA, DO_READDIRPLUS, READDIRPLUS_AUTO,
    ASYNC_DIO, WRITEBACK_CACHE, NO_OPEN_SUPPORT, PARALLEL_DIROPS, HANDLE_KILLPRIV, POSIX_ACL, ABORT_ERROR,
    MAX_PAGES, CACHE_SYMLINKS, NO_OPENDIR_SUPPORT, EXPLICIT_INVAL_DATA, MAP_ALIGNMENT, SUBMOUNTS,
    HANDLE_KILLPRIV_V2, SETXATTR_EXT, INIT_EXT, INIT_RESERVED, SECURITY_CTX, HAS_INODE_DAX, CREATE_SUPP_GROUP,
    HAS_EXPIRE_ONLY, DIRECT_IO_ALLOW_MMAP, PASSTHROUGH, NO_EXPORT_SUPPORT, HAS_RESEND, ALLOW_IDMAP,
    OVER_IO_URING, REQUEST_TIMEOUT;

    /** This flag's bit in the 64-bit set. */
    public final long mask = 1L << ordinal();

    /**
     * What a Linux 6.1 guest kernel offers in FUSE_INIT over virtio-fs (protocol 7.38), as our
     * daemon recorded it from a real guest: the one "kernel offer" the load generator and the
     * tests send.
     */
    public static final long LINUX_6_1_VIRTIOFS_OFFER = 0xb_7bff_fffbL;

    private static final InitFlag[] ALL = values();

    /** The bit of a flag name, with or without a FUSE_ prefix, any case; -1 when unknown. */
    public static long byName(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        if (n.startsWith("FUSE_")) n = n.substring(5);
        for (InitFlag f : ALL) if (f.name().equals(n)) return f.mask;
        return -1;
    }

    /** The names of the flags set in {@code flags}, in bit order; bits this version does not know as BIT_n. */
    public static List<String> names(long flags) {
        List<String> out = new ArrayList<>();
        for (int bit = 0; bit < 64; bit++) {
            if ((flags & (1L << bit)) == 0) continue;
            out.add(bit < ALL.length ? ALL[bit].name() : "BIT_" + bit);
        }
        return out;
    }
}
