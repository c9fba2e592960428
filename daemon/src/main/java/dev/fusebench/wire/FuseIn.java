package dev.fusebench.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static dev.fusebench.wire.Fields.*;

/**
 * The request side of include/uapi/linux/fuse.h, protocol 7.45: fuse_in_header and the fixed
 * argument structs that follow it, each declared once. Accessors read a struct that starts at
 * {@code at} in {@code s}; the caller has checked that enough bytes arrived ({@code SIZE}).
 */
public final class FuseIn {
    private FuseIn() {}

    /** fuse_in_header (40 bytes). */
    public static final class Header {
        public static final StructLayout LAYOUT = struct("fuse_in_header", u32("len"), u32("opcode"), u64("unique"),
                u64("nodeid"), u32("uid"), u32("gid"), u32("pid"), u16("total_extlen"), u16("padding"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        private static final VarHandle LEN = field(LAYOUT, "len"), OPCODE = field(LAYOUT, "opcode"),
                UNIQUE = field(LAYOUT, "unique"), NODEID = field(LAYOUT, "nodeid"), UID = field(LAYOUT, "uid"),
                GID = field(LAYOUT, "gid"), PID = field(LAYOUT, "pid"), EXTLEN = field(LAYOUT, "total_extlen"),
                PADDING = field(LAYOUT, "padding");
        public static int len(MemorySegment s, long at) { return (int) LEN.get(s, at); }
        public static int opcode(MemorySegment s, long at) { return (int) OPCODE.get(s, at); }
        public static long unique(MemorySegment s, long at) { return (long) UNIQUE.get(s, at); }
        public static long nodeid(MemorySegment s, long at) { return (long) NODEID.get(s, at); }
        public static int uid(MemorySegment s, long at) { return (int) UID.get(s, at); }
        public static int gid(MemorySegment s, long at) { return (int) GID.get(s, at); }
        public static int pid(MemorySegment s, long at) { return (int) PID.get(s, at); }
        /** Request extensions after the arguments, in 8-byte units. */
        public static int totalExtlen(MemorySegment s, long at) { return Short.toUnsignedInt((short) EXTLEN.get(s, at)); }

        /** Writes a whole header (the load generator and test frontends build requests). */
        public static void write(MemorySegment s, long at, int len, int opcode, long unique, long nodeid, int uid, int gid, int pid) {
            LEN.set(s, at, len);
            OPCODE.set(s, at, opcode);
            UNIQUE.set(s, at, unique);
            NODEID.set(s, at, nodeid);
            UID.set(s, at, uid);
            GID.set(s, at, gid);
            PID.set(s, at, pid);
            EXTLEN.set(s, at, (short) 0);
            PADDING.set(s, at, (short) 0);
        }
    }

    /** fuse_init_in: 16 bytes up to 7.35, 64 with FUSE_INIT_EXT (flags2 and reserved words). */
    public static final class InitIn {
        public static final StructLayout LAYOUT = struct("fuse_init_in", u32("major"), u32("minor"),
                u32("max_readahead"), u32("flags"), u32("flags2"), pad("unused", 44));
        public static final int SIZE = (int) LAYOUT.byteSize();
        /** The part every kernel sends. */
        public static final int LEGACY_SIZE = (int) offset(LAYOUT, "flags2");
        private static final VarHandle MAJOR = field(LAYOUT, "major"), MINOR = field(LAYOUT, "minor"),
                MAX_READAHEAD = field(LAYOUT, "max_readahead"), FLAGS = field(LAYOUT, "flags"), FLAGS2 = field(LAYOUT, "flags2");
        public static int major(MemorySegment s, long at) { return (int) MAJOR.get(s, at); }
        public static int minor(MemorySegment s, long at) { return (int) MINOR.get(s, at); }
        public static int maxReadahead(MemorySegment s, long at) { return (int) MAX_READAHEAD.get(s, at); }
        public static int flags(MemorySegment s, long at) { return (int) FLAGS.get(s, at); }
        public static int flags2(MemorySegment s, long at) { return (int) FLAGS2.get(s, at); }
        public static void write(MemorySegment s, long at, int major, int minor, int maxReadahead, long flags) {
            s.asSlice(at, SIZE).fill((byte) 0);
            MAJOR.set(s, at, major);
            MINOR.set(s, at, minor);
            MAX_READAHEAD.set(s, at, maxReadahead);
            FLAGS.set(s, at, (int) flags);
            FLAGS2.set(s, at, (int) (flags >>> 32));
        }
    }

    /** fuse_getattr_in (16). */
    public static final class GetattrIn {
        public static final StructLayout LAYOUT = struct("fuse_getattr_in", u32("getattr_flags"), u32("dummy"), u64("fh"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        public static final int GETATTR_FH = 1;
        private static final VarHandle FLAGS = field(LAYOUT, "getattr_flags"), FH = field(LAYOUT, "fh");
        public static int getattrFlags(MemorySegment s, long at) { return (int) FLAGS.get(s, at); }
        public static long fh(MemorySegment s, long at) { return (long) FH.get(s, at); }
        public static void write(MemorySegment s, long at, int getattrFlags, long fh) {
            s.asSlice(at, SIZE).fill((byte) 0);
            FLAGS.set(s, at, getattrFlags);
            FH.set(s, at, fh);
        }
    }

    /** fuse_setattr_in (88) and its {@code valid} bits. */
    public static final class SetattrIn {
        public static final StructLayout LAYOUT = struct("fuse_setattr_in", u32("valid"), u32("padding"), u64("fh"),
                u64("size"), u64("lock_owner"), u64("atime"), u64("mtime"), u64("ctime"), u32("atimensec"),
                u32("mtimensec"), u32("ctimensec"), u32("mode"), u32("unused4"), u32("uid"), u32("gid"), u32("unused5"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        public static final int FATTR_MODE = 1, FATTR_UID = 2, FATTR_GID = 4, FATTR_SIZE = 8, FATTR_ATIME = 16,
                FATTR_MTIME = 32, FATTR_FH = 64, FATTR_ATIME_NOW = 128, FATTR_MTIME_NOW = 256, FATTR_LOCKOWNER = 512,
                FATTR_CTIME = 1024, FATTR_KILL_SUIDGID = 2048;
        private static final VarHandle VALID = field(LAYOUT, "valid"), FH = field(LAYOUT, "fh"), SZ = field(LAYOUT, "size"),
                ATIME = field(LAYOUT, "atime"), MTIME = field(LAYOUT, "mtime"), ATIMENSEC = field(LAYOUT, "atimensec"),
                MTIMENSEC = field(LAYOUT, "mtimensec"), MODE = field(LAYOUT, "mode"), UID = field(LAYOUT, "uid"),
                GID = field(LAYOUT, "gid");
        public static int valid(MemorySegment s, long at) { return (int) VALID.get(s, at); }
        public static long fh(MemorySegment s, long at) { return (long) FH.get(s, at); }
        public static long size(MemorySegment s, long at) { return (long) SZ.get(s, at); }
        public static long atime(MemorySegment s, long at) { return (long) ATIME.get(s, at); }
        public static long mtime(MemorySegment s, long at) { return (long) MTIME.get(s, at); }
        public static int atimensec(MemorySegment s, long at) { return (int) ATIMENSEC.get(s, at); }
        public static int mtimensec(MemorySegment s, long at) { return (int) MTIMENSEC.get(s, at); }
        public static int mode(MemorySegment s, long at) { return (int) MODE.get(s, at); }
        public static int uid(MemorySegment s, long at) { return (int) UID.get(s, at); }
        public static int gid(MemorySegment s, long at) { return (int) GID.get(s, at); }
    }

    /** fuse_open_in (8), for OPEN and OPENDIR; open_flags bits. */
    public static final class OpenIn {
        public static final StructLayout LAYOUT = struct("fuse_open_in", u32("flags"), u32("open_flags"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        /** The caller lacked CAP_FSETID: an O_TRUNC open clears setuid/setgid (also in fuse_create_in). */
        public static final int FUSE_OPEN_KILL_SUIDGID = 1;
        private static final VarHandle FLAGS = field(LAYOUT, "flags"), OPEN_FLAGS = field(LAYOUT, "open_flags");
        public static int flags(MemorySegment s, long at) { return (int) FLAGS.get(s, at); }
        public static int openFlags(MemorySegment s, long at) { return (int) OPEN_FLAGS.get(s, at); }
        public static void write(MemorySegment s, long at, int flags, int openFlags) {
            FLAGS.set(s, at, flags);
            OPEN_FLAGS.set(s, at, openFlags);
        }
    }

    /** fuse_create_in (16); the name follows. */
    public static final class CreateIn {
        public static final StructLayout LAYOUT = struct("fuse_create_in", u32("flags"), u32("mode"), u32("umask"), u32("open_flags"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        private static final VarHandle FLAGS = field(LAYOUT, "flags"), MODE = field(LAYOUT, "mode"),
                UMASK = field(LAYOUT, "umask"), OPEN_FLAGS = field(LAYOUT, "open_flags");
        public static int flags(MemorySegment s, long at) { return (int) FLAGS.get(s, at); }
        public static int mode(MemorySegment s, long at) { return (int) MODE.get(s, at); }
        public static int umask(MemorySegment s, long at) { return (int) UMASK.get(s, at); }
        public static int openFlags(MemorySegment s, long at) { return (int) OPEN_FLAGS.get(s, at); }
    }

    /** fuse_mknod_in (16); the name follows. */
    public static final class MknodIn {
        public static final StructLayout LAYOUT = struct("fuse_mknod_in", u32("mode"), u32("rdev"), u32("umask"), u32("padding"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        private static final VarHandle MODE = field(LAYOUT, "mode"), RDEV = field(LAYOUT, "rdev"), UMASK = field(LAYOUT, "umask");
        public static int mode(MemorySegment s, long at) { return (int) MODE.get(s, at); }
        public static int rdev(MemorySegment s, long at) { return (int) RDEV.get(s, at); }
        public static int umask(MemorySegment s, long at) { return (int) UMASK.get(s, at); }
    }

    /** fuse_mkdir_in (8); the name follows. */
    public static final class MkdirIn {
        public static final StructLayout LAYOUT = struct("fuse_mkdir_in", u32("mode"), u32("umask"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        private static final VarHandle MODE = field(LAYOUT, "mode"), UMASK = field(LAYOUT, "umask");
        public static int mode(MemorySegment s, long at) { return (int) MODE.get(s, at); }
        public static int umask(MemorySegment s, long at) { return (int) UMASK.get(s, at); }
    }

    /** fuse_rename_in (8) and fuse_rename2_in (16); two names follow. */
    public static final class RenameIn {
        public static final StructLayout LAYOUT = struct("fuse_rename_in", u64("newdir"));
        public static final StructLayout LAYOUT2 = struct("fuse_rename2_in", u64("newdir"), u32("flags"), u32("padding"));
        public static final int SIZE = (int) LAYOUT.byteSize(), SIZE2 = (int) LAYOUT2.byteSize();
        private static final VarHandle NEWDIR = field(LAYOUT2, "newdir"), FLAGS = field(LAYOUT2, "flags");
        public static long newdir(MemorySegment s, long at) { return (long) NEWDIR.get(s, at); }
        /** RENAME2 only. */
        public static int flags(MemorySegment s, long at) { return (int) FLAGS.get(s, at); }
    }

    /**
     * Request extensions (fuse_ext_header, 8 bytes, then the extension; each a multiple of 8 long),
     * after the arguments: {@code total_extlen * 8} bytes at the end of the request. The one we read
     * is FUSE_EXT_GROUPS (fuse_supp_groups: nr_groups, then the groups), which a kernel that
     * negotiated CREATE_SUPP_GROUP adds to a creation when the caller is in the parent directory's
     * group only as a supplementary one.
     */
    public static final class Extension {
        public static final StructLayout HEADER = struct("fuse_ext_header", u32("size"), u32("type"));
        public static final StructLayout SUPP_GROUPS = struct("fuse_supp_groups", u32("nr_groups"));
        public static final int HEADER_SIZE = (int) HEADER.byteSize();
        public static final int FUSE_EXT_GROUPS = 32;
        private static final VarHandle SIZE = field(HEADER, "size"), TYPE = field(HEADER, "type"),
                NR_GROUPS = field(SUPP_GROUPS, "nr_groups");

        /**
         * The first supplementary group of a FUSE_EXT_GROUPS extension among those in
         * {@code [from, to)} of {@code s}, or -1 when there is none or the extensions are malformed
         * (then the request is served with the caller's primary group alone: less, never more).
         */
        public static long suppGroup(MemorySegment s, long from, long to) {
            long at = from;
            while (at + HEADER_SIZE <= to) {
                long size = Integer.toUnsignedLong((int) SIZE.get(s, at));
                if (size < HEADER_SIZE || size % 8 != 0 || size > to - at) return -1;
                if ((int) TYPE.get(s, at) == FUSE_EXT_GROUPS && size >= HEADER_SIZE + 8) {
                    long groups = at + HEADER_SIZE;
                    if ((int) NR_GROUPS.get(s, groups) == 0) return -1;
                    return Integer.toUnsignedLong(s.get(ValueLayout.JAVA_INT_UNALIGNED, groups + 4));
                }
                at += size;
            }
            return -1;
        }
    }

    /** fuse_link_in (8); the new name follows. */
    public static final class LinkIn {
        public static final StructLayout LAYOUT = struct("fuse_link_in", u64("oldnodeid"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        private static final VarHandle OLD = field(LAYOUT, "oldnodeid");
        public static long oldnodeid(MemorySegment s, long at) { return (long) OLD.get(s, at); }
    }

    /** fuse_read_in (40); fuse_write_in has the same fields, write_flags for read_flags. */
    public static final class ReadIn {
        public static final StructLayout LAYOUT = struct("fuse_read_in", u64("fh"), u64("offset"), u32("size"),
                u32("read_flags"), u64("lock_owner"), u32("flags"), u32("padding"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        private static final VarHandle FH = field(LAYOUT, "fh"), OFFSET = field(LAYOUT, "offset"),
                SZ = field(LAYOUT, "size"), READ_FLAGS = field(LAYOUT, "read_flags");
        public static long fh(MemorySegment s, long at) { return (long) FH.get(s, at); }
        public static long offset(MemorySegment s, long at) { return (long) OFFSET.get(s, at); }
        public static long size(MemorySegment s, long at) { return Integer.toUnsignedLong((int) SZ.get(s, at)); }
        public static int readFlags(MemorySegment s, long at) { return (int) READ_FLAGS.get(s, at); }
        public static void write(MemorySegment s, long at, long fh, long offset, int size, int flags) {
            s.asSlice(at, SIZE).fill((byte) 0);
            FH.set(s, at, fh);
            OFFSET.set(s, at, offset);
            SZ.set(s, at, size);
            READ_FLAGS.set(s, at, flags);
        }
    }

    /** fuse_write_in (40); the data follows. */
    public static final class WriteIn {
        public static final StructLayout LAYOUT = struct("fuse_write_in", u64("fh"), u64("offset"), u32("size"),
                u32("write_flags"), u64("lock_owner"), u32("flags"), u32("padding"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        /** The writer lacked CAP_FSETID: the write clears setuid/setgid. */
        public static final int FUSE_WRITE_KILL_SUIDGID = 4;
        private static final VarHandle WRITE_FLAGS = field(LAYOUT, "write_flags");
        public static long fh(MemorySegment s, long at) { return ReadIn.fh(s, at); }
        public static long offset(MemorySegment s, long at) { return ReadIn.offset(s, at); }
        public static long size(MemorySegment s, long at) { return ReadIn.size(s, at); }
        public static int writeFlags(MemorySegment s, long at) { return (int) WRITE_FLAGS.get(s, at); }
        public static void write(MemorySegment s, long at, long fh, long offset, int size, int flags) {
            ReadIn.write(s, at, fh, offset, size, flags);
        }
    }

    /** fuse_release_in (24), for RELEASE and RELEASEDIR. */
    public static final class ReleaseIn {
        public static final StructLayout LAYOUT = struct("fuse_release_in", u64("fh"), u32("flags"), u32("release_flags"), u64("lock_owner"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        private static final VarHandle FH = field(LAYOUT, "fh"), FLAGS = field(LAYOUT, "flags");
        public static long fh(MemorySegment s, long at) { return (long) FH.get(s, at); }
        public static int flags(MemorySegment s, long at) { return (int) FLAGS.get(s, at); }
        public static void write(MemorySegment s, long at, long fh, int flags) {
            s.asSlice(at, SIZE).fill((byte) 0);
            FH.set(s, at, fh);
            FLAGS.set(s, at, flags);
        }
    }

    /** fuse_flush_in (24). */
    public static final class FlushIn {
        public static final StructLayout LAYOUT = struct("fuse_flush_in", u64("fh"), u32("unused"), u32("padding"), u64("lock_owner"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        private static final VarHandle FH = field(LAYOUT, "fh");
        public static long fh(MemorySegment s, long at) { return (long) FH.get(s, at); }
        public static void write(MemorySegment s, long at, long fh) {
            s.asSlice(at, SIZE).fill((byte) 0);
            FH.set(s, at, fh);
        }
    }

    /** fuse_fsync_in (16), for FSYNC and FSYNCDIR. */
    public static final class FsyncIn {
        public static final StructLayout LAYOUT = struct("fuse_fsync_in", u64("fh"), u32("fsync_flags"), u32("padding"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        public static final int FSYNC_FDATASYNC = 1;
        private static final VarHandle FH = field(LAYOUT, "fh"), FLAGS = field(LAYOUT, "fsync_flags");
        public static long fh(MemorySegment s, long at) { return (long) FH.get(s, at); }
        public static int fsyncFlags(MemorySegment s, long at) { return (int) FLAGS.get(s, at); }
    }

    /** fuse_setxattr_in: 16 bytes with FUSE_SETXATTR_EXT, else the 8-byte FUSE_COMPAT_SETXATTR_IN_SIZE. */
    public static final class SetxattrIn {
        public static final StructLayout LAYOUT = struct("fuse_setxattr_in", u32("size"), u32("flags"), u32("setxattr_flags"), u32("padding"));
        public static final int SIZE = (int) LAYOUT.byteSize(), COMPAT_SIZE = (int) offset(LAYOUT, "setxattr_flags");
        private static final VarHandle SZ = field(LAYOUT, "size"), FLAGS = field(LAYOUT, "flags");
        public static long size(MemorySegment s, long at) { return Integer.toUnsignedLong((int) SZ.get(s, at)); }
        public static int flags(MemorySegment s, long at) { return (int) FLAGS.get(s, at); }
    }

    /** fuse_getxattr_in (8), for GETXATTR and LISTXATTR. */
    public static final class GetxattrIn {
        public static final StructLayout LAYOUT = struct("fuse_getxattr_in", u32("size"), u32("padding"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        private static final VarHandle SZ = field(LAYOUT, "size");
        public static long size(MemorySegment s, long at) { return Integer.toUnsignedLong((int) SZ.get(s, at)); }
    }

    /** fuse_access_in (8). */
    public static final class AccessIn {
        public static final StructLayout LAYOUT = struct("fuse_access_in", u32("mask"), u32("padding"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        private static final VarHandle MASK = field(LAYOUT, "mask");
        public static int mask(MemorySegment s, long at) { return (int) MASK.get(s, at); }
    }

    /** fuse_forget_in (8); fuse_batch_forget_in (8) followed by fuse_forget_one (16) entries. */
    public static final class ForgetIn {
        public static final StructLayout LAYOUT = struct("fuse_forget_in", u64("nlookup"));
        public static final StructLayout BATCH = struct("fuse_batch_forget_in", u32("count"), u32("dummy"));
        public static final StructLayout ONE = struct("fuse_forget_one", u64("nodeid"), u64("nlookup"));
        public static final int SIZE = (int) LAYOUT.byteSize(), BATCH_SIZE = (int) BATCH.byteSize(), ONE_SIZE = (int) ONE.byteSize();
        private static final VarHandle NLOOKUP = field(LAYOUT, "nlookup"), COUNT = field(BATCH, "count"),
                ONE_NODEID = field(ONE, "nodeid"), ONE_NLOOKUP = field(ONE, "nlookup"), BATCH_DUMMY = field(BATCH, "dummy");
        public static long nlookup(MemorySegment s, long at) { return (long) NLOOKUP.get(s, at); }
        public static long batchCount(MemorySegment s, long at) { return Integer.toUnsignedLong((int) COUNT.get(s, at)); }
        public static long oneNodeid(MemorySegment s, long at) { return (long) ONE_NODEID.get(s, at); }
        public static long oneNlookup(MemorySegment s, long at) { return (long) ONE_NLOOKUP.get(s, at); }
        public static void writeBatch(MemorySegment s, long at, int count) { COUNT.set(s, at, count); BATCH_DUMMY.set(s, at, 0); }
        public static void writeOne(MemorySegment s, long at, long nodeid, long nlookup) { ONE_NODEID.set(s, at, nodeid); ONE_NLOOKUP.set(s, at, nlookup); }
    }

    /** fuse_interrupt_in (8). */
    public static final class InterruptIn {
        public static final StructLayout LAYOUT = struct("fuse_interrupt_in", u64("unique"));
        public static final int SIZE = (int) LAYOUT.byteSize();
    }

    /** fuse_fallocate_in (32). */
    public static final class FallocateIn {
        public static final StructLayout LAYOUT = struct("fuse_fallocate_in", u64("fh"), u64("offset"), u64("length"), u32("mode"), u32("padding"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        private static final VarHandle FH = field(LAYOUT, "fh"), OFFSET = field(LAYOUT, "offset"),
                LENGTH = field(LAYOUT, "length"), MODE = field(LAYOUT, "mode");
        public static long fh(MemorySegment s, long at) { return (long) FH.get(s, at); }
        public static long offset(MemorySegment s, long at) { return (long) OFFSET.get(s, at); }
        public static long length(MemorySegment s, long at) { return (long) LENGTH.get(s, at); }
        public static int mode(MemorySegment s, long at) { return (int) MODE.get(s, at); }
    }

    /** fuse_lseek_in (24). */
    public static final class LseekIn {
        public static final StructLayout LAYOUT = struct("fuse_lseek_in", u64("fh"), u64("offset"), u32("whence"), u32("padding"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        private static final VarHandle FH = field(LAYOUT, "fh"), OFFSET = field(LAYOUT, "offset"), WHENCE = field(LAYOUT, "whence");
        public static long fh(MemorySegment s, long at) { return (long) FH.get(s, at); }
        public static long offset(MemorySegment s, long at) { return (long) OFFSET.get(s, at); }
        public static int whence(MemorySegment s, long at) { return (int) WHENCE.get(s, at); }
    }

    /** fuse_copy_file_range_in (56). */
    public static final class CopyFileRangeIn {
        public static final StructLayout LAYOUT = struct("fuse_copy_file_range_in", u64("fh_in"), u64("off_in"),
                u64("nodeid_out"), u64("fh_out"), u64("off_out"), u64("len"), u64("flags"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        private static final VarHandle FH_IN = field(LAYOUT, "fh_in"), OFF_IN = field(LAYOUT, "off_in"),
                NODEID_OUT = field(LAYOUT, "nodeid_out"), FH_OUT = field(LAYOUT, "fh_out"),
                OFF_OUT = field(LAYOUT, "off_out"), LEN = field(LAYOUT, "len"), FLAGS = field(LAYOUT, "flags");
        public static long fhIn(MemorySegment s, long at) { return (long) FH_IN.get(s, at); }
        public static long offIn(MemorySegment s, long at) { return (long) OFF_IN.get(s, at); }
        public static long nodeidOut(MemorySegment s, long at) { return (long) NODEID_OUT.get(s, at); }
        public static long fhOut(MemorySegment s, long at) { return (long) FH_OUT.get(s, at); }
        public static long offOut(MemorySegment s, long at) { return (long) OFF_OUT.get(s, at); }
        public static long len(MemorySegment s, long at) { return (long) LEN.get(s, at); }
        public static long flags(MemorySegment s, long at) { return (long) FLAGS.get(s, at); }
    }
}
