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

    /** The metadata jobs: create, stat and delete 2,000 files, and list 10,000 ("meta" in a list). */
    public static final List<String> META = List.of("meta-create", "meta-stat", "meta-delete", "readdir");

    /** Whether the workload reports its figure itself ("@@FB METRIC", readdir.sh) rather than through fio. */
    public static boolean reportsOwnMetric(String workload) { return workload.equals("readdir"); }

    /** Why a run of {@code workload} that got {@code metric} from it has no figure, or null when it has what it needs. */
    public static String missingOwnMetric(String workload, Double metric) {
        return reportsOwnMetric(workload) && metric == null ? workload + " reported no figure of its own" : null;
    }

    /**
     * IOPS for random workloads, bandwidth (MiB/s) for the rest: the figure the seed compared. The
     * metadata workloads count files per second (fio's IOPS of their job).
     */
    public static boolean usesIops(String workload) { return workload.contains("rand") || isMetadata(workload); }

    public static boolean isMetadata(String workload) { return workload.startsWith("meta-"); }

    /** A fio result's figure for {@code workload}: IOPS or MiB/s (see {@link #usesIops}); NaN when it moved nothing. */
    public static double figure(String workload, FioResult fio) {
        FioResult.Direction d = fio.primary();
        if (d == null || !d.active()) return Double.NaN;
        return usesIops(workload) ? d.iops() : d.bandwidthBytesPerSec() / 1048576.0;
    }

    public static List<String> available(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".fio")).sorted()
                    .forEach(n -> out.add(n.substring(0, n.length() - 4)));
        }
        return out;
    }

    /** Checks names against the directory; "seed" stands for the seed's four jobs, "meta" for the metadata jobs. */
    public static List<String> resolve(Path dir, List<String> names) throws IOException {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("no workloads directory " + dir.toAbsolutePath());
        List<String> known = available(dir);
        List<String> out = new ArrayList<>();
        for (String n : names) {
            if (n.equals("seed")) { out.addAll(SEED); continue; }
            if (n.equals("meta")) { out.addAll(META); continue; }
            if (!known.contains(n)) throw new IllegalArgumentException("unknown workload '" + n + "' (known: seed, " + String.join(", ", known) + ")");
            out.add(n);
        }
        return out;
    }
}
