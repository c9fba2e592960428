package dev.fusebench.bench.workload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The fio job files in guest-workloads/: a workload is a job file's name without ".fio". */
public final class Workloads {
    private Workloads() {}

    /** The seed comparison's four jobs. */
    public static final List<String> SEED = List.of("seq-read", "seq-write", "rand-read", "rand-write");

    public static List<String> available(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".fio")).sorted()
                    .forEach(n -> out.add(n.substring(0, n.length() - 4)));
        }
        return out;
    }

    /** Checks names against the directory; "seed" stands for the seed's four jobs. */
    public static List<String> resolve(Path dir, List<String> names) throws IOException {
        if (!java.nio.file.Files.isDirectory(dir)) throw new IllegalArgumentException("no workloads directory " + dir.toAbsolutePath());
        List<String> known = available(dir);
        List<String> out = new ArrayList<>();
        for (String n : names) {
            if (n.equals("seed")) { out.addAll(SEED); continue; }
            if (!known.contains(n)) throw new IllegalArgumentException("unknown workload '" + n + "' (known: seed, " + String.join(", ", known) + ")");
            out.add(n);
        }
        return out;
    }
}
