package dev.fusebench.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Inside the sandbox the working directory is its root: the daemon gets every path absolute. */
class SandboxLauncherTest {
    @Test
    void pathsBecomeAbsoluteInBothForms() {
        String cwd = Path.of("").toAbsolutePath().toString();
        assertEquals(List.of("--shared-dir", cwd + "/data", "--socket-path=" + cwd + "/run/s.sock", "--variant", "baseline",
                        "--stats", "/abs/s.json", "--set", "max_pages=64"),
                SandboxLauncher.absolutePaths(List.of("--shared-dir", "data", "--socket-path=run/s.sock", "--variant", "baseline",
                        "--stats", "/abs/s.json", "--set", "max_pages=64")));
    }
}
