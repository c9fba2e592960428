package dev.fusebench.bench.jmh;

import dev.fusebench.fuse.Opcode;
import dev.fusebench.fuse.Wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Requests captured from a real kernel (host 6.18) with the daemon's --capture, as native buffers. */
final class KernelRequests {
    private KernelRequests() {}

    static MemorySegment load(Arena arena, String name) {
        try (InputStream in = KernelRequests.class.getResourceAsStream("/fixtures/" + name + ".bin")) {
            if (in == null) throw new IllegalArgumentException("no fixture " + name);
            byte[] b = in.readAllBytes();
            MemorySegment s = arena.allocate(b.length, 4096);
            MemorySegment.copy(MemorySegment.ofArray(b), 0, s, 0, b.length);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** BATCH_FORGET of {@code n} entries, laid out as the kernel sends it (none was captured). */
    static MemorySegment batchForget(Arena arena, int n) {
        int len = Wire.IN_HEADER + Wire.BATCH_FORGET_IN + n * Wire.FORGET_ONE;
        MemorySegment s = arena.allocate(len, 4096);
        Wire.u32(s, Wire.H_LEN, len);
        Wire.u32(s, Wire.H_OPCODE, Opcode.BATCH_FORGET);
        Wire.u64(s, Wire.H_UNIQUE, 42);
        Wire.u32(s, Wire.IN_HEADER, n);
        for (int i = 0; i < n; i++) {
            Wire.u64(s, Wire.IN_HEADER + 8 + 16L * i, 100 + i);
            Wire.u64(s, Wire.IN_HEADER + 16 + 16L * i, 1);
        }
        return s;
    }
}
