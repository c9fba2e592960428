package dev.fusebench.bench.run;

import dev.fusebench.files.ProcFiles;
import dev.fusebench.fuse.PagesLimitSysctl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A setting of this host (a sysctl or module parameter) that a host-fuse run may need changed, and
 * puts back after. The old value is written down before the setting changes, in the results
 * directory and under /run, so a controller killed mid-run (SIGKILL included) restores it on
 * --resume or at its next start: the host is never left changed.
 */
public final class HostSetting {
    /** Cleared at reboot, as the settings themselves are. */
    public static final Path RUN_DIR = Path.of("/run/fusebench");

    /** fs.fuse.max_pages_limit (Linux 6.13+): the cap on max_pages for /dev/fuse servers. */
    public static final HostSetting PAGES_LIMIT = new HostSetting("fs.fuse.max_pages_limit", PagesLimitSysctl.PATH, "max_pages_limit.restore");
    /** The fuse module's enable_uring (Linux 6.14+, CONFIG_FUSE_IO_URING): N keeps the kernel from offering FUSE over io_uring. */
    public static final HostSetting FUSE_URING = new HostSetting("the fuse module's enable_uring", Path.of("/sys/module/fuse/parameters/enable_uring"), "enable_uring.restore");

    public static final List<HostSetting> ALL = List.of(PAGES_LIMIT, FUSE_URING);

    private final String name;
    private final Path file;
    private final String note;

    private HostSetting(String name, Path file, String note) {
        this.name = name;
        this.file = file;
        this.note = note;
    }

    public String name() { return name; }

    /** Its value now; empty when this kernel has no such setting. */
    public Optional<String> current() {
        try {
            // ProcFiles: Files.readString trusts procfs's zero size and returns "2" of "256"
            return Files.exists(file) ? Optional.of(ProcFiles.read(file).strip()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Sets it to {@code value} until the returned change is closed; null when it already has that
     * value. Throws when this kernel has no such setting or it cannot be written.
     */
    public Change set(String value, Path resultsDir) throws IOException {
        String now = current().orElseThrow(() -> new IOException("this kernel has no " + name + " (" + file + ")"));
        if (now.equals(value)) return null;
        List<Path> notes = List.of(Files.createDirectories(resultsDir).resolve(note), Files.createDirectories(RUN_DIR).resolve(note));
        for (Path n : notes) Files.writeString(n, now); // first: a kill after the write below restores it
        try {
            Files.writeString(file, value);
        } catch (IOException e) {
            for (Path n : notes) Files.deleteIfExists(n);
            throw new IOException("cannot set " + name + " to " + value + ": " + e.getMessage(), e);
        }
        return new Change(now, notes);
    }

    /**
     * Puts back a value a killed controller left changed (noted in {@code resultsDir}, if given, or
     * under /run). Returns a line saying what it did, or null when there was nothing to do.
     */
    public String restoreLeftovers(Path resultsDir) throws IOException {
        List<Path> notes = new ArrayList<>();
        if (resultsDir != null) notes.add(resultsDir.resolve(note));
        notes.add(RUN_DIR.resolve(note));
        String said = null;
        for (Path n : notes) {
            if (!Files.exists(n)) continue;
            String value = Files.readString(n).strip();
            if (said == null) {
                Files.writeString(file, value);
                said = "restored " + name + " to " + value + " (a controller was killed while it was changed)";
            }
            Files.delete(n);
        }
        return said;
    }

    /** Where the note for this setting is kept under {@code dir}. */
    public Path noteIn(Path dir) { return dir.resolve(note); }

    /** One change of the setting, undone by close. */
    public final class Change implements AutoCloseable {
        private final String old;
        private final List<Path> notes;

        private Change(String old, List<Path> notes) {
            this.old = old;
            this.notes = notes;
        }

        public HostSetting setting() { return HostSetting.this; }

        @Override
        public void close() throws IOException {
            Files.writeString(file, old);
            for (Path n : notes) Files.deleteIfExists(n);
        }
    }
}
