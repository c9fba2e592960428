package dev.fusebench.bench.run;

import dev.fusebench.fuse.NegotiationSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Raises this host's fs.fuse.max_pages_limit (Linux 6.13+) for host-fuse runs whose variants ask
 * for more pages, and puts the old value back. The old value is written down before the sysctl
 * changes, in the results directory and under /run, so a controller killed mid-run (SIGKILL
 * included) restores it on --resume or at its next start: the host is never left changed.
 */
public final class HostPagesLimit implements AutoCloseable {
    static final String NOTE = "max_pages_limit.restore";
    /** Cleared at reboot, as the sysctl itself is. */
    public static final Path RUN_DIR = Path.of("/run/fusebench");

    private final int old;
    private final List<Path> notes;

    private HostPagesLimit(int old, List<Path> notes) {
        this.old = old;
        this.notes = notes;
    }

    /** The sysctl's value, or -1 when this kernel has none. */
    public static int current() { return NegotiationSettings.pagesLimitSysctl().orElse(-1); }

    /**
     * Makes the limit at least {@code pages}; null when it already is. Throws when the kernel has no
     * such sysctl or it cannot be written.
     */
    public static HostPagesLimit raiseTo(int pages, Path resultsDir) throws IOException {
        int now = current();
        if (now < 0) throw new IOException("this kernel has no fs.fuse.max_pages_limit (Linux 6.13+): max_pages above 256 cannot take effect");
        if (now >= pages) return null;
        List<Path> notes = List.of(Files.createDirectories(resultsDir).resolve(NOTE), Files.createDirectories(RUN_DIR).resolve(NOTE));
        for (Path n : notes) Files.writeString(n, Integer.toString(now)); // first: a kill after the write below restores it
        try {
            write(pages);
        } catch (IOException e) {
            for (Path n : notes) Files.deleteIfExists(n);
            throw new IOException("cannot raise fs.fuse.max_pages_limit to " + pages + ": " + e.getMessage(), e);
        }
        return new HostPagesLimit(now, notes);
    }

    /**
     * Puts back a value a killed controller left raised (noted in {@code resultsDir}, if given, or
     * under /run). Returns a line saying what it did, or null when there was nothing to do.
     */
    public static String restoreLeftovers(Path resultsDir) throws IOException {
        List<Path> notes = new ArrayList<>();
        if (resultsDir != null) notes.add(resultsDir.resolve(NOTE));
        notes.add(RUN_DIR.resolve(NOTE));
        String said = null;
        for (Path n : notes) {
            if (!Files.exists(n)) continue;
            int value = Integer.parseInt(Files.readString(n).strip());
            if (said == null) {
                write(value);
                said = "restored fs.fuse.max_pages_limit to " + value + " (a controller was killed while it was raised)";
            }
            Files.delete(n);
        }
        return said;
    }

    @Override
    public void close() throws IOException {
        write(old);
        for (Path n : notes) Files.deleteIfExists(n);
    }

    private static void write(int pages) throws IOException {
        Files.writeString(NegotiationSettings.PAGES_LIMIT_SYSCTL, Integer.toString(pages));
    }
}
