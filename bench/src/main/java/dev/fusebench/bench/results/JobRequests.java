package dev.fusebench.bench.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.fusebench.stats.StatsFile;
import dev.fusebench.proxy.Observed;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The FUSE requests of one job alone (between its job mark and the next, see
 * {@link dev.fusebench.stats.JobMarks}): per opcode, how many and of which exact sizes.
 *
 * @param source     "daemon" (the Java daemon's own statistics) or "proxy" (counted by the observing
 *                   proxy on the avail rings)
 * @param unreadable requests the proxy saw but could not read (the guest had freed their descriptors
 *                   before it looked): the proxy's counts are short by that many; null for the daemon
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobRequests(String source, Map<String, Opcode> opcodes, Long unreadable) {
    /**
     * One opcode's requests: their number, where it has one the payload size of each (size: count), and
     * how many the daemon answered with an error (null where it was not counted: the proxy's counts).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Opcode(long count, Map<Long, Long> sizes, Long errors) {
        public Opcode(long count, Map<Long, Long> sizes) { this(count, sizes, null); }

        /** Payload bytes of all requests counted by size. */
        public long bytes() {
            long b = 0;
            if (sizes != null) for (var e : sizes.entrySet()) b += e.getKey() * e.getValue();
            return b;
        }
    }

    public Opcode opcode(String name) { return opcodes == null ? null : opcodes.get(name); }

    /** The opcodes of the data path, whose errors fail I/O (a LOOKUP's ENOENT is a name's absence, not an error). */
    public static final List<String> DATA_PATH = List.of("READ", "WRITE", "FSYNC", "FLUSH", "OPEN", "CREATE", "FALLOCATE", "SETATTR");

    /** Requests of the data path the daemon answered with an error, or null when the daemon did not count them. */
    public Long dataPathErrors() {
        if (opcodes == null) return null;
        Long n = null;
        for (String op : DATA_PATH) {
            Opcode o = opcodes.get(op);
            if (o != null && o.errors() != null) n = (n == null ? 0 : n) + o.errors();
        }
        return n;
    }

    /** Several jobs' requests added up (an interleaved arm's measured slices), or null when none has any. */
    public static JobRequests together(List<JobRequests> parts) {
        Map<String, Long> counts = new LinkedHashMap<>(), errors = new LinkedHashMap<>();
        Map<String, Map<Long, Long>> sizes = new LinkedHashMap<>();
        String source = null;
        Long unreadable = null;
        for (JobRequests r : parts) {
            if (r == null || r.opcodes() == null) continue;
            source = r.source();
            if (r.unreadable() != null) unreadable = (unreadable == null ? 0 : unreadable) + r.unreadable();
            r.opcodes().forEach((op, o) -> {
                counts.merge(op, o.count(), Long::sum);
                if (o.errors() != null) errors.merge(op, o.errors(), Long::sum);
                if (o.sizes() != null) o.sizes().forEach((size, n) -> sizes.computeIfAbsent(op, k -> new TreeMap<>()).merge(size, n, Long::sum));
            });
        }
        if (source == null) return null;
        Map<String, Opcode> ops = new LinkedHashMap<>();
        counts.forEach((op, n) -> ops.put(op, new Opcode(n, sizes.get(op), errors.get(op))));
        return new JobRequests(source, ops, unreadable);
    }

    /** From the daemon's statistics file: the phase {@code label}, or null when it has none. */
    public static JobRequests fromDaemonStats(StatsFile stats, String label) {
        StatsFile.Phase p = stats == null ? null : stats.phase(label);
        if (p == null) return null;
        Map<String, Opcode> ops = new LinkedHashMap<>();
        p.opcodes().forEach((op, f) -> ops.put(op, new Opcode(f.count(), f.size() == null ? null : new TreeMap<>(f.size().histogram()), f.errors())));
        return new JobRequests("daemon", ops, null);
    }

    /** From what the observing proxy counted: the phase {@code label}, or null when it saw none. */
    public static JobRequests fromObserved(List<Observed.Phase> phases, String label) {
        if (phases == null) return null;
        for (Observed.Phase p : phases) {
            if (!p.mark().equals(label)) continue;
            Map<String, Opcode> ops = new LinkedHashMap<>();
            p.sizes().forEach((op, sizes) -> {
                long n = 0;
                for (long c : sizes.values()) n += c;
                boolean data = op.equals("READ") || op.equals("WRITE");
                ops.put(op, new Opcode(n, data ? new TreeMap<>(sizes) : null));
            });
            return new JobRequests("proxy", ops, p.unreadable());
        }
        return null;
    }
}
