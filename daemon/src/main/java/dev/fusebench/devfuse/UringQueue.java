package dev.fusebench.devfuse;

import dev.fusebench.fuse.FuseServer;
import dev.fusebench.fuse.Opcode;
import dev.fusebench.fuse.ReplySink;
import dev.fusebench.fuse.Request;
import dev.fusebench.fuse.RequestScratch;
import dev.fusebench.iouring.Ring;
import dev.fusebench.sys.Errno;
import dev.fusebench.sys.IoVecs;
import dev.fusebench.sys.Libc;
import dev.fusebench.sys.LibcProcess;
import dev.fusebench.sys.WorkerDeath;
import dev.fusebench.wire.FuseIn;
import dev.fusebench.wire.FuseOut;
import dev.fusebench.wire.FuseUring.EntInOut;
import dev.fusebench.wire.FuseUring.ReqHeader;
import dev.fusebench.wire.FuseUring;
import dev.fusebench.wire.IoUringAbi.Cqe;
import dev.fusebench.wire.IoUringAbi.Sqe;
import dev.fusebench.wire.LibcStructs.Iovec;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.logging.Logger;

/**
 * One queue of FUSE over io_uring (Linux 6.14+): the kernel hands a request to the queue of the CPU
 * its caller runs on, so there is one per possible CPU, each served by one thread, bound to that
 * CPU, with its own ring.
 * Each of its {@code depth} entries is a header buffer and a payload buffer registered with the
 * kernel (FUSE_IO_URING_CMD_REGISTER); a completion means a request sits in an entry, and the
 * reply goes back in the same entry with COMMIT_AND_FETCH, which also asks for the next request.
 *
 * <p>The request is put together as /dev/fuse would have delivered it (header, the per-opcode
 * struct from op_in, then the payload), except a WRITE's data, which the file system takes straight
 * from the payload buffer; a READ's data is read straight into it. Nothing is allocated per request.
 */
final class UringQueue implements Runnable {
    private static final Logger LOG = Logger.getLogger(UringQueue.class.getName());
    private static final int OUT = FuseOut.Header.SIZE;

    private final FuseServer server;
    private final int devFd, qid, depth;
    private final long payloadBytes;
    /** Why the queue stopped early (set up failed, or an entry ended with an unexpected error); null otherwise. */
    volatile String failure;

    int qid() { return qid; }

    UringQueue(FuseServer server, int devFd, int qid, int depth, long payloadBytes) {
        this.server = server;
        this.devFd = devFd;
        this.qid = qid;
        this.depth = depth;
        this.payloadBytes = payloadBytes;
    }

    @Override
    public void run() {
        // served on the CPU whose callers it serves, as libfuse does: 4 KiB random reads measured
        // +10% over an unbound thread here (1 MiB direct reads: within the noise)
        int pin = LibcProcess.pinToCpu(qid);
        if (pin < 0) LOG.info("io_uring queue " + qid + " not bound to its CPU: " + Errno.name(-pin));
        try (Arena arena = Arena.ofConfined(); Ring ring = Ring.open(depth, 2 * depth)) {
            serve(arena, ring);
        } catch (IOException e) {
            failure = e.getMessage();
            LOG.warning("io_uring queue " + qid + ": " + e.getMessage());
        } catch (RuntimeException | Error e) {
            failure = e.toString();
            WorkerDeath.died("io_uring queue " + qid, e);
            throw e;
        }
    }

    private void serve(Arena arena, Ring ring) throws IOException {
        MemorySegment[] headers = new MemorySegment[depth], payloads = new MemorySegment[depth];
        MemorySegment iovs = arena.allocate(Iovec.LAYOUT, 2L * depth);
        for (int i = 0; i < depth; i++) {
            headers[i] = arena.allocate(4096, 4096); // page-aligned: the kernel pins and copies in place
            payloads[i] = arena.allocate(payloadBytes, 4096);
            Iovec.write(iovs, 2 * i, headers[i].address(), headers[i].byteSize());
            Iovec.write(iovs, 2 * i + 1, payloads[i].address(), payloadBytes);
        }
        int requestBytes = server.requestBufferSize();
        MemorySegment in = arena.allocate(requestBytes, 4096);
        RequestScratch w = server.newScratch(arena, "uring-" + qid);
        Reply reply = new Reply(ring, arena.allocate(requestBytes, 4096), headers, payloads);
        for (int i = 0; i < depth; i++) register(ring, iovs, i);
        int live = depth;
        while (live > 0) {
            int r = ring.submitAndWait(1);
            if (r < 0 && r != -Errno.EINTR && r != -Errno.EAGAIN && r != -Errno.EBUSY) throw new IOException("io_uring_enter: " + Errno.name(-r));
            int n = ring.ready();
            for (int c = 0; c < n; c++) {
                long at = ring.cqeAt(c);
                int entry = (int) Cqe.userData(ring.completions(), at);
                int res = Cqe.res(ring.completions(), at);
                if (res == 0) {
                    serveEntry(w, in, reply, entry);
                } else if (res == -Errno.EAGAIN || res == -Errno.EINTR) {
                    register(ring, iovs, entry); // the connection was not initialised yet: ask again
                } else {
                    // ENOTCONN/ECONNABORTED: unmounted or aborted; anything else ends the entry too
                    if (res != -Errno.ENOTCONN && res != -Errno.ECONNABORTED && res != -Errno.ECANCELED && failure == null)
                        failure = "entry " + entry + ": " + Errno.name(-res);
                    live--;
                }
            }
            ring.consume(n);
        }
    }

    private void register(Ring ring, MemorySegment iovs, int entry) {
        long at = ring.nextSqe();
        if (at < 0) throw new IllegalStateException("no free SQE for entry " + entry); // one SQE per entry: cannot happen
        Sqe.uringCmd(ring.sqes(), at, devFd, FuseUring.CMD_REGISTER, iovs.address() + 2L * entry * Iovec.SIZE, 2, entry);
        FuseUring.CmdReq.write(ring.sqes(), at + Sqe.CMD, 0, qid);
    }

    /** Rebuilds the request of {@code entry} as /dev/fuse lays it out, serves it, and commits the reply. */
    private void serveEntry(RequestScratch w, MemorySegment in, Reply reply, int entry) {
        MemorySegment h = reply.headers[entry];
        long commitId = EntInOut.commitId(h, ReqHeader.ENT_IN_OUT);
        rebuild(h, reply.payloads[entry], in, w.request);
        reply.start(entry, commitId);
        server.handle(w, reply);
        if (!reply.sent) { // a request without a reply (FORGET travels /dev/fuse, but be safe): free the entry
            FuseOut.Header.write(reply.buffer(), 0, OUT, -Errno.ENOSYS, FuseIn.Header.unique(h, ReqHeader.IN_OUT));
            reply.send(OUT);
        }
    }

    /**
     * Puts the request in a ring entry ({@code header}, {@code payload}) into {@code req} as /dev/fuse
     * would have delivered it: fuse_in_header, the per-opcode struct from op_in, then the payload,
     * copied into {@code in}; a WRITE's data stays in the payload buffer, named by the request's
     * payload list. The per-opcode struct is what the header's length leaves besides the payload; a
     * header that disagrees with the entry makes a request whose length does not add up, which the
     * server answers with EINVAL.
     */
    static void rebuild(MemorySegment header, MemorySegment payload, MemorySegment in, Request req) {
        long size = Math.min(Integer.toUnsignedLong(EntInOut.payloadSize(header, ReqHeader.ENT_IN_OUT)), payload.byteSize());
        long len = Integer.toUnsignedLong(FuseIn.Header.len(header, ReqHeader.IN_OUT));
        long opIn = Math.clamp(len - FuseIn.Header.SIZE - size, 0, ReqHeader.OP_IN_SIZE);
        long inline = FuseIn.Header.SIZE + opIn, total = inline + size;
        MemorySegment.copy(header, ReqHeader.IN_OUT, in, 0, FuseIn.Header.SIZE);
        MemorySegment.copy(header, ReqHeader.OP_IN, in, FuseIn.Header.SIZE, opIn);
        if (FuseIn.Header.opcode(header, ReqHeader.IN_OUT) == Opcode.WRITE.code && opIn == FuseIn.WriteIn.SIZE) {
            req.setWithPayload(in, inline, total, payload.address(), size);
        } else {
            long copied = Math.min(size, in.byteSize() - inline); // short: the server answers EINVAL
            MemorySegment.copy(payload, 0, in, inline, copied);
            req.setWithPayload(in, inline + copied, total, 0, 0);
        }
    }

    /** Writes a reply into the entry it answers and queues the COMMIT_AND_FETCH (submitted with the next wait). */
    private final class Reply implements ReplySink {
        private final Ring ring;
        private final MemorySegment scratch;
        final MemorySegment[] headers, payloads;
        private int entry;
        private long commitId;
        boolean sent;

        Reply(Ring ring, MemorySegment scratch, MemorySegment[] headers, MemorySegment[] payloads) {
            this.ring = ring;
            this.scratch = scratch;
            this.headers = headers;
            this.payloads = payloads;
        }

        void start(int entry, long commitId) {
            this.entry = entry;
            this.commitId = commitId;
            this.sent = false;
        }

        @Override public MemorySegment buffer() { return scratch; }

        @Override
        public void send(int length) {
            long args = Math.min(length - OUT, payloadBytes);
            MemorySegment.copy(scratch, OUT, payloads[entry], 0, args);
            commit(args);
        }

        @Override
        public IoVecs dataTarget(IoVecs into, long maxBytes) {
            into.clear();
            into.add(payloads[entry].address(), Math.min(maxBytes, payloadBytes));
            return into;
        }

        @Override public void sendData(long dataBytes) { commit(dataBytes); }

        private void commit(long payloadSize) {
            MemorySegment h = headers[entry];
            MemorySegment.copy(scratch, 0, h, ReqHeader.IN_OUT, OUT);
            EntInOut.payloadSize(h, ReqHeader.ENT_IN_OUT, (int) payloadSize);
            long at = ring.nextSqe();
            if (at < 0) throw new IllegalStateException("no free SQE for entry " + entry);
            Sqe.uringCmd(ring.sqes(), at, devFd, FuseUring.CMD_COMMIT_AND_FETCH, 0, 0, entry);
            FuseUring.CmdReq.write(ring.sqes(), at + Sqe.CMD, commitId, qid);
            sent = true;
        }
    }
}
