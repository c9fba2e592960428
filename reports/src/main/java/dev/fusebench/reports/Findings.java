package dev.fusebench.reports;

import dev.fusebench.bench.matrix.RunLines;
import dev.fusebench.bench.results.JobRequests;
import dev.fusebench.bench.workload.FioResult;
import dev.fusebench.stats.DaemonFacts;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The evidence of why, one line per cell: for each arm, how many READ (or WRITE) requests each fio
 * I/O became, the bytes per request, and the sizes that made them up, from each job's own requests
 * ({@link JobRequests}). Where a request and its remainder add up to the I/O, the line says so.
 */
final class Findings {
    private Findings() {}

    static final long PAGE = 4096;

    /** One arm's requests in a cell, summed over its measured runs. */
    record ArmRequests(String arm, String opcode, long requests, long ios, long ioBytes, long requestBytes,
                       Map<Long, Long> sizes, String source, long unread, long allRequests, long passthroughOpens,
                       Map<String, Long> ringQueues) {
        double perIo() { return (double) requests / ios; }
        long ioSize() { return Math.round((double) ioBytes / ios); }
        double bytesPerRequest() { return (double) requestBytes / requests; }

        /** Sizes that make up at least 5% of the requests, most frequent first, at most three. */
        List<Long> main() {
            return sizes.entrySet().stream().filter(e -> e.getValue() * 20 >= requests)
                    .sorted(Map.Entry.<Long, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .limit(3).map(Map.Entry::getKey).toList();
        }
    }

    /** One line per cell that has per-job requests, in cell order. */
    static List<String> lines(ResultSet rs) {
        List<String> out = new ArrayList<>();
        for (RunLines.Cell c : rs.cells()) {
            String line = of(rs, c);
            if (line != null) out.add(line);
        }
        return out;
    }

    static String of(ResultSet rs, RunLines.Cell c) {
        // metadata jobs move no data: their figures are files or entries, not READs per I/O
        String metric = RunLines.metricName(c.workload());
        if (metric.equals("files/s") || metric.equals("entries/s")) return null;
        List<ArmRequests> arms = new ArrayList<>();
        for (String arm : rs.armsOf(c)) {
            ArmRequests a = armRequests(rs.measured(c, arm), arm);
            if (a != null) arms.add(a);
        }
        if (arms.isEmpty()) return null;
        StringBuilder sb = new StringBuilder(c.label()).append(" (").append(ReportBuilder.sizeLabel(arms.getFirst().ioSize())).append(" per fio I/O): ");
        List<String> parts = new ArrayList<>();
        for (ArmRequests a : arms) parts.add(describe(a));
        sb.append(String.join("; ", parts));
        String source = arms.stream().map(ArmRequests::source).distinct().reduce((x, y) -> x + ", " + y).orElse("");
        sb.append(" [").append(source.equals("proxy") ? "counted by the observing proxy" : source.equals("daemon") ? "the daemon's statistics" : source).append(']');
        return sb.toString();
    }

    static ArmRequests armRequests(List<ResultSet.Run> runs, String arm) {
        long requests = 0, ios = 0, ioBytes = 0, bytes = 0, unread = 0, all = 0, passthrough = 0;
        Map<String, Long> queues = new TreeMap<>(); // FUSE over io_uring: requests per ring queue and /dev/fuse, per boot
        Set<String> boots = new HashSet<>();
        String opcode = null, source = null;
        Map<Long, Long> sizes = new TreeMap<>();
        for (ResultSet.Run r : runs) {
            if (!r.ok() || r.requests() == null || r.fio() == null) continue;
            // the direction the run is measured in (RunLines: read when fio read, else write)
            boolean read = r.fio().read() != null && r.fio().read().active();
            FioResult.Direction io = read ? r.fio().read() : r.fio().write();
            if (io == null || io.ios() <= 0) continue;
            opcode = read ? "READ" : "WRITE";
            JobRequests.Opcode o = r.requests().opcode(opcode);
            source = r.requests().source();
            ios += io.ios();
            ioBytes += io.ioBytes();
            if (r.requests().unreadable() != null) unread += r.requests().unreadable();
            if (r.daemonStats() != null && boots.add(r.unit())) {
                DaemonFacts facts = r.daemonStats().daemon();
                if (facts != null && facts.passthrough != null) passthrough += facts.passthrough.opens();
                if (r.daemonStats().requestsPerQueue() != null)
                    for (var q : r.daemonStats().requestsPerQueue().entrySet())
                        if (q.getKey().startsWith("uring-") || q.getKey().equals("dev-fuse")) queues.merge(q.getKey(), q.getValue(), Long::sum);
            }
            if (r.requests().opcodes() != null) for (JobRequests.Opcode each : r.requests().opcodes().values()) all += each.count();
            if (o == null) continue;
            requests += o.count();
            bytes += o.bytes();
            if (o.sizes() != null) o.sizes().forEach((k, v) -> sizes.merge(k, v, Long::sum));
        }
        return ios == 0 ? null : new ArmRequests(arm, opcode, requests, ios, ioBytes, bytes, sizes, source, unread, all + unread, passthrough, queues);
    }

    /** The short evidence of a headline: "2.00 READs of 64 KiB per I/O -> 1.00 of 128 KiB" (reference, then arm), or null. */
    static String evidence(ResultSet rs, RunLines.Cell c, String arm) {
        ArmRequests ref = armRequests(rs.measured(c, rs.reference), rs.reference), other = armRequests(rs.measured(c, arm), arm);
        if (ref == null || other == null || ref.requests() == 0 || other.requests() == 0) return null;
        return String.format(Locale.ROOT, "%.2f %s%s of %s per I/O -> %.2f of %s", ref.perIo(), ref.opcode(),
                String.format(Locale.ROOT, "%.2f", ref.perIo()).equals("1.00") ? "" : "s", ReportBuilder.sizeLabel(Math.round(ref.bytesPerRequest())),
                other.perIo(), ReportBuilder.sizeLabel(Math.round(other.bytesPerRequest())));
    }

    static String describe(ArmRequests a) {
        if (a.requests() == 0) return a.arm() + " no " + a.opcode() + " reached the daemon"
                + (a.passthroughOpens() > 0 ? " (FUSE passthrough: " + a.passthroughOpens() + " opens handed the kernel their backing file)" : "");
        // unread requests (the observing proxy came too late for them) make the count a lower bound
        StringBuilder sb = new StringBuilder(a.arm()).append(' ').append(a.unread() > 0 ? "≥" : "")
                .append(perIo(a.perIo(), a.opcode()));
        if (a.requestBytes() > 0) {
            sb.append(", ").append(String.format(Locale.ROOT, "%,.0f", a.bytesPerRequest())).append(" B per request (");
            List<Long> main = a.main();
            sb.append(String.join(" + ", main.stream().map(s -> String.format(Locale.ROOT, "%,d B", s)).toList())).append(')');
            String why = remainder(a, main);
            if (why != null) sb.append(": ").append(why);
        }
        if (a.unread() > 0)
            sb.append(String.format(Locale.ROOT, "; %,d requests (%.1f%%) went unread", a.unread(), 100.0 * a.unread() / a.allRequests()));
        String ring = overRings(a.ringQueues());
        if (ring != null) sb.append(" (").append(ring).append(')');
        return sb.toString();
    }

    /**
     * FUSE over io_uring: the share of the daemon's requests that came through its rings and how
     * they spread over the queues (one per CPU; the kernel picks the caller's), or null without rings.
     */
    static String overRings(Map<String, Long> queues) {
        long total = queues.values().stream().mapToLong(Long::longValue).sum();
        long rings = total - queues.getOrDefault("dev-fuse", 0L);
        if (rings <= 0) return null;
        List<String> each = queues.entrySet().stream().filter(e -> e.getKey().startsWith("uring-"))
                .map(e -> String.format(Locale.ROOT, "%s %.0f%%", e.getKey(), 100.0 * e.getValue() / rings)).toList();
        return String.format(Locale.ROOT, "over io_uring: %.1f%% of the daemon's requests through its rings: ", 100.0 * rings / total)
                + String.join(", ", each);
    }

    /** "1.00 READ per I/O", "2.00 READs per I/O": singular where the figure reads as one. */
    static String perIo(double n, String opcode) {
        String figure = String.format(Locale.ROOT, "%.2f", n);
        return figure + " " + opcode + (figure.equals("1.00") ? "" : "s") + " per I/O";
    }

    /**
     * A request and a small one that add up to the I/O, the I/O a whole number of pages: the buffer
     * starts {@code small} bytes into a page, so the pages one request may map hold {@code small}
     * bytes less than the I/O.
     */
    static String remainder(ArmRequests a, List<Long> main) {
        if (main.size() != 2) return null;
        long big = Math.max(main.get(0), main.get(1)), small = Math.min(main.get(0), main.get(1));
        long io = a.ioSize();
        if (big + small != io || io % PAGE != 0 || small >= PAGE) return null;
        return String.format(Locale.ROOT, "the buffer starts %d bytes into a page, so the %d pages a request may map hold %,d bytes and the last %d need a request of their own",
                small, (big + small) / PAGE, big, small);
    }
}
