package dev.fusebench.virtqueue;

import dev.fusebench.sys.IoVecs;
import dev.fusebench.wire.VirtioRing.Desc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.*;

/** Guest memory is a set of bounded segments: one byte past a region is a bounds error, not a read of the host's memory. */
class GuestMemoryTest {
    static final long GPA = 0x100000, UVA = 0x7f0000000000L, SIZE = 4096;
    final Arena arena = Arena.ofShared();
    // the region sits inside a larger allocation, so a byte past it is mapped memory a bounds check alone can stop
    final MemorySegment backing = arena.allocate(3 * SIZE, 4096);
    final MemorySegment region = backing.asSlice(SIZE, SIZE);
    final GuestMemory mem = new GuestMemory(List.of(new GuestMemory.Region(GPA, UVA, region)));

    @AfterEach
    void close() { arena.close(); }

    @Test
    void translationRefusesOneBytePastTheRegion() {
        assertEquals(region.address() + SIZE - 64, mem.translate(GPA + SIZE - 64, 64));
        assertEquals(GuestMemory.INVALID, mem.translate(GPA + SIZE - 63, 64));
        assertEquals(GuestMemory.INVALID, mem.translate(GPA - 1, 2));
        assertNull(mem.sliceFrontend(UVA + SIZE - 63, 64));
    }

    @Test
    void aSliceIsBoundedByTheFfmChecks() {
        MemorySegment ring = mem.sliceFrontend(UVA + SIZE - 64, 64);
        assertNotNull(ring);
        ring.get(JAVA_BYTE, 63);
        assertThrows(IndexOutOfBoundsException.class, () -> ring.get(JAVA_BYTE, 64));
    }

    @Test
    void copiesThroughARegionStopAtItsEnd() {
        MemorySegment dst = arena.allocate(128);
        IoVecs fits = new IoVecs(arena, 1);
        fits.add(region.address() + SIZE - 64, 64);
        assertEquals(64, Scatter.gather(mem, fits, 0, dst, 0, 64));
        // a buffer list that runs one byte past the region (only a bug could build one: translation
        // refuses it) fails with a bounds error instead of reading the neighbouring memory
        IoVecs past = new IoVecs(arena, 1);
        past.add(region.address() + SIZE - 64, 65);
        assertThrows(IndexOutOfBoundsException.class, () -> Scatter.gather(mem, past, 0, dst, 0, 65));
        assertThrows(IndexOutOfBoundsException.class, () -> Scatter.scatter(mem, dst, 65, past));
        IoVecs outside = new IoVecs(arena, 1);
        outside.add(backing.address(), 8); // the page before the region
        assertThrows(IndexOutOfBoundsException.class, () -> Scatter.gather(mem, outside, 0, dst, 0, 8));
    }

    @Test
    void anIndirectTableEndingOneBytePastTheRegionIsRefused() {
        MemorySegment table = mem.sliceFrontend(UVA, Desc.tableBytes(4));
        DescriptorChain chain = new DescriptorChain(arena, 16);
        Desc.write(table, 0, GPA + SIZE - 31, 32, Desc.F_INDIRECT, 0);
        assertEquals("indirect table outside guest memory", chain.walk(mem, table, 4, 0));
        Desc.write(table, 0, GPA + SIZE - 32, 32, Desc.F_INDIRECT, 0);
        Desc.write(region, SIZE - 32, GPA, 16, 0, 0); // one readable buffer
        assertNull(chain.walk(mem, table, 4, 0));
        assertEquals(16, chain.readableBytes);
    }
}
