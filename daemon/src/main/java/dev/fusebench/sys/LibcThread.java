package dev.fusebench.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;

/**
 * A thread that carries its own errno capture segment, for the threads that serve requests. Libc
 * finds it with one type check instead of a ThreadLocal lookup, whose slow paths (a new thread, a
 * hash collision) would throw the JIT's compiled hot path away the first time a new thread runs it.
 */
public final class LibcThread extends Thread {
    final MemorySegment errnoState = Arena.ofAuto().allocate(Linker.Option.captureStateLayout());

    public LibcThread(Runnable task, String name) {
        super(task, name);
    }
}
