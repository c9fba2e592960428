package dev.fusebench.fuse;

import dev.fusebench.sys.IoVecs;

import java.lang.foreign.MemorySegment;

/**
 * Where a transport takes replies. The server writes the 16-byte out header and the reply's
 * fixed arguments into {@link #buffer()}; for READ, file data goes straight into the buffers
 * named by {@link #dataTarget} (after the header), so no copy of file data is made.
 */
public interface ReplySink {
    /** Contiguous scratch: out header at 0, arguments after it. */
    MemorySegment buffer();

    /** Sends header and arguments: {@code buffer()[0, length)}. */
    void send(int length);

    /**
     * Fills {@code into} with where up to {@code maxBytes} of reply data go, right after the
     * out header, and returns it.
     */
    IoVecs dataTarget(IoVecs into, long maxBytes);

    /** Sends the out header from {@code buffer()} plus {@code dataBytes} already placed by dataTarget. */
    void sendData(long dataBytes);
}
