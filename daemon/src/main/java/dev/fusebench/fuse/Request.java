package dev.fusebench.fuse;

import dev.fusebench.sys.IoVecs;
import dev.fusebench.wire.FuseIn.Header;
import dev.fusebench.wire.FuseIn;

import java.lang.foreign.MemorySegment;

/**
 * One request as a transport presents it, reused for every request a worker serves (no per-request
 * object). {@code in} holds the header and arguments contiguously; WRITE data either follows them
 * there, or sits in guest buffers listed in {@link #payload}.
 */
public final class Request {
    public MemorySegment in = MemorySegment.NULL;
    /** Bytes of {@code in} that are valid. */
    public long inLength;
    /** Total request length as the transport received it (header.len must equal this). */
    public long totalLength;
    /** WRITE data outside {@code in}; empty when the data is inline. */
    public final IoVecs payload;

    // header fields, filled by parseHeader
    public int opcode;
    public long unique;
    public long nodeid;
    /** Who sent it: the header's uid, gid and pid, and a creation's supplementary group. */
    public final Caller caller = new Caller();

    /** The header's own idea of the request length. */
    public long headerLength;

    public Request(IoVecs payload) { this.payload = payload; }

    /** Reads the header fields; false when fewer than 40 bytes arrived (then no reply is possible). */
    public boolean parseHeader() {
        if (inLength < Header.SIZE) return false;
        headerLength = Integer.toUnsignedLong(Header.len(in, 0));
        opcode = Header.opcode(in, 0);
        unique = Header.unique(in, 0);
        nodeid = Header.nodeid(in, 0);
        caller.set(Header.uid(in, 0), Header.gid(in, 0), Header.pid(in, 0), suppGroup());
        return true;
    }

    /**
     * Points this request at {@code inLength} bytes of {@code buffer} (header and arguments) of a
     * request {@code totalLength} long whose remaining {@code dataLength} bytes (a WRITE's data) sit
     * at {@code dataAddress}; with no data, the request is all in the buffer.
     */
    public void setWithPayload(MemorySegment buffer, long inLength, long totalLength, long dataAddress, long dataLength) {
        this.in = buffer;
        this.inLength = inLength;
        this.totalLength = totalLength;
        this.payload.clear();
        if (dataLength > 0) this.payload.add(dataAddress, dataLength);
    }

    /** Points this request at a contiguous buffer holding the whole request. */
    public void setContiguous(MemorySegment buffer, long length) {
        this.in = buffer;
        this.inLength = length;
        this.totalLength = length;
        this.payload.clear();
    }

    /**
     * The supplementary group a creation carries (FUSE_EXT_GROUPS: the parent directory's group,
     * when the caller is in it only as a supplementary one), or -1. Only for requests held whole
     * in {@code in} (every creation is); most requests carry no extension and cost one byte read.
     */
    private long suppGroup() {
        long extensions = Header.totalExtlen(in, 0) * 8L;
        if (extensions == 0 || inLength != totalLength || extensions > totalLength - Header.SIZE) return -1;
        return FuseIn.Extension.suppGroup(in, totalLength - extensions, totalLength);
    }
}
