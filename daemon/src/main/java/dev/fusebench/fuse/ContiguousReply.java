package dev.fusebench.fuse;

import dev.fusebench.sys.IoVecs;
import dev.fusebench.wire.FuseOut;

import java.lang.foreign.MemorySegment;

/**
 * A reply sink whose reply, data included, is built in one contiguous buffer and handed over whole
 * (the /dev/fuse transport; test harnesses). READ data lands right after the out header.
 */
public abstract class ContiguousReply implements ReplySink {
    private final MemorySegment buf;

    protected ContiguousReply(MemorySegment buf) { this.buf = buf; }

    /** Hands over {@code buffer()[0, length)}. */
    protected abstract void transmit(long length);

    @Override public final MemorySegment buffer() { return buf; }

    @Override public final void send(int length) { transmit(length); }

    @Override
    public final IoVecs dataTarget(IoVecs into, long maxBytes) {
        into.clear();
        into.add(buf.address() + FuseOut.Header.SIZE, Math.min(maxBytes, buf.byteSize() - FuseOut.Header.SIZE));
        return into;
    }

    @Override public final void sendData(long dataBytes) { transmit(FuseOut.Header.SIZE + dataBytes); }
}
