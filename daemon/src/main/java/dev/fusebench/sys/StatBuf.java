package dev.fusebench.sys;

import dev.fusebench.wire.LibcStructs.Stat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A reusable native {@code struct stat} with typed getters; one per worker thread. */
public final class StatBuf {
    public static final long SIZE = Stat.SIZE;
    public final MemorySegment seg;

    public StatBuf(Arena arena) { this.seg = arena.allocate(Stat.LAYOUT); }

    public long dev() { return Stat.dev(seg); }
    public long ino() { return Stat.ino(seg); }
    public long nlink() { return Stat.nlink(seg); }
    public int mode() { return Stat.mode(seg); }
    public int uid() { return Stat.uid(seg); }
    public int gid() { return Stat.gid(seg); }
    public long rdev() { return Stat.rdev(seg); }
    public long size() { return Stat.size(seg); }
    public long blksize() { return Stat.blksize(seg); }
    public long blocks() { return Stat.blocks(seg); }
    public long atime() { return Stat.atime(seg); }
    public long atimeNsec() { return Stat.atimeNsec(seg); }
    public long mtime() { return Stat.mtime(seg); }
    public long mtimeNsec() { return Stat.mtimeNsec(seg); }
    public long ctime() { return Stat.ctime(seg); }
    public long ctimeNsec() { return Stat.ctimeNsec(seg); }

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
