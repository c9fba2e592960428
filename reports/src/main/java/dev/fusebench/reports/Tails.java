package dev.fusebench.reports;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fusebench.bench.matrix.RunLines;
import dev.fusebench.bench.results.JobRequests;
import dev.fusebench.bench.results.RunLine;
import dev.fusebench.bench.results.SliceResult;
import dev.fusebench.bench.stats.Analysis;
import dev.fusebench.bench.stats.Comparison;
import dev.fusebench.bench.workload.FioResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What throughput does not show: the tails of the completion latency (fio's p99, p99.9 and longest
 * completion) compared arm against reference with the same paired machinery as the throughput (by
 * block, or by round inside boots), all of a report's tail comparisons one Benjamini-Hochberg family
 * of their own; and the I/O errors of each arm (failed runs or slices, and requests of the data path
 * its daemon answered with an error). A change that is faster but stalls (the seed's revert: 8x
 * larger requests exhausted a host mapping table and were retried after 100 ms) shows here.
 */
public final class Tails {
    private Tails() {}

    /** A tail comparison's cell: the throughput cell and which latency figure. */
    public record Key(RunLines.Cell cell, String tail) {}

    /** The tail comparisons of a result set, one family. A comparison's "faster" means a longer latency here. */
    public static Analysis<Key> analysis(List<JsonNode> lines, String reference, double thresholdPct) {
        List<Analysis.Observation<Key>> obs = new ArrayList<>();
        for (String t : RunLines.TAILS)
            for (Analysis.Observation<RunLines.Cell> o : RunLines.tailObservations(lines, t))
                obs.add(new Analysis.Observation<>(new Key(o.cell(), t), o.arm(), o.block(), o.round(), o.ok(), o.value()));
        return Analysis.of(obs, reference, thresholdPct);
    }

    /** The tail figures of a cell and arm whose latency is longer than the reference's (significant in the family). */
    public static List<String> longer(Analysis<Key> tails, RunLines.Cell cell, String arm) { return decided(tails, cell, arm, Comparison.Verdict.FASTER); }

    /** The tail figures whose latency is shorter than the reference's. */
    public static List<String> shorter(Analysis<Key> tails, RunLines.Cell cell, String arm) { return decided(tails, cell, arm, Comparison.Verdict.SLOWER); }

    /** The tail figures whose comparison reached {@code verdict} (on latency, "faster" means longer), described. */
    private static List<String> decided(Analysis<Key> tails, RunLines.Cell cell, String arm, Comparison.Verdict verdict) {
        List<String> out = new ArrayList<>();
        for (String t : RunLines.TAILS) {
            Comparison c = tails.of(new Key(cell, t), arm);
            if (c != null && c.verdict() == verdict) out.add(describe(t, c));
        }
        return out;
    }

    static String label(String tail) { return tail.equals(FioResult.MAX) ? "max" : "p" + tail; }

    private static String describe(String tail, Comparison c) {
        return String.format(Locale.ROOT, "%s %+.0f%% [%+.0f%%, %+.0f%%]", label(tail), c.effectPct(), c.ciLowPct(), c.ciHighPct());
    }

    /** An arm's I/O errors in a cell's measured runs: failed runs or slices, and data-path requests its daemon failed. */
    public record Errors(long failed, long daemonErrors) {
        public long total() { return failed + daemonErrors; }

        public String text() {
            List<String> parts = new ArrayList<>();
            if (failed > 0) parts.add(failed + " failed");
            if (daemonErrors > 0) parts.add(daemonErrors + " request error" + (daemonErrors == 1 ? "" : "s"));
            return String.join(", ", parts);
        }
    }

    public static Errors errors(List<RunLine> runs, RunLines.Cell cell, String arm) {
        long failed = 0, daemon = 0;
        for (RunLine r : runs) {
            if (r.warmup() || !r.arm().equals(arm) || !RunLines.cell(r).equals(cell)) continue;
            if (r.result().slices() != null) {
                for (SliceResult s : r.result().slices()) if (!s.warmup() && !s.ok()) failed++;
            } else if (!r.ok()) failed++;
            JobRequests q = r.result().requests();
            Long e = q == null ? null : q.dataPathErrors();
            if (e != null) daemon += e;
        }
        return new Errors(failed, daemon);
    }
}
