package dev.fusebench.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static dev.fusebench.wire.Fields.*;

/**
 * The split virtqueue (virtio 1.x section 2.7, include/uapi/linux/virtio_ring.h): descriptor table
 * entries, the available ring and the used ring. Ring accessors take the ring's segment and an
 * index; the segment's bounds are the ring's bounds.
 */
public final class VirtioRing {
    private VirtioRing() {}

    /** struct vring_desc (16); accessors take the descriptor's byte offset in its table. */
    public static final class Desc {
        public static final StructLayout LAYOUT = struct("vring_desc", u64("addr"), u32("len"), u16("flags"), u16("next"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        public static final int F_NEXT = 1, F_WRITE = 2, F_INDIRECT = 4;
        private static final VarHandle ADDR = field(LAYOUT, "addr"), LEN = field(LAYOUT, "len"),
                FLAGS = field(LAYOUT, "flags"), NEXT = field(LAYOUT, "next");
        public static long addr(MemorySegment table, long at) { return (long) ADDR.get(table, at); }
        public static long len(MemorySegment table, long at) { return Integer.toUnsignedLong((int) LEN.get(table, at)); }
        public static int flags(MemorySegment table, long at) { return Short.toUnsignedInt((short) FLAGS.get(table, at)); }
        public static int next(MemorySegment table, long at) { return Short.toUnsignedInt((short) NEXT.get(table, at)); }
        public static void write(MemorySegment table, long at, long addr, int len, int flags, int next) {
            ADDR.set(table, at, addr);
            LEN.set(table, at, len);
            FLAGS.set(table, at, (short) flags);
            NEXT.set(table, at, (short) next);
        }
        public static long tableBytes(int size) { return (long) SIZE * size; }
    }

    /** struct vring_avail: flags, idx, ring[size], then used_event (with VIRTIO_RING_F_EVENT_IDX). */
    public static final class Avail {
        public static final StructLayout HEADER = struct("vring_avail", u16("flags"), u16("idx"));
        public static final int F_NO_INTERRUPT = 1;
        private static final VarHandle FLAGS = field(HEADER, "flags"), IDX = field(HEADER, "idx");
        private static final long RING = HEADER.byteSize();
        public static long bytes(int size) { return RING + 2L * size + 2; }
        public static int flags(MemorySegment avail) { return Short.toUnsignedInt((short) FLAGS.get(avail, 0L)); }
        public static int idx(MemorySegment avail) { return Short.toUnsignedInt((short) IDX.get(avail, 0L)); }
        public static void idx(MemorySegment avail, int idx) { IDX.set(avail, 0L, (short) idx); }
        public static int ring(MemorySegment avail, int slot) { return Short.toUnsignedInt(avail.get(U16, RING + 2L * slot)); }
        public static void ring(MemorySegment avail, int slot, int head) { avail.set(U16, RING + 2L * slot, (short) head); }
        public static int usedEvent(MemorySegment avail, int size) { return Short.toUnsignedInt(avail.get(U16, RING + 2L * size)); }
        public static void usedEvent(MemorySegment avail, int size, int v) { avail.set(U16, RING + 2L * size, (short) v); }
    }

    /** struct vring_used: flags, idx, ring[size] of vring_used_elem, then avail_event. */
    public static final class Used {
        public static final StructLayout HEADER = struct("vring_used", u16("flags"), u16("idx"));
        public static final StructLayout ELEM = struct("vring_used_elem", u32("id"), u32("len"));
        private static final VarHandle IDX = field(HEADER, "idx"), ID = field(ELEM, "id"), LEN = field(ELEM, "len");
        private static final long RING = HEADER.byteSize();
        private static final long ELEM_SIZE = ELEM.byteSize();
        public static long bytes(int size) { return RING + ELEM_SIZE * size + 2; }
        public static int idx(MemorySegment used) { return Short.toUnsignedInt((short) IDX.get(used, 0L)); }
        public static void idx(MemorySegment used, int idx) { IDX.set(used, 0L, (short) idx); }
        public static int id(MemorySegment used, int slot) { return (int) ID.get(used, RING + ELEM_SIZE * slot); }
        public static int len(MemorySegment used, int slot) { return (int) LEN.get(used, RING + ELEM_SIZE * slot); }
        public static void elem(MemorySegment used, int slot, int id, int len) {
            ID.set(used, RING + ELEM_SIZE * slot, id);
            LEN.set(used, RING + ELEM_SIZE * slot, len);
        }
        public static int availEvent(MemorySegment used, int size) { return Short.toUnsignedInt(used.get(U16, RING + ELEM_SIZE * size)); }
        public static void availEvent(MemorySegment used, int size, int v) { used.set(U16, RING + ELEM_SIZE * size, (short) v); }
    }

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
}
