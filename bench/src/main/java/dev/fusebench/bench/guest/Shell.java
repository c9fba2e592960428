package dev.fusebench.bench.guest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a host tool to completion; its output comes back as text, a failure as an IOException naming it. */
public final class Shell {
    private Shell() {}

    public record Result(int code, String output) {}

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
