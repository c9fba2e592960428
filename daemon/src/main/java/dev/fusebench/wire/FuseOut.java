package dev.fusebench.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static dev.fusebench.wire.Fields.*;

/**
 * The reply side of include/uapi/linux/fuse.h, protocol 7.45: fuse_out_header and the reply
 * structs, each declared once. Writers fill every byte of their struct (padding zeroed), so a
 * reused buffer never leaks an earlier reply.
 */
public final class FuseOut {
    private FuseOut() {}

    /** fuse_out_header (16). */
    public static final class Header {
        public static final StructLayout LAYOUT = struct("fuse_out_header", u32("len"), u32("error"), u64("unique"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        private static final VarHandle LEN = field(LAYOUT, "len"), ERROR = field(LAYOUT, "error"), UNIQUE = field(LAYOUT, "unique");
        public static void write(MemorySegment s, long at, int len, int error, long unique) {
            LEN.set(s, at, len);
            ERROR.set(s, at, error);
            UNIQUE.set(s, at, unique);
        }
        public static int len(MemorySegment s, long at) { return (int) LEN.get(s, at); }
        public static int error(MemorySegment s, long at) { return (int) ERROR.get(s, at); }
        public static long unique(MemorySegment s, long at) { return (long) UNIQUE.get(s, at); }
    }

    /** fuse_init_out (64). flags2 carries the high half of the 64-bit flags. */
    public static final class InitOut {
        public static final StructLayout LAYOUT = struct("fuse_init_out", u32("major"), u32("minor"),
                u32("max_readahead"), u32("flags"), u16("max_background"), u16("congestion_threshold"),
                u32("max_write"), u32("time_gran"), u16("max_pages"), u16("map_alignment"), u32("flags2"),
                u32("max_stack_depth"), u16("request_timeout"), pad("unused", 22));
        public static final int SIZE = (int) LAYOUT.byteSize();
        private static final VarHandle MAJOR = field(LAYOUT, "major"), MINOR = field(LAYOUT, "minor"),
                MAX_READAHEAD = field(LAYOUT, "max_readahead"), FLAGS = field(LAYOUT, "flags"),
                MAX_BACKGROUND = field(LAYOUT, "max_background"), CONGESTION = field(LAYOUT, "congestion_threshold"),
                MAX_WRITE = field(LAYOUT, "max_write"), TIME_GRAN = field(LAYOUT, "time_gran"),
                MAX_PAGES = field(LAYOUT, "max_pages"), FLAGS2 = field(LAYOUT, "flags2"), MAX_STACK_DEPTH = field(LAYOUT, "max_stack_depth");
        public static void write(MemorySegment s, long at, int major, int minor, int maxReadahead, long flags,
                                 int maxBackground, int congestionThreshold, int maxWrite, int timeGran, int maxPages, int maxStackDepth) {
            s.asSlice(at, SIZE).fill((byte) 0);
            MAJOR.set(s, at, major);
            MINOR.set(s, at, minor);
            MAX_READAHEAD.set(s, at, maxReadahead);
            FLAGS.set(s, at, (int) flags);
            MAX_BACKGROUND.set(s, at, (short) maxBackground);
            CONGESTION.set(s, at, (short) congestionThreshold);
            MAX_WRITE.set(s, at, maxWrite);
            TIME_GRAN.set(s, at, timeGran);
            MAX_PAGES.set(s, at, (short) maxPages);
            FLAGS2.set(s, at, (int) (flags >>> 32));
            MAX_STACK_DEPTH.set(s, at, maxStackDepth);
        }
        /**
         * Overwrites only the fields a restriction may change (readahead, flags, max_background,
         * congestion_threshold, max_write, max_pages), leaving the rest of a daemon's reply as it was.
         */
        public static void restrict(MemorySegment s, long at, int maxReadahead, long flags, int maxBackground,
                                    int congestionThreshold, int maxWrite, int maxPages) {
            MAX_READAHEAD.set(s, at, maxReadahead);
            FLAGS.set(s, at, (int) flags);
            FLAGS2.set(s, at, (int) (flags >>> 32));
            MAX_BACKGROUND.set(s, at, (short) maxBackground);
            CONGESTION.set(s, at, (short) congestionThreshold);
            MAX_WRITE.set(s, at, maxWrite);
            MAX_PAGES.set(s, at, (short) maxPages);
        }
        public static int major(MemorySegment s, long at) { return (int) MAJOR.get(s, at); }
        public static int minor(MemorySegment s, long at) { return (int) MINOR.get(s, at); }
        public static int maxReadahead(MemorySegment s, long at) { return (int) MAX_READAHEAD.get(s, at); }
        /** flags | flags2 << 32. */
        public static long flags(MemorySegment s, long at) {
            return Integer.toUnsignedLong((int) FLAGS.get(s, at)) | Integer.toUnsignedLong((int) FLAGS2.get(s, at)) << 32;
        }
        public static int maxBackground(MemorySegment s, long at) { return Short.toUnsignedInt((short) MAX_BACKGROUND.get(s, at)); }
        public static int congestionThreshold(MemorySegment s, long at) { return Short.toUnsignedInt((short) CONGESTION.get(s, at)); }
        public static int maxWrite(MemorySegment s, long at) { return (int) MAX_WRITE.get(s, at); }
        public static int timeGran(MemorySegment s, long at) { return (int) TIME_GRAN.get(s, at); }
        public static int maxPages(MemorySegment s, long at) { return Short.toUnsignedInt((short) MAX_PAGES.get(s, at)); }
    }

    /**
     * fuse_backing_map (16): the argument of ioctl FUSE_DEV_IOC_BACKING_OPEN on /dev/fuse, which
     * registers a backing file for passthrough and returns its id (FUSE_DEV_IOC_BACKING_CLOSE takes
     * the id as a u32).
     */
    public static final class BackingMap {
        public static final StructLayout LAYOUT = struct("fuse_backing_map", u32("fd"), u32("flags"), u64("padding"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        /** _IOW(229, 1, struct fuse_backing_map) and _IOW(229, 2, uint32_t). */
        public static final long IOC_BACKING_OPEN = 0x4010e501L, IOC_BACKING_CLOSE = 0x4004e502L;
        private static final VarHandle FD = field(LAYOUT, "fd"), FLAGS = field(LAYOUT, "flags"), PADDING = field(LAYOUT, "padding");
        public static void write(MemorySegment s, long at, int fd) {
            FD.set(s, at, fd);
            FLAGS.set(s, at, 0);
            PADDING.set(s, at, 0L);
        }
    }

    /** fuse_attr (88), inside fuse_entry_out and fuse_attr_out. */
    public static final class Attr {
        public static final StructLayout LAYOUT = struct("fuse_attr", u64("ino"), u64("size"), u64("blocks"),
                u64("atime"), u64("mtime"), u64("ctime"), u32("atimensec"), u32("mtimensec"), u32("ctimensec"),
                u32("mode"), u32("nlink"), u32("uid"), u32("gid"), u32("rdev"), u32("blksize"), u32("flags"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        private static final VarHandle INO = field(LAYOUT, "ino"), SZ = field(LAYOUT, "size"), BLOCKS = field(LAYOUT, "blocks"),
                ATIME = field(LAYOUT, "atime"), MTIME = field(LAYOUT, "mtime"), CTIME = field(LAYOUT, "ctime"),
                ATIMENSEC = field(LAYOUT, "atimensec"), MTIMENSEC = field(LAYOUT, "mtimensec"),
                CTIMENSEC = field(LAYOUT, "ctimensec"), MODE = field(LAYOUT, "mode"), NLINK = field(LAYOUT, "nlink"),
                UID = field(LAYOUT, "uid"), GID = field(LAYOUT, "gid"), RDEV = field(LAYOUT, "rdev"),
                BLKSIZE = field(LAYOUT, "blksize"), FLAGS = field(LAYOUT, "flags");
        public static void write(MemorySegment s, long at, long ino, long size, long blocks, long atime, long mtime,
                                 long ctime, int atimensec, int mtimensec, int ctimensec, int mode, int nlink,
                                 int uid, int gid, int rdev, int blksize) {
            INO.set(s, at, ino);
            SZ.set(s, at, size);
            BLOCKS.set(s, at, blocks);
            ATIME.set(s, at, atime);
            MTIME.set(s, at, mtime);
            CTIME.set(s, at, ctime);
            ATIMENSEC.set(s, at, atimensec);
            MTIMENSEC.set(s, at, mtimensec);
            CTIMENSEC.set(s, at, ctimensec);
            MODE.set(s, at, mode);
            NLINK.set(s, at, nlink);
            UID.set(s, at, uid);
            GID.set(s, at, gid);
            RDEV.set(s, at, rdev);
            BLKSIZE.set(s, at, blksize);
            FLAGS.set(s, at, 0);
        }
        public static long ino(MemorySegment s, long at) { return (long) INO.get(s, at); }
        public static long size(MemorySegment s, long at) { return (long) SZ.get(s, at); }
        public static int mode(MemorySegment s, long at) { return (int) MODE.get(s, at); }
    }

    /** fuse_entry_out (128): LOOKUP, MKNOD, MKDIR, SYMLINK, LINK, the first part of CREATE's reply. */
    public static final class EntryOut {
        public static final StructLayout LAYOUT = struct("fuse_entry_out", u64("nodeid"), u64("generation"),
                u64("entry_valid"), u64("attr_valid"), u32("entry_valid_nsec"), u32("attr_valid_nsec"), Attr.LAYOUT.withName("attr"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        public static final long ATTR = offset(LAYOUT, "attr");
        private static final VarHandle NODEID = field(LAYOUT, "nodeid"), GENERATION = field(LAYOUT, "generation"),
                ENTRY_VALID = field(LAYOUT, "entry_valid"), ATTR_VALID = field(LAYOUT, "attr_valid"),
                ENTRY_NSEC = field(LAYOUT, "entry_valid_nsec"), ATTR_NSEC = field(LAYOUT, "attr_valid_nsec");
        /** Everything but the attr, which {@link Attr#write} fills at {@code at + ATTR}. */
        public static void write(MemorySegment s, long at, long nodeid, long generation, long entryValid, long attrValid) {
            NODEID.set(s, at, nodeid);
            GENERATION.set(s, at, generation);
            ENTRY_VALID.set(s, at, entryValid);
            ATTR_VALID.set(s, at, attrValid);
            ENTRY_NSEC.set(s, at, 0);
            ATTR_NSEC.set(s, at, 0);
        }
        public static long nodeid(MemorySegment s, long at) { return (long) NODEID.get(s, at); }
        public static long entryValid(MemorySegment s, long at) { return (long) ENTRY_VALID.get(s, at); }
    }

    /** fuse_attr_out (104): GETATTR, SETATTR. */
    public static final class AttrOut {
        public static final StructLayout LAYOUT = struct("fuse_attr_out", u64("attr_valid"), u32("attr_valid_nsec"),
                u32("dummy"), Attr.LAYOUT.withName("attr"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        public static final long ATTR = offset(LAYOUT, "attr");
        private static final VarHandle ATTR_VALID = field(LAYOUT, "attr_valid"), NSEC = field(LAYOUT, "attr_valid_nsec"),
                DUMMY = field(LAYOUT, "dummy");
        public static void write(MemorySegment s, long at, long attrValid) {
            ATTR_VALID.set(s, at, attrValid);
            NSEC.set(s, at, 0);
            DUMMY.set(s, at, 0);
        }
    }

    /** fuse_open_out (16): OPEN, OPENDIR, the second part of CREATE's reply; open_flags bits. */
    public static final class OpenOut {
        public static final StructLayout LAYOUT = struct("fuse_open_out", u64("fh"), u32("open_flags"), u32("backing_id"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        public static final int FOPEN_DIRECT_IO = 1, FOPEN_KEEP_CACHE = 2, FOPEN_NONSEEKABLE = 4, FOPEN_CACHE_DIR = 8,
                FOPEN_STREAM = 16, FOPEN_NOFLUSH = 32, FOPEN_PARALLEL_DIRECT_WRITES = 64, FOPEN_PASSTHROUGH = 128;
        private static final VarHandle FH = field(LAYOUT, "fh"), OPEN_FLAGS = field(LAYOUT, "open_flags"), BACKING_ID = field(LAYOUT, "backing_id");
        public static void write(MemorySegment s, long at, long fh, int openFlags, int backingId) {
            FH.set(s, at, fh);
            OPEN_FLAGS.set(s, at, openFlags);
            BACKING_ID.set(s, at, backingId);
        }
        public static long fh(MemorySegment s, long at) { return (long) FH.get(s, at); }
        public static int openFlags(MemorySegment s, long at) { return (int) OPEN_FLAGS.get(s, at); }
    }

    /** fuse_write_out (8): WRITE, COPY_FILE_RANGE. */
    public static final class WriteOut {
        public static final StructLayout LAYOUT = struct("fuse_write_out", u32("size"), u32("padding"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        private static final VarHandle SZ = field(LAYOUT, "size"), PADDING = field(LAYOUT, "padding");
        public static void write(MemorySegment s, long at, int size) {
            SZ.set(s, at, size);
            PADDING.set(s, at, 0);
        }
        public static int size(MemorySegment s, long at) { return (int) SZ.get(s, at); }
    }

    /** fuse_getxattr_out (8): GETXATTR and LISTXATTR asked with size 0. */
    public static final class GetxattrOut {
        public static final StructLayout LAYOUT = struct("fuse_getxattr_out", u32("size"), u32("padding"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        private static final VarHandle SZ = field(LAYOUT, "size"), PADDING = field(LAYOUT, "padding");
        public static void write(MemorySegment s, long at, int size) {
            SZ.set(s, at, size);
            PADDING.set(s, at, 0);
        }
    }

    /** fuse_lseek_out (8). */
    public static final class LseekOut {
        public static final StructLayout LAYOUT = struct("fuse_lseek_out", u64("offset"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        private static final VarHandle OFFSET = field(LAYOUT, "offset");
        public static void write(MemorySegment s, long at, long offset) { OFFSET.set(s, at, offset); }
    }

    /** fuse_statfs_out = fuse_kstatfs (80). */
    public static final class StatfsOut {
        public static final StructLayout LAYOUT = struct("fuse_kstatfs", u64("blocks"), u64("bfree"), u64("bavail"),
                u64("files"), u64("ffree"), u32("bsize"), u32("namelen"), u32("frsize"), u32("padding"), pad("spare", 24));
        public static final int SIZE = (int) LAYOUT.byteSize();
        private static final VarHandle BLOCKS = field(LAYOUT, "blocks"), BFREE = field(LAYOUT, "bfree"),
                BAVAIL = field(LAYOUT, "bavail"), FILES = field(LAYOUT, "files"), FFREE = field(LAYOUT, "ffree"),
                BSIZE = field(LAYOUT, "bsize"), NAMELEN = field(LAYOUT, "namelen"), FRSIZE = field(LAYOUT, "frsize");
        public static void write(MemorySegment s, long at, long blocks, long bfree, long bavail, long files, long ffree,
                                 int bsize, int namelen, int frsize) {
            s.asSlice(at, SIZE).fill((byte) 0);
            BLOCKS.set(s, at, blocks);
            BFREE.set(s, at, bfree);
            BAVAIL.set(s, at, bavail);
            FILES.set(s, at, files);
            FFREE.set(s, at, ffree);
            BSIZE.set(s, at, bsize);
            NAMELEN.set(s, at, namelen);
            FRSIZE.set(s, at, frsize);
        }
    }

    /**
     * fuse_dirent (24, then the name, padded to 8): READDIR. READDIRPLUS sends fuse_direntplus, a
     * fuse_entry_out followed by a fuse_dirent.
     */
    public static final class Dirent {
        public static final StructLayout LAYOUT = struct("fuse_dirent", u64("ino"), u64("off"), u32("namelen"), u32("type"));
        /** FUSE_NAME_OFFSET. */
        public static final int SIZE = (int) LAYOUT.byteSize();
        public static final StructLayout PLUS = struct("fuse_direntplus", EntryOut.LAYOUT.withName("entry_out"), LAYOUT.withName("dirent"));
        /** FUSE_NAME_OFFSET_DIRENTPLUS. */
        public static final int PLUS_SIZE = (int) PLUS.byteSize();
        private static final VarHandle INO = field(LAYOUT, "ino"), OFF = field(LAYOUT, "off"),
                NAMELEN = field(LAYOUT, "namelen"), TYPE = field(LAYOUT, "type");
        /** Record length with the name and padding: FUSE_DIRENT_SIZE. */
        public static long recordSize(int namelen) { return (SIZE + namelen + 7) & ~7L; }
        public static void write(MemorySegment s, long at, long ino, long off, int namelen, int type) {
            INO.set(s, at, ino);
            OFF.set(s, at, off);
            NAMELEN.set(s, at, namelen);
            TYPE.set(s, at, type);
        }
    }
}
