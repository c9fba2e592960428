package dev.fusebench.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static dev.fusebench.wire.Fields.*;

/** FUSE over io_uring (include/uapi/linux/fuse.h, protocol 7.42, Linux 6.14+): the structs of one ring entry. */
public final class FuseUring {
    private FuseUring() {}

    /** enum fuse_uring_cmd: an URING_CMD's cmd_op on the /dev/fuse descriptor. */
    public static final int CMD_REGISTER = 1, CMD_COMMIT_AND_FETCH = 2;

    /** struct fuse_uring_ent_in_out (32): the kernel's commit id for the request, and the payload's length either way. */
    public static final class EntInOut {
        public static final StructLayout LAYOUT = struct("fuse_uring_ent_in_out", u64("flags"), u64("commit_id"),
                u32("payload_sz"), u32("padding"), u64("reserved"));
        private static final VarHandle COMMIT_ID = field(LAYOUT, "commit_id"), PAYLOAD_SZ = field(LAYOUT, "payload_sz");
        public static long commitId(MemorySegment s, long at) { return (long) COMMIT_ID.get(s, at); }
        public static int payloadSize(MemorySegment s, long at) { return (int) PAYLOAD_SZ.get(s, at); }
        public static void payloadSize(MemorySegment s, long at, int size) { PAYLOAD_SZ.set(s, at, size); }
    }

    /**
     * struct fuse_uring_req_header (288): in_out holds fuse_in_header on the way in and
     * fuse_out_header on the way out; op_in the request's first argument (its per-opcode struct, or
     * nothing); everything else of a request, and all of a reply's arguments, travel in the payload.
     */
    public static final class ReqHeader {
        public static final StructLayout LAYOUT = struct("fuse_uring_req_header", pad("in_out", 128), pad("op_in", 128),
                EntInOut.LAYOUT.withName("ring_ent_in_out"));
        public static final int SIZE = (int) LAYOUT.byteSize();
        public static final long IN_OUT = offset(LAYOUT, "in_out"), OP_IN = offset(LAYOUT, "op_in"),
                ENT_IN_OUT = offset(LAYOUT, "ring_ent_in_out");
        public static final int OP_IN_SIZE = 128;
    }

    /** struct fuse_uring_cmd_req (24), in the SQE's cmd[] area. */
    public static final class CmdReq {
        public static final StructLayout LAYOUT = struct("fuse_uring_cmd_req", u64("flags"), u64("commit_id"), u16("qid"), pad("padding", 6));
        private static final VarHandle FLAGS = field(LAYOUT, "flags"), COMMIT_ID = field(LAYOUT, "commit_id"), QID = field(LAYOUT, "qid");
        public static void write(MemorySegment s, long at, long commitId, int qid) {
            FLAGS.set(s, at, 0L);
            COMMIT_ID.set(s, at, commitId);
            QID.set(s, at, (short) qid);
        }
    }
}
