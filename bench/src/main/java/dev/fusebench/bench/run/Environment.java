package dev.fusebench.bench.run;

import dev.fusebench.bench.guest.Qemu;
import dev.fusebench.files.ProcFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Facts about the host that go with every result. */
public final class Environment {
    private Environment() {}

    public static Map<String, Object> host() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("kernel", System.getProperty("os.version"));
        h.put("cpus", Runtime.getRuntime().availableProcessors());
        try {
            Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name")).findFirst()
                    .ifPresent(l -> h.put("cpu", l.substring(l.indexOf(':') + 1).strip()));
        } catch (IOException e) {
            h.put("cpu", "unknown");
        }
        return h;
    }

    /** This machine's name (recorded with every run: shards of one matrix run on several hosts). */
    public static String hostName() {
        try {
            return ProcFiles.read(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String qemuVersion;

    public static synchronized String qemuVersion() {
        if (qemuVersion == null) {
            try {
                qemuVersion = Qemu.version();
            } catch (IOException e) {
                qemuVersion = "unknown";
            }
        }
        return qemuVersion;
    }
}
