package dev.fusebench.bench.load;

import dev.fusebench.bench.results.LoadRecord;
import dev.fusebench.bench.stats.Comparison;
import dev.fusebench.bench.stats.Summary;
import dev.fusebench.loadgen.LoadGenerator;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * The load command's table: per op and daemon, medians [min-max] over the rounds of throughput,
 * daemon CPU per request and latency; each daemon after the first compared with the first
 * (paired by round: geometric mean of the throughput ratios, paired t p, the matrix's verdict rules).
 */
final class LoadSummary {
    private LoadSummary() {}

    static final double THRESHOLD_PCT = 3.0;

    static String markdown(List<LoadRecord> records, List<String> daemons, List<LoadGenerator.Op> ops, int size, int depth) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "## Daemons without a guest: %s requests, depth %d%n%n", human(size), depth));
        // through the proxy: its own CPU per request too (stepped out: only what it forwards besides the rings)
        boolean proxied = records.stream().anyMatch(r -> r.proxyCpuUsPerRequest() != null);
        sb.append("| op | daemon | n | MiB/s | requests/s | daemon CPU µs/request | ").append(proxied ? "proxy CPU µs/request | " : "")
                .append("p50 µs | p99 µs | vs ").append(daemons.getFirst()).append(" | p | verdict |\n");
        sb.append("|---|---|---:|---:|---:|---:|").append(proxied ? "---:|" : "").append("---:|---:|---:|---:|---|\n");
        // each round starts every daemon once: a block, so the comparison is paired by round, one family for the table
        List<Comparison> family = new ArrayList<>();
        for (LoadGenerator.Op op : ops) {
            for (String d : daemons.subList(1, daemons.size()))
                family.add(Comparison.paired(byRound(records, daemons.getFirst(), op), byRound(records, d, op), rounds(records)));
        }
        Iterator<Comparison> decided = Comparison.decideAll(family, THRESHOLD_PCT).iterator();
        for (LoadGenerator.Op op : ops) {
            for (String d : daemons) {
                double[] mib = values(records, d, op, LoadRecord::mibS);
                sb.append("| ").append(op.label()).append(" | ").append(d).append(" | ").append(mib.length).append(" | ")
                        .append(cell(mib, "%.0f")).append(" | ")
                        .append(cell(values(records, d, op, LoadRecord::requestsS), "%.0f")).append(" | ")
                        .append(cell(values(records, d, op, LoadRecord::daemonCpuUsPerRequest), "%.1f")).append(" | ")
                        .append(proxied ? cell(values(records, d, op, r -> r.proxyCpuUsPerRequest() == null ? Double.NaN : r.proxyCpuUsPerRequest()), "%.2f") + " | " : "")
                        .append(cell(values(records, d, op, r -> r.latencyUs().p50()), "%.0f")).append(" | ")
                        .append(cell(values(records, d, op, r -> r.latencyUs().p99()), "%.0f")).append(" | ");
                if (d.equals(daemons.getFirst())) {
                    sb.append("| | |\n");
                    continue;
                }
                Comparison c = decided.next();
                sb.append(String.format(Locale.ROOT, "%+.1f%% | %s | %s |%n", c.effectPct(),
                        Double.isNaN(c.p()) ? "-" : String.format(Locale.ROOT, "%.3f", c.p()), c.verdict().label));
            }
        }
        long failed = records.stream().filter(r -> !r.ok()).count();
        if (failed > 0) {
            sb.append("\nFailed runs: ").append(failed).append('\n');
            records.stream().filter(r -> !r.ok()).limit(5).forEach(r ->
                    sb.append("- ").append(r.daemon()).append(' ').append(r.op()).append(" round ")
                            .append(r.round()).append(": ").append(r.error()).append('\n'));
        }
        return sb.toString();
    }

    /** MiB/s of a daemon's successful runs of one op, by round. */
    private static Map<Integer, Double> byRound(List<LoadRecord> records, String daemon, LoadGenerator.Op op) {
        Map<Integer, Double> m = new TreeMap<>();
        ok(records, daemon, op).forEach(r -> m.put(r.round(), r.mibS()));
        return m;
    }

    private static int rounds(List<LoadRecord> records) {
        return (int) records.stream().map(LoadRecord::round).distinct().count();
    }

    private static String human(int size) {
        return size % (1 << 20) == 0 ? size / (1 << 20) + " MiB" : size % 1024 == 0 ? size / 1024 + " KiB" : size + "-byte";
    }

    static double[] values(List<LoadRecord> records, String daemon, LoadGenerator.Op op, ToDoubleFunction<LoadRecord> field) {
        return ok(records, daemon, op).mapToDouble(field).filter(v -> !Double.isNaN(v)).toArray();
    }

    private static Stream<LoadRecord> ok(List<LoadRecord> records, String daemon, LoadGenerator.Op op) {
        return records.stream().filter(r -> daemon.equals(r.daemon()) && op.label().equals(r.op()) && r.ok());
    }

    private static String cell(double[] v, String fmt) {
        if (v.length == 0) return "-";
        Summary s = Summary.of(v);
        if (v.length == 1) return String.format(Locale.ROOT, fmt, s.median());
        return String.format(Locale.ROOT, fmt + " [" + fmt + "-" + fmt + "]", s.median(), s.min(), s.max());
    }
}
