package dev.fusebench.fuse;

import dev.fusebench.sys.Errno;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/** Decoding of the NUL-terminated strings that follow a request's fixed arguments. */
public final class Names {
    private Names() {}

    static final int NAME_MAX = 255;
    static final int PATH_MAX = 4096;

    /** Offset of the NUL that ends the string starting at {@code from}, within [from, end). */
    static long nul(MemorySegment in, long from, long end) {
        for (long i = from; i < end; i++) if (in.get(JAVA_BYTE, i) == 0) return i;
        throw new ProtocolException(Errno.EINVAL, "unterminated string");
    }

    /**
     * Checks a directory entry name starting at {@code from} and ending at the first NUL before
     * {@code end}: non-empty, no '/', at most NAME_MAX bytes, "." and ".." only where allowed.
     * Returns the NUL's offset, or a negative errno.
     */
    public static long checkName(MemorySegment in, long from, long end, boolean dotsAllowed) {
        long nul = -1;
        for (long i = from; i < end; i++) {
            byte b = in.get(JAVA_BYTE, i);
            if (b == 0) { nul = i; break; }
            if (b == '/') return -Errno.EINVAL;
        }
        if (nul < 0) return -Errno.EINVAL;
        long n = nul - from;
        if (n == 0) return -Errno.EINVAL;
        if (n > NAME_MAX) return -Errno.ENAMETOOLONG;
        if (!dotsAllowed && in.get(JAVA_BYTE, from) == '.'
                && (n == 1 || (n == 2 && in.get(JAVA_BYTE, from + 1) == '.'))) {
            return -Errno.EINVAL;
        }
        return nul;
    }

    /** The checked name [from, nul], NUL included. */
    static MemorySegment name(MemorySegment in, long from, long nul, boolean dotsAllowed) {
        long checked = checkName(in, from, nul + 1, dotsAllowed);
        if (checked < 0) throw new ProtocolException((int) -checked, "bad name");
        return in.asSlice(from, nul - from + 1);
    }

    /** The one checked name that starts at {@code from} and ends before {@code end}. */
    static MemorySegment single(MemorySegment in, long from, long end, boolean dotsAllowed) {
        return name(in, from, nul(in, from, end), dotsAllowed);
    }

    /** A non-empty string (an xattr name) starting at {@code from}, NUL included. */
    static MemorySegment nonEmpty(MemorySegment in, long from, long end) {
        long n = nul(in, from, end);
        if (n == from) throw new ProtocolException(Errno.EINVAL, "empty name");
        return in.asSlice(from, n - from + 1);
    }
}
