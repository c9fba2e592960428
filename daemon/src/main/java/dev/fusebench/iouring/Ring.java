package dev.fusebench.iouring;

import dev.fusebench.sys.Flags;
import dev.fusebench.sys.Libc;
import dev.fusebench.wire.IoUringAbi;
import dev.fusebench.wire.IoUringAbi.Cqe;
import dev.fusebench.wire.IoUringAbi.Params;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One io_uring with 128-byte SQEs (what URING_CMDs with command data need), used by one thread:
 * SQEs are filled in place and submitted in a batch with the wait for completions, which are then
 * read in place. No per-call allocation and no liburing: the two system calls and the shared
 * mappings are all it takes.
 */
public final class Ring implements AutoCloseable {
    private final int fd;
    private final long ringAddress, ringBytes, sqesAddress, sqesBytes;
    private final MemorySegment rings, sqes;
    private final int sqMask, sqEntries, cqMask;
    private final long sqHead, sqTail, cqHead, cqTail, cqes;
    private int sqLocalTail;
    private int toSubmit;

    private Ring(int fd, MemorySegment p) throws IOException {
        this.fd = fd;
        sqEntries = Params.sqEntries(p);
        int cqEntries = Params.cqEntries(p);
        if ((Params.features(p) & IoUringAbi.FEAT_SINGLE_MMAP) == 0) throw new IOException("io_uring without IORING_FEAT_SINGLE_MMAP (Linux 5.4+)");
        sqHead = Params.sqOff(p, Params.HEAD);
        sqTail = Params.sqOff(p, Params.TAIL);
        cqHead = Params.cqOff(p, Params.HEAD);
        cqTail = Params.cqOff(p, Params.TAIL);
        cqes = Params.cqOff(p, Params.CQES);
        ringBytes = cqes + (long) cqEntries * Cqe.SIZE;
        long r = Libc.mmap(ringBytes, Flags.PROT_READ | Flags.PROT_WRITE, Flags.MAP_SHARED | Flags.MAP_POPULATE, fd, 0);
        if (r < 0) throw new IOException("mapping the io_uring: " + Libc.strerror((int) -r));
        ringAddress = r;
        sqesBytes = (long) sqEntries * IoUringAbi.Sqe.SIZE128;
        long s = Libc.mmap(sqesBytes, Flags.PROT_READ | Flags.PROT_WRITE, Flags.MAP_SHARED | Flags.MAP_POPULATE, fd, IoUringAbi.OFF_SQES);
        if (s < 0) {
            Libc.munmap(ringAddress, ringBytes);
            throw new IOException("mapping the io_uring SQEs: " + Libc.strerror((int) -s));
        }
        sqesAddress = s;
        rings = MemorySegment.ofAddress(ringAddress).reinterpret(ringBytes);
        sqes = MemorySegment.ofAddress(sqesAddress).reinterpret(sqesBytes);
        sqMask = rings.get(JAVA_INT, Params.sqOff(p, Params.RING_MASK));
        cqMask = rings.get(JAVA_INT, Params.cqOff(p, Params.RING_MASK));
        sqLocalTail = rings.get(JAVA_INT, sqTail);
    }

    /** A ring of {@code entries} 128-byte SQEs and {@code cqEntries} completions. */
    public static Ring open(int entries, int cqEntries) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(Params.LAYOUT);
            Params.write(p, IoUringAbi.SETUP_SQE128 | IoUringAbi.SETUP_NO_SQARRAY | IoUringAbi.SETUP_CQSIZE, cqEntries);
            long fd = Libc.syscall(IoUringAbi.SYS_SETUP, entries, p.address(), 0, 0, 0, 0);
            if (fd < 0) throw new IOException("io_uring_setup: " + Libc.strerror((int) -fd)
                    + (fd == -1 ? " (kernel.io_uring_disabled?)" : ""));
            try {
                return new Ring((int) fd, p);
            } catch (IOException e) {
                Libc.close((int) fd);
                throw e;
            }
        }
    }

    /** The next free SQE, zeroed, as (segment, offset); -1 when all are taken until the next submit. */
    public long nextSqe() {
        VarHandle.acquireFence();
        int head = rings.get(JAVA_INT, sqHead);
        if (sqLocalTail - head >= sqEntries) return -1;
        long at = (long) (sqLocalTail & sqMask) * IoUringAbi.Sqe.SIZE128;
        for (long i = 0; i < IoUringAbi.Sqe.SIZE128; i += 8) sqes.set(JAVA_LONG, at + i, 0L); // zeroed without a slice object
        sqLocalTail++;
        toSubmit++;
        return at;
    }

    /** The SQE array, for filling the SQE {@link #nextSqe} pointed at. */
    public MemorySegment sqes() { return sqes; }

    /**
     * Submits the SQEs filled since the last call and waits until at least {@code minComplete}
     * completions are there. Returns the kernel's answer (negative errno on failure, -EINTR included).
     */
    public int submitAndWait(int minComplete) {
        VarHandle.releaseFence(); // the SQEs' contents before the tail that publishes them
        rings.set(JAVA_INT, sqTail, sqLocalTail);
        VarHandle.fullFence();
        int n = toSubmit;
        long r = Libc.syscall(IoUringAbi.SYS_ENTER, fd, n, minComplete, minComplete > 0 ? IoUringAbi.ENTER_GETEVENTS : 0, 0, 0);
        if (r >= 0) toSubmit -= (int) Math.min(r, n);
        return (int) r;
    }

    /** Completions ready to read: they are at {@link #cqeAt}(0..n-1) until {@link #consume}. */
    public int ready() {
        int tail = rings.get(JAVA_INT, cqTail);
        VarHandle.acquireFence();
        return tail - rings.get(JAVA_INT, cqHead);
    }

    /** Offset in {@link #completions()} of the i-th ready completion. */
    public long cqeAt(int i) {
        int head = rings.get(JAVA_INT, cqHead);
        return cqes + (long) ((head + i) & cqMask) * Cqe.SIZE;
    }

    public MemorySegment completions() { return rings; }

    /** Hands {@code n} read completions back to the kernel. */
    public void consume(int n) {
        int head = rings.get(JAVA_INT, cqHead);
        VarHandle.releaseFence();
        rings.set(JAVA_INT, cqHead, head + n);
    }

    @Override
    public void close() {
        Libc.munmap(sqesAddress, sqesBytes);
        Libc.munmap(ringAddress, ringBytes);
        Libc.close(fd);
    }
}
