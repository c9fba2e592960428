package dev.fusebench.fuse;

import dev.fusebench.files.ProcFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalInt;

/** This host's fs.fuse.max_pages_limit: the kernel's cap on max_pages for /dev/fuse mounts (Linux 6.13+). */
public final class PagesLimitSysctl {
    private PagesLimitSysctl() {}

    public static final Path PATH = Path.of("/proc/sys/fs/fuse/max_pages_limit");

    /** The sysctl's value, or empty on a kernel without it. */
    public static OptionalInt read() {
        try {
            return OptionalInt.of(Integer.parseInt(ProcFiles.read(PATH).strip()));
        } catch (IOException | NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** The cap a /dev/fuse mount here gets: the sysctl, or 256 on a kernel without it. */
    public static int ofThisHost() { return read().orElse(NegotiationSettings.KERNEL_MAX_PAGES); }
}
