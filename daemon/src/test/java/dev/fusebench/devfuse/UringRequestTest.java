package dev.fusebench.devfuse;

import dev.fusebench.fuse.Request;
import dev.fusebench.sys.IoVecs;
import dev.fusebench.testing.Requests;
import dev.fusebench.wire.FuseIn;
import dev.fusebench.wire.FuseUring.EntInOut;
import dev.fusebench.wire.FuseUring.ReqHeader;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A request as FUSE over io_uring delivers it (fuse_in_header in in_out, the per-opcode struct in
 * op_in, the rest in the payload buffer) is rebuilt into exactly the bytes /dev/fuse would have
 * delivered; a WRITE's data is named in place, not copied.
 */
class UringRequestTest {
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment header = arena.allocate(ReqHeader.SIZE), payload = arena.allocate(1 << 20), in = arena.allocate(1 << 20);
    private final Request req = new Request(new IoVecs(arena, 4));

    /** Lays a /dev/fuse request out as the kernel puts it in a ring entry, its first {@code opIn} argument bytes in op_in. */
    private void deliver(byte[] devFuse, int opIn) {
        MemorySegment r = MemorySegment.ofArray(devFuse);
        MemorySegment.copy(r, 0, header, ReqHeader.IN_OUT, FuseIn.Header.SIZE);
        MemorySegment.copy(r, FuseIn.Header.SIZE, header, ReqHeader.OP_IN, opIn);
        int rest = devFuse.length - FuseIn.Header.SIZE - opIn;
        MemorySegment.copy(r, FuseIn.Header.SIZE + opIn, payload, 0, rest);
        EntInOut.payloadSize(header, ReqHeader.ENT_IN_OUT, rest);
    }

    private byte[] rebuilt() { return in.asSlice(0, req.inLength).toArray(JAVA_BYTE); }

    @Test
    void aLookupsNameComesFromThePayload() {
        byte[] lookup = Requests.lookup(1, "some-file"); // LOOKUP's first argument is empty (fuse_set_zero_arg0)
        deliver(lookup, 0);
        UringQueue.rebuild(header, payload, in, req);
        assertArrayEquals(lookup, rebuilt());
        assertTrue(req.parseHeader());
        assertEquals(req.headerLength, req.totalLength);
        assertEquals(0, req.payload.count());
    }

    @Test
    void aReadsArgumentsComeFromOpIn() {
        byte[] read = Requests.read(5, 7, 4096, 1 << 20);
        deliver(read, FuseIn.ReadIn.SIZE);
        UringQueue.rebuild(header, payload, in, req);
        assertArrayEquals(read, rebuilt());
        assertTrue(req.parseHeader());
        assertEquals(req.headerLength, req.totalLength);
    }

    @Test
    void aWritesDataStaysInThePayloadBuffer() {
        byte[] data = new byte[64 << 10];
        new java.util.Random(3).nextBytes(data);
        byte[] write = Requests.write(5, 7, 0, data);
        deliver(write, FuseIn.WriteIn.SIZE);
        UringQueue.rebuild(header, payload, in, req);
        assertArrayEquals(java.util.Arrays.copyOf(write, FuseIn.Header.SIZE + FuseIn.WriteIn.SIZE), rebuilt(), "header and fuse_write_in");
        assertEquals(1, req.payload.count());
        assertEquals(payload.address(), req.payload.address(0), "the data is named where the kernel put it");
        assertEquals(data.length, req.payload.length(0));
        assertTrue(req.parseHeader());
        assertEquals(write.length, req.totalLength);
        assertEquals(req.headerLength, req.totalLength);
    }

    @Test
    void aHeaderThatDisagreesWithTheEntryDoesNotAddUp() {
        byte[] read = Requests.read(5, 7, 0, 4096);
        deliver(read, FuseIn.ReadIn.SIZE);
        // fuse_in_header.len (its first field) claims a per-opcode struct bigger than op_in
        header.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, ReqHeader.IN_OUT, FuseIn.Header.SIZE + 4000);
        UringQueue.rebuild(header, payload, in, req);
        assertTrue(req.parseHeader());
        assertNotEquals(req.headerLength, req.totalLength, "the server answers EINVAL");
    }
}
