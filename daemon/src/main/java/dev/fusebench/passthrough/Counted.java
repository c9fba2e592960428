package dev.fusebench.passthrough;

import dev.fusebench.sys.Libc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A host descriptor shared by the requests that use it. Its table holds one reference while the
 * kernel may still name it; each request takes one for as long as it uses the descriptor, and
 * whoever drops the last reference closes it. So FORGET, RELEASE or DESTROY on one queue never
 * closes a descriptor that a READ or LOOKUP on another queue is about to use, and the number is
 * never reused under a request's feet. Two atomic operations per use, no allocation.
 */
abstract class Counted {
    private static final VarHandle REFS;
    static {
        try {
            REFS = MethodHandles.lookup().findVarHandle(Counted.class, "refs", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final int fd;
    @SuppressWarnings("unused") // through REFS
    private volatile int refs = 1; // the table's

    /** Takes ownership of {@code fd}, counted against the guest's budget until it closes. */
    Counted(int fd) {
        this.fd = fd;
        GuestDescriptors.taken();
    }

    /** The id the kernel knows this by. */
    abstract long id();

    /** Takes a reference; false once the last one has gone (the descriptor is closed or closing). */
    final boolean tryAcquire() {
        int r;
        do {
            r = (int) REFS.getVolatile(this);
            if (r <= 0) return false;
        } while (!REFS.weakCompareAndSet(this, r, r + 1));
        return true;
    }

    /** Drops a reference; the last one closes the descriptor. */
    final void release() {
        int r = (int) REFS.getAndAdd(this, -1) - 1;
        if (r == 0) {
            Libc.close(fd);
            GuestDescriptors.closed();
        } else if (r < 0) throw new IllegalStateException("released more often than acquired");
    }

    final int refs() { return (int) REFS.getVolatile(this); }
}
