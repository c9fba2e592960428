package dev.fusebench.fuse;

import dev.fusebench.sys.IoVecs;

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

    // header fields, filled by the server's parse
    public int opcode;
    public long unique;
    public long nodeid;
    public int uid, gid, pid;

    /** The header's own idea of the request length. */
    public long headerLength;

    public Request(IoVecs payload) { this.payload = payload; }

    /** Reads the header fields; false when fewer than 40 bytes arrived (then no reply is possible). */
    public boolean parseHeader() {
        if (inLength < Wire.IN_HEADER) return false;
        headerLength = Integer.toUnsignedLong(Wire.u32(in, Wire.H_LEN));
        opcode = Wire.u32(in, Wire.H_OPCODE);
        unique = Wire.u64(in, Wire.H_UNIQUE);
        nodeid = Wire.u64(in, Wire.H_NODEID);
        uid = Wire.u32(in, Wire.H_UID);
        gid = Wire.u32(in, Wire.H_GID);
        pid = Wire.u32(in, Wire.H_PID);
        return true;
    }

    /** Points this request at a contiguous buffer holding the whole request. */
    public void setContiguous(MemorySegment buffer, long length) {
        this.in = buffer;
        this.inLength = length;
        this.totalLength = length;
        this.payload.clear();
    }
}
