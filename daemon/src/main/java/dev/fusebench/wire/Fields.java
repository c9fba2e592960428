package dev.fusebench.wire;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * How the wire structs are spelled: C field types as named, unaligned value layouts (guest and
 * socket buffers promise no alignment; the structs carry their own padding fields, as the headers
 * do), and a VarHandle per field taking (segment, offset of the struct).
 */
final class Fields {
    private Fields() {}

    static ValueLayout u8(String name) { return JAVA_BYTE.withName(name); }
    static ValueLayout u16(String name) { return JAVA_SHORT_UNALIGNED.withName(name); }
    static ValueLayout u32(String name) { return JAVA_INT_UNALIGNED.withName(name); }
    static ValueLayout u64(String name) { return JAVA_LONG_UNALIGNED.withName(name); }
    static MemoryLayout pad(String name, long bytes) { return MemoryLayout.sequenceLayout(bytes, JAVA_BYTE).withName(name); }

    static StructLayout struct(String cName, MemoryLayout... fields) {
        return MemoryLayout.structLayout(fields).withName(cName);
    }

    /** The field's VarHandle, coordinates (MemorySegment, long structOffset). */
    static VarHandle field(StructLayout s, String name) {
        return s.varHandle(PathElement.groupElement(name));
    }

    static long offset(StructLayout s, String name) {
        return s.byteOffset(PathElement.groupElement(name));
    }
}
