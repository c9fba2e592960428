package dev.fusebench.cli;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The one command line that starts our daemon in a JVM of its own: this JVM's binary, the given
 * options, this class path made absolute (inside a sandbox the working directory is the new root),
 * and {@link DaemonMain}. The controller starts its daemons with it, the launcher its sandboxed one.
 */
public final class DaemonJvm {
    private DaemonJvm() {}

    /** The options the controller gives the daemon's JVM. */
    public static final List<String> OPTIONS = List.of("--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC");

    public static List<String> command(List<String> jvmOptions) {
        List<String> c = new ArrayList<>();
        c.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        c.addAll(jvmOptions);
        c.addAll(List.of("-cp", absoluteClassPath(), DaemonMain.class.getName()));
        return c;
    }

    private static String absoluteClassPath() {
        return String.join(File.pathSeparator, Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.isEmpty()).map(e -> Path.of(e).toAbsolutePath().toString()).toList());
    }
}
