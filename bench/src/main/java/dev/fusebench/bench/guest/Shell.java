package dev.fusebench.bench.guest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a host tool to completion; its output comes back as text, a failure as an IOException naming it. */
public final class Shell {
    private Shell() {}

    public record Result(int code, String output) {}

    private static final boolean SETPRIV = Files.isExecutable(Path.of("/usr/bin/setpriv"));

    /**
     * The command, made to die with the controller: {@code setpriv --pdeathsig KILL} sets the
     * parent-death signal and execs it (same pid), so a controller killed with SIGKILL, which runs
     * no shutdown hook, leaves no QEMU or daemon behind. The signal follows the spawning thread,
     * which in the controller lives as long as the run.
     */
    public static List<String> diesWithUs(List<String> command) {
        if (!SETPRIV) return command;
        List<String> c = new ArrayList<>(List.of("/usr/bin/setpriv", "--pdeathsig", "KILL", "--"));
        c.addAll(command);
        return c;
    }

    /** "exited 3", or "was killed by signal 9 (SIGKILL)" for the 128+N codes Java reports. */
    public static String describeExit(int code) {
        if (code > 128 && code < 128 + 65) {
            int sig = code - 128;
            String name = switch (sig) {
                case 6 -> "SIGABRT"; case 9 -> "SIGKILL"; case 11 -> "SIGSEGV"; case 15 -> "SIGTERM";
                case 2 -> "SIGINT"; case 1 -> "SIGHUP"; case 7 -> "SIGBUS"; default -> "signal " + sig;
            };
            return "was killed by signal " + sig + " (" + name + ")";
        }
        return "exited " + code;
    }

    public static Result run(Path dir, List<String> command, long timeoutSeconds) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (dir != null) pb.directory(dir.toFile());
        Process p = pb.start();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + ": timed out after " + timeoutSeconds + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command));
        }
        return new Result(p.exitValue(), out);
    }

    /** Runs and insists on exit code 0. */
    public static String check(Path dir, long timeoutSeconds, String... command) throws IOException {
        Result r = run(dir, List.of(command), timeoutSeconds);
        if (r.code() != 0) {
            String tail = r.output().length() > 2000 ? r.output().substring(r.output().length() - 2000) : r.output();
            throw new IOException(String.join(" ", command) + " exited " + r.code() + ": " + tail.strip());
        }
        return r.output();
    }
}
