package dev.fusebench.bench.matrix;

import dev.fusebench.bench.run.HostPagesLimit;
import dev.fusebench.bench.run.HostSetting;
import dev.fusebench.fuse.NegotiationSettings;
import dev.fusebench.fuse.Variant;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The host settings a matrix's variants need (max_pages above the host's limit, FUSE over io_uring),
 * changed for the run and put back after it: at its end, on a signal (a shutdown hook), or, after a
 * kill, at the next start or --resume. Host-fuse runs only: a guest's kernel has its own settings.
 */
final class HostChanges implements AutoCloseable {
    private final List<HostSetting.Change> changes = new ArrayList<>();
    private final Thread restoreOnSignal = new Thread(this::restore, "restore-host-settings");

    /** Puts back what a killed run left changed in {@code dir}, then makes the changes {@code variants} need. */
    static HostChanges forRun(boolean hostFuse, Collection<Variant> variants, Path dir) throws IOException {
        for (HostSetting h : HostSetting.ALL) {
            String restored = h.restoreLeftovers(dir);
            if (restored != null) System.err.println("fusebench matrix: " + restored);
        }
        HostChanges c = new HostChanges();
        if (hostFuse) {
            int pagesWanted = variants.stream().filter(v -> v.init().offersMaxPages()).mapToInt(v -> v.init().maxPages()).max().orElse(0);
            if (pagesWanted > NegotiationSettings.KERNEL_MAX_PAGES)
                c.change(() -> HostPagesLimit.raiseTo(pagesWanted, dir), "fs.fuse.max_pages_limit raised to " + pagesWanted);
            if (variants.stream().anyMatch(Variant::overIoUring))
                c.change(() -> HostSetting.FUSE_URING.set("Y", dir), "the fuse module's enable_uring set to Y");
        }
        if (!c.changes.isEmpty()) Runtime.getRuntime().addShutdownHook(c.restoreOnSignal);
        return c;
    }

    /** Makes one host change for the run; a change that cannot be made is said, and the runs needing it fail with the reason. */
    private void change(HostChange make, String what) {
        try {
            HostSetting.Change c = make.make();
            if (c == null) return;
            changes.add(c);
            System.err.println("fusebench matrix: " + what + " for this run");
        } catch (IOException e) {
            System.err.println("fusebench matrix: " + e.getMessage() + "; runs that need it fail with that reason");
        }
    }

    private interface HostChange { HostSetting.Change make() throws IOException; }

    /** Puts back each host setting this run changed (once: from the run's end or a signal, whichever comes first). */
    private synchronized void restore() {
        for (HostSetting.Change c : changes) {
            try {
                c.close();
            } catch (IOException e) {
                System.err.println("fusebench matrix: could not restore " + c.setting().name() + ": " + e.getMessage());
            }
        }
        changes.clear();
    }

    /** The run is over: everything changed is put back, and the signal hook goes. */
    @Override
    public void close() {
        boolean any = !changes.isEmpty();
        restore();
        if (any) {
            try {
                Runtime.getRuntime().removeShutdownHook(restoreOnSignal);
            } catch (IllegalStateException e) {
                // the JVM is shutting down already: the hook restores (nothing left to do)
            }
        }
    }
}
