package dev.fusebench.sys;

/** open(2), *at(2), mount(2) and friends: the x86_64 Linux values. */
public final class Flags {
    private Flags() {}
    public static final int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_ACCMODE = 3;
    public static final int O_CREAT = 0100, O_EXCL = 0200, O_NOCTTY = 0400, O_TRUNC = 01000, O_APPEND = 02000,
            O_NONBLOCK = 04000, O_DIRECT = 040000, O_LARGEFILE = 0100000, O_DIRECTORY = 0200000,
            O_NOFOLLOW = 0400000, O_NOATIME = 01000000, O_CLOEXEC = 02000000, O_PATH = 010000000;
    public static final int AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200,
            AT_SYMLINK_FOLLOW = 0x400, AT_EMPTY_PATH = 0x1000;
    public static final int SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2, SEEK_DATA = 3, SEEK_HOLE = 4;
    public static final int S_IFMT = 0170000, S_IFSOCK = 0140000, S_IFLNK = 0120000, S_IFREG = 0100000,
            S_IFBLK = 060000, S_IFDIR = 040000, S_IFCHR = 020000, S_IFIFO = 010000;
    public static final int CLONE_FS = 0x200;
    public static final int S_ISUID = 04000, S_ISGID = 02000, S_IXGRP = 010;
    public static final int RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2, RENAME_WHITEOUT = 4;
    public static final long MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8;
    public static final int MNT_FORCE = 1, MNT_DETACH = 2;
    public static final long UTIME_NOW = (1L << 30) - 1, UTIME_OMIT = (1L << 30) - 2;
    public static final int R_OK = 4, W_OK = 2, X_OK = 1, F_OK = 0;

    public static final int AF_UNIX = 1, SOCK_STREAM = 1, SOCK_CLOEXEC = O_CLOEXEC, SOL_SOCKET = 1, SCM_RIGHTS = 1,
            MSG_CMSG_CLOEXEC = 0x40000000, MSG_NOSIGNAL = 0x4000, MSG_DONTWAIT = 0x40, SHUT_RDWR = 2;
    public static final int PROT_READ = 1, PROT_WRITE = 2, MAP_SHARED = 1, MAP_POPULATE = 0x8000;
    public static final int EFD_CLOEXEC = O_CLOEXEC, EFD_NONBLOCK = O_NONBLOCK, MFD_CLOEXEC = 1;
    public static final short POLLIN = 1, POLLERR = 8, POLLHUP = 16, POLLNVAL = 32;

    public static boolean isDir(int mode) { return (mode & S_IFMT) == S_IFDIR; }
    public static boolean isReg(int mode) { return (mode & S_IFMT) == S_IFREG; }
    public static boolean isLnk(int mode) { return (mode & S_IFMT) == S_IFLNK; }
}
