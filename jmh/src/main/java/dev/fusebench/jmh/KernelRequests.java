package dev.fusebench.jmh;

import dev.fusebench.fuse.Opcode;
import dev.fusebench.wire.FuseIn.ForgetIn;
import dev.fusebench.wire.FuseIn.Header;

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
        int len = Header.SIZE + ForgetIn.BATCH_SIZE + n * ForgetIn.ONE_SIZE;
        MemorySegment s = arena.allocate(len, 4096);
        Header.write(s, 0, len, Opcode.BATCH_FORGET.code, 42, 0, 0, 0, 0);
        ForgetIn.writeBatch(s, Header.SIZE, n);
        for (int i = 0; i < n; i++) ForgetIn.writeOne(s, Header.SIZE + ForgetIn.BATCH_SIZE + (long) ForgetIn.ONE_SIZE * i, 100 + i, 1);
        return s;
    }
}
