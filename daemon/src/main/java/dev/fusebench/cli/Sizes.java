package dev.fusebench.cli;

import java.util.Locale;

/** Byte counts as people write them on a command line: 4096, 4k, 128KiB, 1m, 2MiB (powers of 1024). */
public final class Sizes {
    private Sizes() {}

    /** @throws NumberFormatException when {@code value} is not such a size, or overflows */
    public static long parse(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        long mul = 1;
        if (v.endsWith("k") || v.endsWith("kib")) { mul = 1024; v = v.replaceAll("k(ib)?$", ""); }
        else if (v.endsWith("m") || v.endsWith("mib")) { mul = 1024 * 1024; v = v.replaceAll("m(ib)?$", ""); }
        try {
            return Math.multiplyExact(Long.parseLong(v), mul);
        } catch (ArithmeticException e) {
            throw new NumberFormatException("too large: " + value);
        }
    }
}
