package dev.fusebench.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * How the libc layer ({@link Libc}, {@link LibcProcess}) links its calls: downcall handles that
 * capture errno into a per-thread segment, and the helpers that turn a failed call into a negative
 * errno (kernel style), so the hot path needs no exceptions and no allocation.
 */
final class NativeCall {
    private NativeCall() {}

    static final Linker LINKER = Linker.nativeLinker();
    static final SymbolLookup LOOKUP = LINKER.defaultLookup();
    static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    static final long ERRNO_OFFSET =
            CAPTURE_LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
    /** errno is captured into a per-thread segment: allocated once per thread, reused after. */
    static final ThreadLocal<MemorySegment> CAPTURE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

    static MethodHandle errnoCall(String name, FunctionDescriptor fd, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = Linker.Option.captureCallState("errno");
        System.arraycopy(extra, 0, options, 1, extra.length);
        MemorySegment symbol = LOOKUP.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc lacks " + name));
        return LINKER.downcallHandle(symbol, fd, options);
    }

    static MethodHandle plainCall(String name, FunctionDescriptor fd) {
        MemorySegment symbol = LOOKUP.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc lacks " + name));
        return LINKER.downcallHandle(symbol, fd);
    }

    static FunctionDescriptor i(MemoryLayout... args) { return FunctionDescriptor.of(JAVA_INT, args); }
    static FunctionDescriptor l(MemoryLayout... args) { return FunctionDescriptor.of(JAVA_LONG, args); }

    static MemorySegment cs() {
        return Thread.currentThread() instanceof LibcThread t ? t.errnoState : CAPTURE.get();
    }

    static int errno(MemorySegment capture) { return capture.get(JAVA_INT, ERRNO_OFFSET); }

    static int ret(int r, MemorySegment capture) { return r < 0 ? -errno(capture) : r; }

    static long ret(long r, MemorySegment capture) { return r < 0 ? -errno(capture) : r; }

    static RuntimeException fatal(Throwable t) {
        if (t instanceof RuntimeException re) return re;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}
