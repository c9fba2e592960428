package dev.fusebench.fuzz;

import dev.fusebench.vhostuser.Message;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Well-formed inputs for the targets (a fuzzer starts from these), and the mutations of the seeded runs. */
public final class Seeds {
    private Seeds() {}

    // ---- vhost-user: a frontend's handshake, in VhostMessageTarget's encoding ----------------

    private static void msg(ByteArrayOutputStream out, int request, int flags, byte[] payload) {
        out.write(request);
        out.write(flags);
        out.write(payload.length & 0xff);
        out.write(payload.length >> 8 & 0x0f);
        out.write(payload.length);
        out.write(0x80); // honest size
        out.writeBytes(new byte[6]);
        out.writeBytes(payload);
    }

    private static byte[] le(long... words) {
        ByteBuffer b = ByteBuffer.allocate(8 * words.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long w : words) b.putLong(w);
        return b.array();
    }

    private static byte[] le32(int... words) {
        ByteBuffer b = ByteBuffer.allocate(4 * words.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int w : words) b.putInt(w);
        return b.array();
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) o.writeBytes(p);
        return o.toByteArray();
    }

    public static byte[] vhostHandshake() {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        int ack = Message.FLAG_NEED_REPLY;
        long uva = 0x7f0000000000L;
        msg(o, Message.GET_FEATURES, 0, new byte[0]);
        msg(o, Message.SET_FEATURES, 0, le(Message.F_VERSION_1 | Message.F_EVENT_IDX | Message.F_INDIRECT_DESC | Message.F_PROTOCOL_FEATURES));
        msg(o, Message.GET_PROTOCOL_FEATURES, 0, new byte[0]);
        msg(o, Message.SET_PROTOCOL_FEATURES, 0, le(Message.PROTOCOL_MQ | Message.PROTOCOL_REPLY_ACK));
        msg(o, Message.SET_OWNER, ack, new byte[0]);
        msg(o, Message.SET_MEM_TABLE, ack, cat(le32(1, 0), le(0, VhostMessageTarget.MEMFD_SIZE, uva, 0)));
        for (int q = 0; q < 2; q++) {
            long base = uva + q * 65536L;
            msg(o, Message.SET_VRING_NUM, ack, le32(q, 256));
            msg(o, Message.SET_VRING_BASE, ack, le32(q, 0));
            msg(o, Message.SET_VRING_ADDR, ack, cat(le32(q, 0), le(base, base + 32768, base + 4096, 0)));
            msg(o, Message.SET_VRING_KICK, ack, le(q));
            msg(o, Message.SET_VRING_CALL, ack, le(q));
            msg(o, Message.SET_VRING_ENABLE, ack, le32(q, 1));
        }
        msg(o, Message.GET_VRING_BASE, 0, le32(1, 0));
        msg(o, Message.GET_QUEUE_NUM, 0, new byte[0]);
        return o.toByteArray();
    }

    // ---- virtqueue: a ring of 16 with direct, chained and indirect requests -------------------

    public static byte[] ring(boolean eventIdx) {
        int size = 16;
        byte[] mem = new byte[8192];
        ByteBuffer b = ByteBuffer.wrap(mem).order(ByteOrder.LITTLE_ENDIAN);
        long gpa = VirtqueueTarget.GPA;
        long data = gpa + 4096;
        // chain 0: one readable, one writable; chain 2: 3 linked; chain 5: an indirect table of 2
        desc(b, 0, data, 64, 1, 1);
        desc(b, 1, data + 64, 128, 2, 0);
        desc(b, 2, data + 256, 40, 1, 3);
        desc(b, 3, data + 296, 4096 - 296 - 1024, 1, 4);
        desc(b, 4, data + 3072, 512, 2, 0);
        long table = gpa + 2048;
        desc(b, 5, table, 32, 4, 0);
        b.putLong(2048, data + 1024).putInt(2048 + 8, 80).putShort(2048 + 12, (short) 1).putShort(2048 + 14, (short) 1);
        b.putLong(2064, data + 1200).putInt(2064 + 8, 256).putShort(2064 + 12, (short) 2).putShort(2064 + 14, (short) 0);
        int avail = 16 * size;
        int[] heads = {0, 2, 5};
        for (int i = 0; i < heads.length; i++) b.putShort(avail + 4 + 2 * i, (short) heads[i]);
        b.putShort(avail + 2, (short) heads.length);
        byte[] out = new byte[4 + mem.length];
        out[0] = 3; // 1 << (1 + 3) = 16
        out[1] = (byte) (eventIdx ? 1 : 0);
        System.arraycopy(mem, 0, out, 4, mem.length);
        return out;
    }

    private static void desc(ByteBuffer b, int i, long addr, int len, int flags, int next) {
        b.putLong(16 * i, addr).putInt(16 * i + 8, len).putShort(16 * i + 12, (short) flags).putShort(16 * i + 14, (short) next);
    }

    // ---- mutations ---------------------------------------------------------------------------

    /** A mutation in the manner of a fuzzer's: flipped bytes, interesting values, cuts, inserts, splices. */
    public static byte[] mutate(byte[] seed, List<byte[]> others, Random r) {
        byte[] b = seed.clone();
        int rounds = 1 + r.nextInt(4);
        for (int k = 0; k < rounds && b.length > 0; k++) {
            switch (r.nextInt(7)) {
                case 0 -> b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                case 2 -> { // an interesting 16/32/64-bit value
                    long[] v = {0, 1, -1, 0x7f, 0x80, 0xff, 0xffff, 0x10000, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE, 4096, 65536};
                    int width = 2 << r.nextInt(3);
                    if (b.length >= width) {
                        int at = r.nextInt(b.length - width + 1);
                        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                        long val = v[r.nextInt(v.length)];
                        if (width == 2) bb.putShort(at, (short) val); else if (width == 4) bb.putInt(at, (int) val); else bb.putLong(at, val);
                    }
                }
                case 3 -> b = Arrays.copyOf(b, r.nextInt(b.length + 1));
                case 4 -> { // insert random bytes
                    int at = r.nextInt(b.length + 1), n = 1 + r.nextInt(16);
                    byte[] nb = new byte[b.length + n];
                    System.arraycopy(b, 0, nb, 0, at);
                    for (int i = 0; i < n; i++) nb[at + i] = (byte) r.nextInt(256);
                    System.arraycopy(b, at, nb, at + n, b.length - at);
                    b = nb;
                }
                case 5 -> { // splice from another seed
                    byte[] o = others.get(r.nextInt(others.size()));
                    if (o.length > 0) {
                        int from = r.nextInt(o.length), n = Math.min(1 + r.nextInt(64), o.length - from), at = r.nextInt(b.length);
                        System.arraycopy(o, from, b, at, Math.min(n, b.length - at));
                    }
                }
                default -> { // duplicate a block (repeats messages, descriptors)
                    int from = r.nextInt(b.length), n = Math.min(1 + r.nextInt(48), b.length - from);
                    byte[] nb = Arrays.copyOf(b, b.length + n);
                    System.arraycopy(b, from, nb, b.length, n);
                    b = nb;
                }
            }
        }
        return b;
    }
}
