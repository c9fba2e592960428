package dev.fusebench.cli;

import java.util.Locale;

/** Byte counts as people write them on a command line: 4096, 4k, 128KiB, 1m, 2MiB, 1g (powers of 1024). */
public final class Sizes {
    private Sizes() {}

    /** @throws NumberFormatException when {@code value} is not such a size, or overflows */
    public static long parse(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        long mul = 1;
        if (v.endsWith("k") || v.endsWith("kib")) { mul = 1024; v = v.replaceAll("k(ib)?$", ""); }
        else if (v.endsWith("m") || v.endsWith("mib")) { mul = 1024 * 1024; v = v.replaceAll("m(ib)?$", ""); }
        else if (v.endsWith("g") || v.endsWith("gib")) { mul = 1024L * 1024 * 1024; v = v.replaceAll("g(ib)?$", ""); }
        try {
            return Math.multiplyExact(Long.parseLong(v), mul);
        } catch (ArithmeticException e) {
            throw new NumberFormatException("too large: " + value);
        }
    }

    /**
     * A size in whole MiB, for options counted in MiB: a bare number is MiB already (512), a size with
     * a unit is converted (512m, 1g, 1048576k).
     * @throws NumberFormatException when it is not such a size, not whole MiB, or not 1 MiB at least
     */
    public static int mib(String value) {
        String v = value.strip();
        long bytes = v.matches("[0-9]+") ? Math.multiplyExact(Long.parseLong(v), 1L << 20) : parse(v);
        if (bytes < 1 << 20 || bytes % (1 << 20) != 0 || bytes / (1 << 20) > Integer.MAX_VALUE)
            throw new NumberFormatException("not a whole number of MiB, at least 1: " + value);
        return (int) (bytes >> 20);
    }
}
