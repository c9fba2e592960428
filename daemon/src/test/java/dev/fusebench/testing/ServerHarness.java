package dev.fusebench.testing;

import dev.fusebench.fuse.FileSystem;
import dev.fusebench.fuse.FuseServer;
import dev.fusebench.fuse.NegotiationSettings;
import dev.fusebench.fuse.ContiguousReply;
import dev.fusebench.fuse.RequestScratch;
import dev.fusebench.wire.FuseOut;
import dev.fusebench.stats.DaemonStats;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/** Drives a FuseServer in-process: requests from byte arrays, replies captured as byte arrays. */
public final class ServerHarness implements AutoCloseable {
    public final FuseServer server;
    public final DaemonStats stats;
    private final Arena arena = Arena.ofShared();
    private final RequestScratch scratch;
    private final MemorySegment in;
    private final CapturingSink sink;

    /** One reply: the out header's error (0 or -errno), the bytes after the header, and the unique it answered. */
    public record Reply(int error, byte[] body, long unique) {
        public ByteBuffer buffer() { return ByteBuffer.wrap(body).order(ByteOrder.nativeOrder()); }
        public long u64(int off) { return buffer().getLong(off); }
        public int u32(int off) { return buffer().getInt(off); }
    }

    public ServerHarness(FileSystem fs, NegotiationSettings settings) {
        this(new FuseServer(fs, settings, new DaemonStats()));
    }

    /** Another serving thread's scratch (as each virtqueue has its own): for requests from several threads. */
    public ServerHarness(FuseServer server) {
        this.server = server;
        this.stats = server.stats();
        this.scratch = server.newScratch(arena);
        this.in = arena.allocate(4 << 20, 4096);
        this.sink = new CapturingSink(arena.allocate((4 << 20) + 8192, 4096));
    }

    /** Sends a request; returns its reply, or null when the server sent none. */
    public Reply call(byte[] request) {
        return call(request, request.length);
    }

    /** Sends the first {@code length} bytes of a request as if the transport received that many. */
    public Reply call(byte[] request, int length) {
        MemorySegment.copy(MemorySegment.ofArray(request), 0, in, 0, length);
        scratch.request.setContiguous(in, length);
        sink.replies = 0;
        server.handle(scratch, sink);
        if (sink.replies == 0) return null;
        if (sink.replies > 1) throw new AssertionError("more than one reply to one request");
        return sink.last;
    }

    public int repliesOfLastCall() { return sink.replies; }

    public Reply init(long kernelFlags) {
        return call(Requests.init(38, kernelFlags));
    }

    @Override
    public void close() {
        arena.close();
    }

    private static final class CapturingSink extends ContiguousReply {
        int replies;
        Reply last;

        CapturingSink(MemorySegment buf) { super(buf); }

        @Override
        protected void transmit(long length) {
            MemorySegment buf = buffer();
            replies++;
            int len = FuseOut.Header.len(buf, 0);
            if (len != length) throw new AssertionError("header says " + len + " bytes, transport asked to send " + length);
            byte[] body = buf.asSlice(FuseOut.Header.SIZE, length - FuseOut.Header.SIZE).toArray(JAVA_BYTE);
            last = new Reply(FuseOut.Header.error(buf, 0), body, FuseOut.Header.unique(buf, 0));
        }
    }
}
