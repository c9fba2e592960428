package dev.fusebench.loadgen;

import dev.fusebench.fuse.InitFlag;
import dev.fusebench.fuse.InitOut;
import dev.fusebench.fuse.Opcode;
import dev.fusebench.sys.Flags;
import dev.fusebench.wire.FuseIn.FlushIn;
import dev.fusebench.wire.FuseIn.GetattrIn;
import dev.fusebench.wire.FuseIn.Header;
import dev.fusebench.wire.FuseIn.InitIn;
import dev.fusebench.wire.FuseIn.OpenIn;
import dev.fusebench.wire.FuseIn.ReadIn;
import dev.fusebench.wire.FuseIn.ReleaseIn;
import dev.fusebench.wire.FuseIn.WriteIn;
import dev.fusebench.wire.FuseOut.EntryOut;
import dev.fusebench.wire.FuseOut.OpenOut;
import dev.fusebench.wire.FuseOut.WriteOut;
import dev.fusebench.wire.FuseOut;
import dev.fusebench.wire.VirtioRing.Desc;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * Plays a guest kernel's FUSE traffic on the frontend: INIT as a 6.1 kernel sends it, LOOKUP and
 * OPEN of one file, then READs or WRITEs of a fixed size kept {@code depth} deep in flight, each
 * laid out as the kernel lays it out (header and arguments, then one descriptor per page of data,
 * through an indirect table). Every reply is checked: no errno, the full size, and for READs the
 * file offset stamped at the start of each 4 KiB block of the file.
 */
public final class LoadGenerator {
    private static final int OUT = FuseOut.Header.SIZE;
    static final int PAGE = 4096;
    public static final String FILE_NAME = "fusebench-load.dat";

    public enum Op {
        READ(false, false), WRITE(true, false), RANDREAD(false, true), RANDWRITE(true, true);
        final boolean write, random;
        Op(boolean write, boolean random) { this.write = write; this.random = random; }
        public String label() { return name().toLowerCase(Locale.ROOT); }
    }

    /** One timed run's outcome. */
    public record Outcome(long ops, long bytes, double seconds, Histogram latencyNs, String error) {}

    private final VhostUserFrontend fe;
    private final int maxSize, depth, segment;
    private int size;
    private final long fileBytes;
    private final int descriptorsPerSlot;
    private final long slotStride;
    private long unique = 2;
    long nodeId, fh;
    public int maxWrite, maxPages;

    /** Requests of up to {@code maxSize} bytes, {@code depth} in flight, data in {@code segment}-byte descriptors. */
    public LoadGenerator(VhostUserFrontend fe, int maxSize, int depth, int segment, long fileBytes) {
        if (maxSize % PAGE != 0 || maxSize <= 0) throw new IllegalArgumentException("size must be a positive multiple of 4096");
        if (depth < 1 || depth > fe.queueSize) throw new IllegalArgumentException("depth must be 1.." + fe.queueSize);
        this.fe = fe;
        this.maxSize = maxSize;
        this.size = maxSize;
        this.depth = depth;
        this.segment = segment;
        this.fileBytes = fileBytes;
        this.descriptorsPerSlot = descriptorsFor(maxSize, segment);
        this.slotStride = strideFor(maxSize, segment);
    }

    /** The largest request a guest kernel would send with what the daemon negotiated. */
    public int limit() { return Math.min(maxWrite, maxPages * PAGE); }

    /** Guest memory the generator needs beyond the rings: {@code depth} slots and a spare one for control requests. */
    public static long memoryFor(int size, int depth, int segment) { return (depth + 1) * strideFor(size, segment); }

    /** Header and arguments, a descriptor per segment of data, the reply header and WRITE's reply. */
    private static int descriptorsFor(int size, int segment) { return 4 + (size + segment - 1) / segment; }

    /** A slot: a page of headers, its indirect table, its data. */
    private static long strideFor(int size, int segment) { return PAGE + align(16L * descriptorsFor(size, segment)) + align(size); }

    private static long align(long n) { return (n + PAGE - 1) & ~(PAGE - 1L); }

    private long slotBase(int slot) { return VhostUserFrontend.dataStart() + slotStride * slot; }
    private long header(int slot) { return slotBase(slot); }
    private long reply(int slot) { return slotBase(slot) + 128; }
    private long table(int slot) { return slotBase(slot) + PAGE; }
    private long data(int slot) { return table(slot) + align(16L * descriptorsPerSlot); }

    /** The file every daemon reads and writes: each 4 KiB block starts with its own offset. */
    public static void prepareFile(Path file, long bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.nativeOrder());
            for (long off = 0; off < bytes; off += buf.capacity()) {
                buf.clear();
                for (int b = 0; b < buf.capacity(); b += 4096) buf.putLong(b, off + b);
                buf.limit((int) Math.min(buf.capacity(), bytes - off));
                while (buf.hasRemaining()) ch.write(buf, off + buf.position());
            }
        }
    }

    private void desc(long tableGpa, int i, long addr, long len, boolean writable, boolean last) {
        MemorySegment t = fe.at(tableGpa + (long) Desc.SIZE * i, Desc.SIZE);
        Desc.write(t, 0, addr, (int) len, (last ? 0 : Desc.F_NEXT) | (writable ? Desc.F_WRITE : 0), i + 1);
    }

    private void inHeader(MemorySegment h, int len, int opcode, long nodeid) {
        Header.write(h, 0, len, opcode, unique += 2, nodeid, 0, 0, 1);
    }

    /**
     * One control request through the spare slot: {@code args} after the header, a reply of up to
     * 4 KiB. Returns the reply's argument bytes; throws with the errno on an error reply.
     */
    private MemorySegment control(int opcode, long nodeid, byte[] args, BooleanSupplier alive) throws IOException {
        MemorySegment out = exchange(opcode, nodeid, args, alive);
        int error = FuseOut.Header.error(out, 0);
        if (error != 0) throw new IOException(Opcode.name(opcode) + " failed with errno " + -error);
        return out.asSlice(OUT, Math.max(0, fe.lastUsedLength - OUT));
    }

    /** Sends one request through the spare slot and returns its reply buffer (header first). */
    private MemorySegment exchange(int opcode, long nodeid, byte[] args, BooleanSupplier alive) throws IOException {
        int slot = depth; // spare slot, never used by the data path
        MemorySegment h = fe.at(header(slot), Header.SIZE + args.length);
        inHeader(h, Header.SIZE + args.length, opcode, nodeid);
        MemorySegment.copy(MemorySegment.ofArray(args), 0, h, Header.SIZE, args.length);
        long replyGpa = data(slot);
        fe.at(replyGpa, OUT).fill((byte) 0);
        desc(table(slot), 0, header(slot), Header.SIZE + args.length, false, false);
        desc(table(slot), 1, replyGpa, PAGE, true, true);
        fe.indirectHead(slot, table(slot), 2);
        fe.make(slot);
        fe.flush();
        long deadline = System.nanoTime() + 10_000_000_000L;
        int id;
        while ((id = fe.nextUsed()) < 0) {
            if (!alive.getAsBoolean()) throw new IOException("the daemon exited during " + Opcode.name(opcode));
            if (System.nanoTime() > deadline) throw new IOException("no reply to " + Opcode.name(opcode) + " within 10 s");
            fe.awaitUsed(200);
        }
        if (id != slot) throw new IOException("used id " + id + " for " + Opcode.name(opcode) + ", expected " + slot);
        MemorySegment out = fe.at(replyGpa, PAGE);
        if (FuseOut.Header.unique(out, 0) != unique) throw new IOException(Opcode.name(opcode) + ": reply carries another unique");
        return out;
    }

    /**
     * A guest's metadata traffic between data requests: LOOKUP of the file and of a missing name
     * (an error reply), GETATTR, STATFS and FLUSH. Checks each answer.
     */
    public void metadataRound(BooleanSupplier alive) throws IOException {
        byte[] name = (FILE_NAME + "\0").getBytes();
        if (EntryOut.nodeid(control(Opcode.LOOKUP.code, 1, name, alive), 0) != nodeId) throw new IOException("LOOKUP found another inode");
        int error = FuseOut.Header.error(exchange(Opcode.LOOKUP.code, 1, "fusebench-no-such-file\0".getBytes(), alive), 0);
        if (error != -2) throw new IOException("LOOKUP of a missing name answered errno " + -error + ", not ENOENT");
        byte[] getattr = new byte[GetattrIn.SIZE];
        GetattrIn.write(MemorySegment.ofArray(getattr), 0, GetattrIn.GETATTR_FH, fh);
        long fileSize = FuseOut.Attr.size(control(Opcode.GETATTR.code, nodeId, getattr, alive), FuseOut.AttrOut.ATTR);
        if (fileSize < fileBytes) throw new IOException("GETATTR says the file has " + fileSize + " bytes");
        control(Opcode.STATFS.code, 1, new byte[0], alive);
        byte[] flush = new byte[FlushIn.SIZE];
        FlushIn.write(MemorySegment.ofArray(flush), 0, fh);
        control(Opcode.FLUSH.code, nodeId, flush, alive);
    }

    /** INIT, LOOKUP and OPEN of the file {@link #prepareFile} made. */
    public void open(BooleanSupplier alive) throws IOException {
        byte[] init = new byte[InitIn.SIZE];
        InitIn.write(MemorySegment.ofArray(init), 0, 7, 38, 128 * 1024, InitFlag.LINUX_6_1_VIRTIOFS_OFFER);
        InitOut reply = InitOut.decode(control(Opcode.INIT.code, 0, init, alive), 0);
        maxWrite = reply.maxWrite();
        maxPages = reply.effectiveMaxPages();
        byte[] name = (FILE_NAME + "\0").getBytes();
        nodeId = EntryOut.nodeid(control(Opcode.LOOKUP.code, 1, name, alive), 0);
        byte[] open = new byte[OpenIn.SIZE];
        OpenIn.write(MemorySegment.ofArray(open), 0, Flags.O_RDWR, 0);
        fh = OpenOut.fh(control(Opcode.OPEN.code, nodeId, open, alive), 0);
        fillWriteBuffers();
    }

    public void release(BooleanSupplier alive) throws IOException {
        byte[] rel = new byte[ReleaseIn.SIZE];
        ReleaseIn.write(MemorySegment.ofArray(rel), 0, fh, Flags.O_RDWR);
        control(Opcode.RELEASE.code, nodeId, rel, alive);
    }

    /** WRITE data: a byte per slot, each 4 KiB block's first 8 bytes then stamped with its file offset. */
    private void fillWriteBuffers() {
        for (int s = 0; s < depth; s++) fe.at(data(s), maxSize).fill((byte) (s + 1));
    }

    /** The slot's indirect table, as a guest lays out a READ or WRITE; written once per run. */
    private void prepareTable(int slot, boolean write) {
        long t = table(slot);
        int i = 0;
        desc(t, i++, header(slot), Header.SIZE, false, false);
        desc(t, i++, header(slot) + Header.SIZE, WriteIn.SIZE, false, false);
        if (write) {
            for (int off = 0; off < size; off += segment) desc(t, i++, data(slot) + off, Math.min(segment, size - off), false, false);
            desc(t, i++, reply(slot), OUT, true, false);
            desc(t, i++, reply(slot) + OUT, WriteOut.SIZE, true, true);
        } else {
            desc(t, i++, reply(slot), OUT, true, false);
            for (int off = 0; off < size; off += segment) {
                boolean last = off + segment >= size;
                desc(t, i++, data(slot) + off, Math.min(segment, size - off), true, last);
            }
        }
        fe.indirectHead(slot, t, i);
    }

    private void post(int slot, Op op, long offset) {
        MemorySegment h = fe.at(header(slot), Header.SIZE + WriteIn.SIZE);
        int len = Header.SIZE + WriteIn.SIZE + (op.write ? size : 0);
        inHeader(h, len, op.write ? Opcode.WRITE.code : Opcode.READ.code, nodeId);
        if (op.write) WriteIn.write(h, Header.SIZE, fh, offset, size, 0);
        else ReadIn.write(h, Header.SIZE, fh, offset, size, 0);
        MemorySegment r = fe.at(reply(slot), OUT + WriteOut.SIZE);
        r.fill((byte) 0xff);
        if (op.write) {
            MemorySegment d = fe.at(data(slot), size);
            for (int b = 0; b < size; b += PAGE) d.set(JAVA_LONG_UNALIGNED, b, offset + b); // keeps the file's stamps
        } else {
            fe.at(data(slot), 8).set(JAVA_LONG_UNALIGNED, 0, -1L); // a READ that fills nothing cannot pass
        }
        fe.make(slot);
    }

    /** Checks slot's reply; returns null when it is right, else what is wrong. */
    private String check(int slot, Op op, long offset, int usedLength) {
        MemorySegment r = fe.at(reply(slot), OUT + WriteOut.SIZE);
        int error = FuseOut.Header.error(r, 0);
        String what = op.label() + " of " + size + " bytes at " + offset;
        if (error != 0) return what + " failed with errno " + -error;
        if (FuseOut.Header.unique(r, 0) != uniqueOf[slot]) return what + ": reply carries unique " + FuseOut.Header.unique(r, 0);
        if (op.write) {
            int written = WriteOut.size(r, OUT);
            return written == size ? null : what + ": daemon wrote " + written + " bytes";
        }
        if (usedLength != OUT + size) return what + ": used length " + usedLength + ", expected " + (OUT + size);
        long stamp = fe.at(data(slot), 8).get(JAVA_LONG_UNALIGNED, 0);
        return stamp == offset ? null : what + ": the data read is not the file's (block stamp " + stamp + ")";
    }

    private long[] uniqueOf;

    /**
     * Keeps {@code depth} requests of {@code op} in flight for {@code seconds}, then waits for the
     * last. A wrong reply ends the run with its description in {@link Outcome#error}.
     */
    public Outcome run(Op op, int size, double seconds, long seed, BooleanSupplier alive) {
        return run(op, size, seconds, 0, Long.MAX_VALUE, seed, alive);
    }

    /**
     * As above, posting at most {@code ratePerSecond} requests a second when that is above 0
     * (a guest's pace rather than the daemon's: the daemon then sleeps between requests), and no
     * more than {@code maxRequests}.
     */
    public Outcome run(Op op, int size, double seconds, double ratePerSecond, long maxRequests, long seed, BooleanSupplier alive) {
        if (size <= 0 || size % PAGE != 0 || size > maxSize) throw new IllegalArgumentException("size " + size + " outside 4096.." + maxSize);
        if (size > limit()) {
            return new Outcome(0, 0, 0, new Histogram(3), "the daemon negotiated max_write " + maxWrite + " and " + maxPages
                    + " pages per request: a guest kernel would never send " + size + "-byte requests (use --size "
                    + limit() / 1024 + "k or less)");
        }
        this.size = size;
        for (int s = 0; s < depth; s++) prepareTable(s, op.write);
        uniqueOf = new long[depth];
        long[] offsets = new long[depth], postedAt = new long[depth];
        boolean[] inFlight = new boolean[depth];
        int[] free = new int[depth];
        int nfree = depth;
        for (int s = 0; s < depth; s++) free[s] = depth - 1 - s;
        long blocks = fileBytes / size;
        SplittableRandom rnd = new SplittableRandom(seed);
        Histogram lat = new Histogram(3_600_000_000_000L, 3);
        long ops = 0, posts = 0, nextBlock = 0, lastWake = System.nanoTime();
        int inflight = 0;
        long start = System.nanoTime(), end = start + (long) (seconds * 1e9), last = start;
        long interval = ratePerSecond > 0 ? (long) (1e9 / ratePerSecond) : 0, nextPost = start;
        String error = null;
        while (error == null) {
            long now = System.nanoTime();
            boolean posted = false;
            while (inflight < depth && now < end && now >= nextPost && posts < maxRequests) {
                posts++;
                nextPost = interval == 0 ? now : Math.max(nextPost + interval, now - 10 * interval);
                int slot = free[--nfree];
                long block = op.random ? rnd.nextLong(blocks) : nextBlock++ % blocks;
                offsets[slot] = block * size;
                post(slot, op, offsets[slot]);
                uniqueOf[slot] = unique;
                postedAt[slot] = now;
                inFlight[slot] = true;
                inflight++;
                posted = true;
            }
            if (posted) fe.flush();
            if (inflight == 0) {
                if (now >= end || posts >= maxRequests) break;
                LockSupport.parkNanos(nextPost - now);
                continue;
            }
            int id, reaped = 0;
            while ((id = fe.nextUsed()) >= 0) {
                if (id >= depth || !inFlight[id]) { error = "the daemon returned descriptor " + id + ", which was not in flight"; break; }
                long t = System.nanoTime();
                error = check(id, op, offsets[id], fe.lastUsedLength);
                if (error != null) break;
                lat.recordValue(Math.max(0, t - postedAt[id]));
                inFlight[id] = false;
                free[nfree++] = id;
                inflight--;
                ops++;
                reaped++;
                last = t;
            }
            if (error != null) break;
            if (reaped > 0) { lastWake = System.nanoTime(); continue; }
            if (!fe.awaitUsed(500)) {
                if (!alive.getAsBoolean()) error = "the daemon exited with " + inflight + " requests in flight";
                else if (System.nanoTime() - lastWake > 10_000_000_000L) error = "no reply for 10 s with " + inflight + " requests in flight";
            }
        }
        // a run that ended on a wrong reply still takes back what is in flight: the next run starts clean
        long drainUntil = System.nanoTime() + 5_000_000_000L;
        while (inflight > 0 && System.nanoTime() < drainUntil && alive.getAsBoolean()) {
            int id = fe.nextUsed();
            if (id < 0) {
                fe.awaitUsed(100);
            } else if (id < depth && inFlight[id]) {
                inFlight[id] = false;
                inflight--;
            }
        }
        return new Outcome(ops, ops * size, (last - start) / 1e9, lat, error);
    }
}
