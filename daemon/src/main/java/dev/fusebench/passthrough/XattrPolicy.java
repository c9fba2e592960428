package dev.fusebench.passthrough;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Extended attributes, as virtiofsd serves them: {@code OFF} (its default, no --xattr) answers
 * ENOSYS so the guest stops asking; {@code RESTRICTED} (--xattr) passes them through but refuses
 * to let the guest set or remove the attributes that give privilege on the host
 * ({@code security.*}: file capabilities, SELinux labels; {@code trusted.*}: root-only metadata),
 * and hides them from reads; {@code UNRESTRICTED} (--xattr-unrestricted) passes everything.
 */
public enum XattrPolicy {
    OFF, RESTRICTED, UNRESTRICTED;

    private static final byte[][] PRIVILEGED = {"security.".getBytes(), "trusted.".getBytes()};

    /** Whether this policy keeps this NUL-terminated name from the guest (RESTRICTED and a privileged name). */
    boolean withholds(MemorySegment name) {
        return this == RESTRICTED && privileged(name, 0, name.byteSize());
    }

    static boolean privileged(MemorySegment names, long from, long end) {
        outer:
        for (byte[] prefix : PRIVILEGED) {
            if (end - from < prefix.length) continue;
            for (int i = 0; i < prefix.length; i++) if (names.get(JAVA_BYTE, from + i) != prefix[i]) continue outer;
            return true;
        }
        return false;
    }

    public static XattrPolicy of(boolean xattr, boolean unrestricted) {
        return unrestricted ? UNRESTRICTED : xattr ? RESTRICTED : OFF;
    }
}
