package dev.fusebench.bench.daemons;

import dev.fusebench.bench.guest.Shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A started daemon: waits for its socket, and is stopped (TERM, then KILL) with everything it left. */
public final class DaemonProcess implements AutoCloseable {
    private final Process process;
    private final Path socket;
    private final Path log;
    private final boolean stopDescendants;
    private final VirtioFsDaemon daemon;
    private final Path statsFile;
    public final List<String> command;

    private DaemonProcess(Process process, VirtioFsDaemon daemon, Path socket, Path statsFile, Path log, List<String> command,
                          boolean stopDescendants) {
        this.process = process;
        this.daemon = daemon;
        this.statsFile = statsFile;
        this.stopDescendants = stopDescendants;
        this.socket = socket;
        this.log = log;
        this.command = command;
    }

    public static DaemonProcess start(VirtioFsDaemon d, Path shared, Path socket, String variant, Path statsFile, Path log)
            throws IOException {
        return launch(d, shared, socket, variant, statsFile, log).awaitListening(d.name());
    }

    /**
     * Starts the daemon without waiting for its socket, so several can start at once. Call it from a
     * thread that outlives the daemon: the child's parent-death signal fires when the thread that
     * forked it ends, not the process.
     */
    public static DaemonProcess launch(VirtioFsDaemon d, Path shared, Path socket, String variant, Path statsFile, Path log)
            throws IOException {
        Files.deleteIfExists(socket); // a stale one; the command may put its own link there
        List<String> cmd = d.command(shared, socket, variant, statsFile);
        ProcessBuilder pb = new ProcessBuilder(Shell.diesWithUs(cmd)).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(d.environment());
        return new DaemonProcess(pb.start(), d, socket, statsFile, log, cmd, d.stopsThroughDescendants());
    }

    /** Waits up to 20 s for the socket; a daemon that exits or never listens is stopped and said why. */
    public DaemonProcess awaitListening(String name) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(socket)) {
            if (!process.isAlive()) {
                close();
                throw new IOException(name + " exited with " + process.exitValue() + " before listening: " + logTail());
            }
            if (System.nanoTime() > deadline) {
                close();
                throw new IOException(name + " did not create " + socket + " within 20 s: " + logTail());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IOException("interrupted");
            }
        }
        return this;
    }

    public boolean alive() { return process.isAlive(); }

    public Integer exitCode() { return process.isAlive() ? null : process.exitValue(); }

    public long pid() { return process.pid(); }

    /** SIGKILL, for fault injection: no chance to write stats or clean up. */
    public void kill() { process.destroyForcibly(); }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            if (stopDescendants) process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try {
            daemon.finish(socket, statsFile);
        } catch (IOException e) {
            // the stats are then missing, which the run reports
        }
        try {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(Path.of(socket + ".pid"));
        } catch (IOException e) {
            // best effort
        }
    }
}
