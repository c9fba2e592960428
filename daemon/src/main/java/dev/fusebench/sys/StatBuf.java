package dev.fusebench.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** A reusable x86_64 {@code struct stat} (144 bytes) with typed getters; one per worker thread. */
public final class StatBuf {
    public static final long SIZE = 144;
    public final MemorySegment seg;

    public StatBuf(Arena arena) { this.seg = arena.allocate(SIZE, 8); }

    public long dev() { return seg.get(JAVA_LONG, 0); }
    public long ino() { return seg.get(JAVA_LONG, 8); }
    public long nlink() { return seg.get(JAVA_LONG, 16); }
    public int mode() { return seg.get(JAVA_INT, 24); }
    public int uid() { return seg.get(JAVA_INT, 28); }
    public int gid() { return seg.get(JAVA_INT, 32); }
    public long rdev() { return seg.get(JAVA_LONG, 40); }
    public long size() { return seg.get(JAVA_LONG, 48); }
    public long blksize() { return seg.get(JAVA_LONG, 56); }
    public long blocks() { return seg.get(JAVA_LONG, 64); }
    public long atime() { return seg.get(JAVA_LONG, 72); }
    public long atimeNsec() { return seg.get(JAVA_LONG, 80); }
    public long mtime() { return seg.get(JAVA_LONG, 88); }
    public long mtimeNsec() { return seg.get(JAVA_LONG, 96); }
    public long ctime() { return seg.get(JAVA_LONG, 104); }
    public long ctimeNsec() { return seg.get(JAVA_LONG, 112); }

    /** glibc's gnu_dev_major/minor on a 64-bit dev_t. */
    public static int major(long dev) { return (int) (((dev >>> 32) & 0xfffff000L) | ((dev >>> 8) & 0xfffL)); }
    public static int minor(long dev) { return (int) (((dev >>> 12) & 0xffffff00L) | (dev & 0xffL)); }
    public static long makedev(int major, int minor) {
        long ma = major & 0xffffffffL, mi = minor & 0xffffffffL;
        return ((ma & 0xfffff000L) << 32) | ((ma & 0xfffL) << 8) | ((mi & 0xffffff00L) << 12) | (mi & 0xffL);
    }
    /** The kernel's new_encode_dev: how FUSE carries rdev in 32 bits. */
    public static int encodeDev32(long dev) {
        int ma = major(dev), mi = minor(dev);
        return (mi & 0xff) | (ma << 8) | ((mi & ~0xff) << 12);
    }
    public static long decodeDev32(int dev) {
        int ma = (dev & 0xfff00) >>> 8;
        int mi = (dev & 0xff) | ((dev >>> 12) & 0xfff00);
        return makedev(ma, mi);
    }
}
