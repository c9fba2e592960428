package dev.fusebench.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static dev.fusebench.wire.Fields.*;

/** The x86_64 Linux libc structs we pass to system calls, each declared once. */
public final class LibcStructs {
    private LibcStructs() {}

    /** struct iovec (16). */
    public static final class Iovec {
        public static final StructLayout LAYOUT = struct("iovec", u64("iov_base"), u64("iov_len"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        private static final VarHandle BASE = field(LAYOUT, "iov_base"), LEN = field(LAYOUT, "iov_len");
        public static long base(MemorySegment array, int i) { return (long) BASE.get(array, (long) SIZE * i); }
        public static long len(MemorySegment array, int i) { return (long) LEN.get(array, (long) SIZE * i); }
        public static void write(MemorySegment array, int i, long base, long len) {
            BASE.set(array, (long) SIZE * i, base);
            LEN.set(array, (long) SIZE * i, len);
        }
    }

    /** struct msghdr (56). */
    public static final class Msghdr {
        public static final StructLayout LAYOUT = struct("msghdr", u64("msg_name"), u32("msg_namelen"), u32("pad0"),
                u64("msg_iov"), u64("msg_iovlen"), u64("msg_control"), u64("msg_controllen"), u32("msg_flags"), u32("pad1"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        private static final VarHandle IOV = field(LAYOUT, "msg_iov"), IOVLEN = field(LAYOUT, "msg_iovlen"),
                CONTROL = field(LAYOUT, "msg_control"), CONTROLLEN = field(LAYOUT, "msg_controllen");
        /** Fills the whole header: no name, the given iovec array and control buffer (NULL for none). */
        public static void write(MemorySegment s, MemorySegment iov, int iovlen, MemorySegment control, long controllen) {
            s.asSlice(0, SIZE).fill((byte) 0);
            IOV.set(s, 0L, iov.address());
            IOVLEN.set(s, 0L, (long) iovlen);
            CONTROL.set(s, 0L, control.address());
            CONTROLLEN.set(s, 0L, controllen);
        }
        public static long controllen(MemorySegment s) { return (long) CONTROLLEN.get(s, 0L); }
    }

    /** struct cmsghdr (16), then the data: SCM_RIGHTS carries ints. */
    public static final class Cmsghdr {
        public static final StructLayout LAYOUT = struct("cmsghdr", u64("cmsg_len"), u32("cmsg_level"), u32("cmsg_type"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        private static final VarHandle LEN = field(LAYOUT, "cmsg_len"), LEVEL = field(LAYOUT, "cmsg_level"), TYPE = field(LAYOUT, "cmsg_type");
        public static long len(MemorySegment s, long at) { return (long) LEN.get(s, at); }
        public static int level(MemorySegment s, long at) { return (int) LEVEL.get(s, at); }
        public static int type(MemorySegment s, long at) { return (int) TYPE.get(s, at); }
        public static void write(MemorySegment s, long at, long len, int level, int type) {
            LEN.set(s, at, len);
            LEVEL.set(s, at, level);
            TYPE.set(s, at, type);
        }
        /** CMSG_LEN(n). */
        public static long lenFor(long dataBytes) { return SIZE + dataBytes; }
        /** CMSG_SPACE(n). */
        public static long spaceFor(long dataBytes) { return SIZE + ((dataBytes + 7) & ~7L); }
    }

    /** struct pollfd (8). */
    public static final class Pollfd {
        public static final StructLayout LAYOUT = struct("pollfd", u32("fd"), u16("events"), u16("revents"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        private static final VarHandle FD = field(LAYOUT, "fd"), EVENTS = field(LAYOUT, "events"), REVENTS = field(LAYOUT, "revents");
        public static void write(MemorySegment array, int i, int fd, int events) {
            FD.set(array, (long) SIZE * i, fd);
            EVENTS.set(array, (long) SIZE * i, (short) events);
            REVENTS.set(array, (long) SIZE * i, (short) 0);
        }
        public static int revents(MemorySegment array, int i) { return Short.toUnsignedInt((short) REVENTS.get(array, (long) SIZE * i)); }
    }

    /** struct stat (144, x86_64). */
    public static final class Stat {
        public static final StructLayout LAYOUT = struct("stat", u64("st_dev"), u64("st_ino"), u64("st_nlink"),
                u32("st_mode"), u32("st_uid"), u32("st_gid"), u32("pad0"), u64("st_rdev"), u64("st_size"),
                u64("st_blksize"), u64("st_blocks"), u64("st_atime"), u64("st_atime_nsec"), u64("st_mtime"),
                u64("st_mtime_nsec"), u64("st_ctime"), u64("st_ctime_nsec"), pad("reserved", 24));
        public static final int SIZE = (int) LAYOUT.byteSize();
        static final VarHandle DEV = field(LAYOUT, "st_dev"), INO = field(LAYOUT, "st_ino"), NLINK = field(LAYOUT, "st_nlink"),
                MODE = field(LAYOUT, "st_mode"), UID = field(LAYOUT, "st_uid"), GID = field(LAYOUT, "st_gid"),
                RDEV = field(LAYOUT, "st_rdev"), SZ = field(LAYOUT, "st_size"), BLKSIZE = field(LAYOUT, "st_blksize"),
                BLOCKS = field(LAYOUT, "st_blocks"), ATIME = field(LAYOUT, "st_atime"), ATIME_NSEC = field(LAYOUT, "st_atime_nsec"),
                MTIME = field(LAYOUT, "st_mtime"), MTIME_NSEC = field(LAYOUT, "st_mtime_nsec"),
                CTIME = field(LAYOUT, "st_ctime"), CTIME_NSEC = field(LAYOUT, "st_ctime_nsec");
        public static long dev(MemorySegment s) { return (long) DEV.get(s, 0L); }
        public static long ino(MemorySegment s) { return (long) INO.get(s, 0L); }
        public static long nlink(MemorySegment s) { return (long) NLINK.get(s, 0L); }
        public static int mode(MemorySegment s) { return (int) MODE.get(s, 0L); }
        public static int uid(MemorySegment s) { return (int) UID.get(s, 0L); }
        public static int gid(MemorySegment s) { return (int) GID.get(s, 0L); }
        public static long rdev(MemorySegment s) { return (long) RDEV.get(s, 0L); }
        public static long size(MemorySegment s) { return (long) SZ.get(s, 0L); }
        public static long blksize(MemorySegment s) { return (long) BLKSIZE.get(s, 0L); }
        public static long blocks(MemorySegment s) { return (long) BLOCKS.get(s, 0L); }
        public static long atime(MemorySegment s) { return (long) ATIME.get(s, 0L); }
        public static long atimeNsec(MemorySegment s) { return (long) ATIME_NSEC.get(s, 0L); }
        public static long mtime(MemorySegment s) { return (long) MTIME.get(s, 0L); }
        public static long mtimeNsec(MemorySegment s) { return (long) MTIME_NSEC.get(s, 0L); }
        public static long ctime(MemorySegment s) { return (long) CTIME.get(s, 0L); }
        public static long ctimeNsec(MemorySegment s) { return (long) CTIME_NSEC.get(s, 0L); }
    }

    /** struct statfs (120, x86_64). */
    public static final class Statfs {
        public static final StructLayout LAYOUT = struct("statfs", u64("f_type"), u64("f_bsize"), u64("f_blocks"),
                u64("f_bfree"), u64("f_bavail"), u64("f_files"), u64("f_ffree"), pad("f_fsid", 8), u64("f_namelen"),
                u64("f_frsize"), u64("f_flags"), pad("f_spare", 32));
        public static final int SIZE = (int) LAYOUT.byteSize();
        private static final VarHandle BSIZE = field(LAYOUT, "f_bsize"), BLOCKS = field(LAYOUT, "f_blocks"),
                BFREE = field(LAYOUT, "f_bfree"), BAVAIL = field(LAYOUT, "f_bavail"), FILES = field(LAYOUT, "f_files"),
                FFREE = field(LAYOUT, "f_ffree"), NAMELEN = field(LAYOUT, "f_namelen"), FRSIZE = field(LAYOUT, "f_frsize");
        public static long bsize(MemorySegment s) { return (long) BSIZE.get(s, 0L); }
        public static long blocks(MemorySegment s) { return (long) BLOCKS.get(s, 0L); }
        public static long bfree(MemorySegment s) { return (long) BFREE.get(s, 0L); }
        public static long bavail(MemorySegment s) { return (long) BAVAIL.get(s, 0L); }
        public static long files(MemorySegment s) { return (long) FILES.get(s, 0L); }
        public static long ffree(MemorySegment s) { return (long) FFREE.get(s, 0L); }
        public static long namelen(MemorySegment s) { return (long) NAMELEN.get(s, 0L); }
        public static long frsize(MemorySegment s) { return (long) FRSIZE.get(s, 0L); }
    }

    /** struct linux_dirent64 (19 bytes before the name): what getdents64 fills. */
    public static final class Dirent64 {
        public static final StructLayout LAYOUT = struct("linux_dirent64", u64("d_ino"), u64("d_off"), u16("d_reclen"), u8("d_type"));
        public static final int NAME = (int) LAYOUT.byteSize();
        private static final VarHandle INO = field(LAYOUT, "d_ino"), OFF = field(LAYOUT, "d_off"),
                RECLEN = field(LAYOUT, "d_reclen"), TYPE = field(LAYOUT, "d_type");
        public static long ino(MemorySegment s, long at) { return (long) INO.get(s, at); }
        public static long off(MemorySegment s, long at) { return (long) OFF.get(s, at); }
        public static int reclen(MemorySegment s, long at) { return Short.toUnsignedInt((short) RECLEN.get(s, at)); }
        public static int type(MemorySegment s, long at) { return Byte.toUnsignedInt((byte) TYPE.get(s, at)); }
    }

    /** struct timespec (16); utimensat takes two. */
    public static final class Timespec {
        public static final StructLayout LAYOUT = struct("timespec", u64("tv_sec"), u64("tv_nsec"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        private static final VarHandle SEC = field(LAYOUT, "tv_sec"), NSEC = field(LAYOUT, "tv_nsec");
        public static void write(MemorySegment array, int i, long sec, long nsec) {
            SEC.set(array, (long) SIZE * i, sec);
            NSEC.set(array, (long) SIZE * i, nsec);
        }
    }

    /** struct sockaddr_un (110): family, then a NUL-terminated path of at most 107 bytes. */
    public static final class SockaddrUn {
        public static final StructLayout LAYOUT = struct("sockaddr_un", u16("sun_family"), pad("sun_path", 108));
        public static final int SIZE = (int) LAYOUT.byteSize();
        public static final int PATH = (int) offset(LAYOUT, "sun_path");
        private static final VarHandle FAMILY = field(LAYOUT, "sun_family");
        public static void family(MemorySegment s, int family) { FAMILY.set(s, 0L, (short) family); }

        /**
         * Lays out {@code family} and {@code name}: a file name, NUL-terminated, or with
         * {@code abstractName} an abstract one (after a leading NUL, unterminated). Returns the
         * address length bind and connect take. The caller has checked the name fits (107 bytes).
         */
        public static int write(MemorySegment s, int family, byte[] name, boolean abstractName) {
            family(s, family);
            int at = PATH + (abstractName ? 1 : 0);
            s.set(ValueLayout.JAVA_BYTE, PATH, (byte) 0);
            MemorySegment.copy(MemorySegment.ofArray(name), 0, s, at, name.length);
            if (!abstractName) s.set(ValueLayout.JAVA_BYTE, at + name.length, (byte) 0);
            return at + name.length + (abstractName ? 0 : 1);
        }
    }

    /**
     * capget/capset's arguments (linux/capability.h, version 3): a header, then two data structs
     * whose first holds capabilities 0-31 and second 32-63.
     */
    public static final class Capabilities {
        public static final StructLayout HEADER = struct("__user_cap_header_struct", u32("version"), u32("pid"));
        public static final StructLayout DATA = struct("__user_cap_data_struct", u32("effective"), u32("permitted"), u32("inheritable"));
        public static final int VERSION_3 = 0x20080522;
        public static final int DATA_SIZE = (int) DATA.byteSize();
        private static final VarHandle VERSION = field(HEADER, "version"), PID = field(HEADER, "pid"),
                EFFECTIVE = field(DATA, "effective");

        /** A header for the calling thread. */
        public static void header(MemorySegment s) {
            VERSION.set(s, 0L, VERSION_3);
            PID.set(s, 0L, 0);
        }

        /** The 64-bit effective set of a two-struct data array. */
        public static long effective(MemorySegment data) {
            return Integer.toUnsignedLong((int) EFFECTIVE.get(data, 0L)) | (long) (int) EFFECTIVE.get(data, (long) DATA_SIZE) << 32;
        }

        public static void effective(MemorySegment data, long set) {
            EFFECTIVE.set(data, 0L, (int) set);
            EFFECTIVE.set(data, (long) DATA_SIZE, (int) (set >>> 32));
        }
    }

    /** struct sock_filter (8): one classic BPF instruction of a seccomp filter. */
    public static final class SockFilter {
        public static final StructLayout LAYOUT = struct("sock_filter", u16("code"), u8("jt"), u8("jf"), u32("k"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        private static final VarHandle CODE = field(LAYOUT, "code"), JT = field(LAYOUT, "jt"), JF = field(LAYOUT, "jf"),
                K = field(LAYOUT, "k");
        public static void write(MemorySegment program, int i, int code, int jt, int jf, int k) {
            long at = (long) SIZE * i;
            CODE.set(program, at, (short) code);
            JT.set(program, at, (byte) jt);
            JF.set(program, at, (byte) jf);
            K.set(program, at, k);
        }
    }

    /** struct sock_fprog (16): the number of instructions and where they are. */
    public static final class SockFprog {
        public static final StructLayout LAYOUT = struct("sock_fprog", u16("len"), pad("pad", 6), u64("filter"));
        private static final VarHandle LEN = field(LAYOUT, "len"), FILTER = field(LAYOUT, "filter");
        public static void write(MemorySegment s, int len, MemorySegment filter) {
            LEN.set(s, 0L, (short) len);
            FILTER.set(s, 0L, filter.address());
        }
    }

    /** struct rlimit (16). */
    public static final class Rlimit {
        public static final StructLayout LAYOUT = struct("rlimit", u64("rlim_cur"), u64("rlim_max"));
        private static final VarHandle CUR = field(LAYOUT, "rlim_cur");
        public static long cur(MemorySegment s) { return (long) CUR.get(s, 0L); }
        public static void cur(MemorySegment s, long v) { CUR.set(s, 0L, v); }
    }

    /** struct file_handle (8, then handle_bytes of handle): name_to_handle_at fills it, open_by_handle_at takes it. */
    public static final class FileHandle {
        public static final StructLayout LAYOUT = struct("file_handle", u32("handle_bytes"), u32("handle_type"));
        public static final int MAX_HANDLE_SZ = 128;
        private static final VarHandle BYTES = field(LAYOUT, "handle_bytes");
        public static void handleBytes(MemorySegment s, int n) { BYTES.set(s, 0L, n); }
    }
}
