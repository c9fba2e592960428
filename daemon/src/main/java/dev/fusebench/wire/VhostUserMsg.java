package dev.fusebench.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static dev.fusebench.wire.Fields.*;

/**
 * vhost-user messages (QEMU docs/interop/vhost-user.rst): the 12-byte header and the payloads we
 * read or write, each declared once. Payload accessors take the payload's offset.
 */
public final class VhostUserMsg {
    private VhostUserMsg() {}

    /** Header: request, flags, size of the payload that follows. */
    public static final class Header {
        public static final StructLayout LAYOUT = struct("VhostUserHeader", u32("request"), u32("flags"), u32("size"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        private static final VarHandle REQUEST = field(LAYOUT, "request"), FLAGS = field(LAYOUT, "flags"), SZ = field(LAYOUT, "size");
        public static int request(MemorySegment s) { return (int) REQUEST.get(s, 0L); }
        public static int flags(MemorySegment s) { return (int) FLAGS.get(s, 0L); }
        public static int size(MemorySegment s) { return (int) SZ.get(s, 0L); }
        public static void write(MemorySegment s, int request, int flags, int size) {
            REQUEST.set(s, 0L, request);
            FLAGS.set(s, 0L, flags);
            SZ.set(s, 0L, size);
        }
    }

    /** A u64 payload (features, SET_LOG_BASE, replies). */
    public static final class U64 {
        public static final StructLayout LAYOUT = struct("u64", u64("value"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        private static final VarHandle VALUE = field(LAYOUT, "value");
        public static long value(MemorySegment s, long at) { return (long) VALUE.get(s, at); }
        public static void value(MemorySegment s, long at, long v) { VALUE.set(s, at, v); }
    }

    /**
     * The u64 of SET_VRING_KICK, SET_VRING_CALL and SET_VRING_ERR: the queue index in bits 0-7, and
     * bit 8 set when no fd comes with it (the ring is polled instead).
     */
    public static final class VringFd {
        private VringFd() {}
        public static final long INDEX_MASK = 0xff, NOFD_MASK = 0x100;
        public static int index(long u) { return (int) (u & INDEX_MASK); }
        public static boolean noFd(long u) { return (u & NOFD_MASK) != 0; }
    }

    /** struct vhost_vring_state (8): SET_VRING_NUM, SET_VRING_BASE, GET_VRING_BASE, SET_VRING_ENABLE. */
    public static final class VringState {
        public static final StructLayout LAYOUT = struct("vhost_vring_state", u32("index"), u32("num"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        private static final VarHandle INDEX = field(LAYOUT, "index"), NUM = field(LAYOUT, "num");
        public static int index(MemorySegment s, long at) { return (int) INDEX.get(s, at); }
        public static int num(MemorySegment s, long at) { return (int) NUM.get(s, at); }
        public static void write(MemorySegment s, long at, int index, int num) {
            INDEX.set(s, at, index);
            NUM.set(s, at, num);
        }
    }

    /** struct vhost_vring_addr (40): SET_VRING_ADDR, addresses in the frontend's virtual space. */
    public static final class VringAddr {
        public static final StructLayout LAYOUT = struct("vhost_vring_addr", u32("index"), u32("flags"),
                u64("desc_user_addr"), u64("used_user_addr"), u64("avail_user_addr"), u64("log_guest_addr"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        private static final VarHandle INDEX = field(LAYOUT, "index"), FLAGS = field(LAYOUT, "flags"),
                DESC = field(LAYOUT, "desc_user_addr"), USED = field(LAYOUT, "used_user_addr"),
                AVAIL = field(LAYOUT, "avail_user_addr"), LOG = field(LAYOUT, "log_guest_addr");
        public static int index(MemorySegment s, long at) { return (int) INDEX.get(s, at); }
        public static long desc(MemorySegment s, long at) { return (long) DESC.get(s, at); }
        public static long used(MemorySegment s, long at) { return (long) USED.get(s, at); }
        public static long avail(MemorySegment s, long at) { return (long) AVAIL.get(s, at); }
        public static void write(MemorySegment s, long at, int index, long desc, long used, long avail) {
            INDEX.set(s, at, index);
            FLAGS.set(s, at, 0);
            DESC.set(s, at, desc);
            USED.set(s, at, used);
            AVAIL.set(s, at, avail);
            LOG.set(s, at, 0L);
        }
    }

    /** SET_MEM_TABLE: a count, padding, then up to {@link #MAX_REGIONS} VhostUserMemoryRegion (32 each). */
    public static final class MemTable {
        public static final int MAX_REGIONS = 8;
        public static final StructLayout HEADER = struct("VhostUserMemory", u32("nregions"), u32("padding"));
        public static final StructLayout REGION = struct("VhostUserMemoryRegion", u64("guest_phys_addr"),
                u64("memory_size"), u64("userspace_addr"), u64("mmap_offset"));
        public static final int HEADER_SIZE = (int) HEADER.byteSize(), REGION_SIZE = (int) REGION.byteSize();
        private static final VarHandle NREGIONS = field(HEADER, "nregions"), PADDING = field(HEADER, "padding"),
                GPA = field(REGION, "guest_phys_addr"), SZ = field(REGION, "memory_size"),
                UVA = field(REGION, "userspace_addr"), OFFSET = field(REGION, "mmap_offset");
        public static int nregions(MemorySegment s, long at) { return (int) NREGIONS.get(s, at); }
        private static long region(long at, int i) { return at + HEADER_SIZE + (long) REGION_SIZE * i; }
        public static long guestPhysAddr(MemorySegment s, long at, int i) { return (long) GPA.get(s, region(at, i)); }
        public static long memorySize(MemorySegment s, long at, int i) { return (long) SZ.get(s, region(at, i)); }
        public static long userspaceAddr(MemorySegment s, long at, int i) { return (long) UVA.get(s, region(at, i)); }
        public static long mmapOffset(MemorySegment s, long at, int i) { return (long) OFFSET.get(s, region(at, i)); }
        public static void writeHeader(MemorySegment s, long at, int nregions) { NREGIONS.set(s, at, nregions); PADDING.set(s, at, 0); }
        public static void writeRegion(MemorySegment s, long at, int i, long gpa, long size, long uva, long mmapOffset) {
            long r = region(at, i);
            GPA.set(s, r, gpa);
            SZ.set(s, r, size);
            UVA.set(s, r, uva);
            OFFSET.set(s, r, mmapOffset);
        }
        public static long bytes(int nregions) { return HEADER_SIZE + (long) REGION_SIZE * nregions; }
    }

    /** ADD_MEM_REG and REM_MEM_REG (CONFIGURE_MEM_SLOTS): a u64 of padding, then one VhostUserMemoryRegion. */
    public static final class MemRegionMsg {
        public static final StructLayout LAYOUT = struct("VhostUserMemRegMsg", u64("padding"), MemTable.REGION.withName("region"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        private static final long REGION = offset(LAYOUT, "region");
        public static long guestPhysAddr(MemorySegment s, long at) { return MemTable.guestPhysAddr(s, at + REGION - MemTable.HEADER_SIZE, 0); }
        public static long memorySize(MemorySegment s, long at) { return MemTable.memorySize(s, at + REGION - MemTable.HEADER_SIZE, 0); }
        public static long userspaceAddr(MemorySegment s, long at) { return MemTable.userspaceAddr(s, at + REGION - MemTable.HEADER_SIZE, 0); }
        public static long mmapOffset(MemorySegment s, long at) { return MemTable.mmapOffset(s, at + REGION - MemTable.HEADER_SIZE, 0); }
    }
}
