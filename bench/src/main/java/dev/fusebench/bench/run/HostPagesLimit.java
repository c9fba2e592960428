package dev.fusebench.bench.run;

import dev.fusebench.fuse.PagesLimitSysctl;

import java.io.IOException;
import java.nio.file.Path;

/**
 * This host's fs.fuse.max_pages_limit (Linux 6.13+), raised for host-fuse runs whose variants ask
 * for more pages and put back after ({@link HostSetting#PAGES_LIMIT}).
 */
public final class HostPagesLimit {
    private HostPagesLimit() {}

    /** The sysctl's value, or -1 when this kernel has none. */
    public static int current() { return PagesLimitSysctl.read().orElse(-1); }

    /**
     * Makes the limit at least {@code pages} until the change is closed; null when it already is.
     * Throws when the kernel has no such sysctl or it cannot be written.
     */
    public static HostSetting.Change raiseTo(int pages, Path resultsDir) throws IOException {
        int now = current();
        if (now < 0) throw new IOException("this kernel has no fs.fuse.max_pages_limit (Linux 6.13+): max_pages above 256 cannot take effect");
        if (now >= pages) return null;
        return HostSetting.PAGES_LIMIT.set(Integer.toString(pages), resultsDir);
    }
}
