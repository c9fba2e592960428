package dev.fusebench.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static dev.fusebench.wire.Fields.*;

/** The io_uring structs of include/uapi/linux/io_uring.h that a ring needs, each declared once. */
public final class IoUringAbi {
    private IoUringAbi() {}

    public static final int SYS_SETUP = 425, SYS_ENTER = 426;
    public static final int SETUP_CQSIZE = 1 << 3, SETUP_SQE128 = 1 << 10, SETUP_NO_SQARRAY = 1 << 16;
    public static final int FEAT_SINGLE_MMAP = 1;
    public static final int ENTER_GETEVENTS = 1;
    public static final long OFF_SQES = 0x10000000L;
    public static final int OP_URING_CMD = 46;

    /** struct io_sqring_offsets / io_cqring_offsets (40 each), inside io_uring_params. */
    private static StructLayout offsets(String name, String f5, String f6) {
        return struct(name, u32("head"), u32("tail"), u32("ring_mask"), u32("ring_entries"), u32(f5), u32(f6),
                u32("f7"), u32("resv1"), u64("user_addr"));
    }

    /** struct io_uring_params (120). */
    public static final class Params {
        public static final StructLayout LAYOUT = struct("io_uring_params", u32("sq_entries"), u32("cq_entries"),
                u32("flags"), u32("sq_thread_cpu"), u32("sq_thread_idle"), u32("features"), u32("wq_fd"), pad("resv", 12),
                offsets("sq_off", "flags", "dropped").withName("sq_off"), offsets("cq_off", "overflow", "cqes").withName("cq_off"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        private static final VarHandle SQ_ENTRIES = field(LAYOUT, "sq_entries"), CQ_ENTRIES = field(LAYOUT, "cq_entries"),
                FLAGS = field(LAYOUT, "flags"), FEATURES = field(LAYOUT, "features");
        private static final long SQ_OFF = offset(LAYOUT, "sq_off"), CQ_OFF = offset(LAYOUT, "cq_off");
        /** Offsets of the ring fields inside io_sqring_offsets / io_cqring_offsets. */
        public static final int HEAD = 0, TAIL = 4, RING_MASK = 8, CQES = 20;

        public static void write(MemorySegment s, int flags, int cqEntries) {
            s.fill((byte) 0);
            FLAGS.set(s, 0L, flags);
            CQ_ENTRIES.set(s, 0L, cqEntries);
        }
        public static int sqEntries(MemorySegment s) { return (int) SQ_ENTRIES.get(s, 0L); }
        public static int cqEntries(MemorySegment s) { return (int) CQ_ENTRIES.get(s, 0L); }
        public static int features(MemorySegment s) { return (int) FEATURES.get(s, 0L); }
        /** A field of sq_off (HEAD, TAIL, RING_MASK). */
        public static int sqOff(MemorySegment s, int field) { return s.get(ValueLayout.JAVA_INT_UNALIGNED, SQ_OFF + field); }
        /** A field of cq_off (HEAD, TAIL, RING_MASK, CQES). */
        public static int cqOff(MemorySegment s, int field) { return s.get(ValueLayout.JAVA_INT_UNALIGNED, CQ_OFF + field); }
    }

    /** struct io_uring_sqe as IORING_OP_URING_CMD uses it (64 bytes; 128 with SETUP_SQE128, cmd[] then 80 bytes). */
    public static final class Sqe {
        public static final StructLayout LAYOUT = struct("io_uring_sqe", u8("opcode"), u8("flags"), u16("ioprio"), u32("fd"),
                u32("cmd_op"), u32("pad1"), u64("addr"), u32("len"), u32("rw_flags"), u64("user_data"),
                u16("buf_index"), u16("personality"), u32("splice_fd_in"), pad("cmd", 16));
        public static final int SIZE = (int) LAYOUT.byteSize(), SIZE128 = 128;
        /** Where the command's own data starts (80 bytes with SQE128). */
        public static final long CMD = offset(LAYOUT, "cmd");
        private static final VarHandle OPCODE = field(LAYOUT, "opcode"), FD = field(LAYOUT, "fd"), CMD_OP = field(LAYOUT, "cmd_op"),
                ADDR = field(LAYOUT, "addr"), LEN = field(LAYOUT, "len"), USER_DATA = field(LAYOUT, "user_data");

        /** An URING_CMD on {@code fd}; the caller has zeroed the SQE and fills cmd[] after. */
        public static void uringCmd(MemorySegment s, long at, int fd, int cmdOp, long addr, int len, long userData) {
            OPCODE.set(s, at, (byte) OP_URING_CMD);
            FD.set(s, at, fd);
            CMD_OP.set(s, at, cmdOp);
            ADDR.set(s, at, addr);
            LEN.set(s, at, len);
            USER_DATA.set(s, at, userData);
        }
    }

    /** struct io_uring_cqe (16). */
    public static final class Cqe {
        public static final StructLayout LAYOUT = struct("io_uring_cqe", u64("user_data"), u32("res"), u32("flags"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        private static final VarHandle USER_DATA = field(LAYOUT, "user_data"), RES = field(LAYOUT, "res");
        public static long userData(MemorySegment s, long at) { return (long) USER_DATA.get(s, at); }
        public static int res(MemorySegment s, long at) { return (int) RES.get(s, at); }
    }
}
