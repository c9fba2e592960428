package dev.fusebench.bench.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fusebench.bench.guest.GuestOutput;
import dev.fusebench.bench.results.JobRequests;
import dev.fusebench.bench.results.RunResult;
import dev.fusebench.bench.results.SliceResult;
import dev.fusebench.bench.workload.FioResult;
import dev.fusebench.bench.workload.SliceFile;
import dev.fusebench.bench.workload.Workloads;
import dev.fusebench.proxy.Observed;
import dev.fusebench.stats.JobMarks;
import dev.fusebench.stats.StatsFile;
import dev.fusebench.sys.Errno;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An interleaved boot's results, the same for guests and host-fuse: one result per workload and
 * arm, carrying that arm's slices. A slice is ok when fio reported no error and it ran from mark to
 * mark; an arm whose device failed has every slice of the boot failed with the reason (its daemon's
 * death may have slowed the slices before it), while the other arms' slices that ran still count.
 * A result fails when one of its measured slices did (a warm-up slice's failure is in its slice only).
 * The result's figure is the geometric mean of its measured slices (its fio figures and requests are
 * theirs added up); the statistics take the slices.
 */
final class SliceResults {
    private SliceResults() {}

    /** What the boot gives to judge and fill in each slice. */
    interface Boot {
        /** fio's result of a slice's section, or null when it has none. */
        FioResult fio(String workload, SliceFile.Slice s);

        /** When the slice started and ended (null where a mark never came). */
        GuestOutput.SliceTimes times(SliceFile.Slice s);

        Double steal(SliceFile.Slice s);

        /** The slice's requests as its arm's daemon (or the observing proxy) counted them. */
        JobRequests requests(int arm, SliceFile.Slice s);

        /** Why arm {@code arm}'s device failed in this boot, or null. */
        String armFailure(int arm);

        /** Why the boot ended before a slice could run, or null. */
        String bootCause();

        /** The host's steal, iowait and load during a workload's whole slice file, or null. */
        RunResult.HostNoise noise(String workload);

        /** The end of the guest's console, for a failed result; null on host-fuse. */
        String consoleTail();
    }

    /** One result per workload and arm (workload-major), each from its arm's common part. */
    static List<RunResult> assemble(List<String> workloads, Map<String, List<SliceFile.Slice>> plan, List<RunResult.Builder> arms,
                                    Map<String, Map<String, Double>> timings, Boot boot) {
        List<RunResult> out = new ArrayList<>();
        for (String w : workloads) {
            for (int a = 0; a < arms.size(); a++) {
                List<SliceResult> slices = new ArrayList<>();
                List<FioResult> measuredFio = new ArrayList<>();
                List<JobRequests> measuredRequests = new ArrayList<>();
                String firstFailure = null;
                double logSum = 0;
                int measured = 0;
                for (SliceFile.Slice s : plan.get(w)) {
                    if (s.arm() != a) continue;
                    SliceResult r = slice(w, s, a, boot);
                    slices.add(r);
                    if (!r.ok() && !r.warmup() && firstFailure == null) firstFailure = "slice " + s.id() + " (round " + s.round() + "): " + r.failure();
                    if (r.ok() && !r.warmup()) {
                        logSum += Math.log(r.value());
                        measured++;
                        measuredFio.add(boot.fio(w, s));
                        measuredRequests.add(r.requests());
                    }
                }
                RunResult.Builder b = arms.get(a);
                Map<String, Double> t = timings.getOrDefault(w, Map.of());
                // the arm's measured slices together: fio's figures and the requests, for the report's per-run tables and its Why lines
                FioResult together = FioResult.together(w, measuredFio);
                RunResult.HostNoise noise = boot.noise(w);
                RunResult res = firstFailure == null ? b.ok(w, null, noise, t, together)
                        : b.failed(w, null, noise, t, together, firstFailure, boot.consoleTail());
                out.add(res.withSlices(slices).withMetric(measured > 0 ? Math.exp(logSum / measured) : null)
                        .withRequests(JobRequests.together(measuredRequests)));
            }
        }
        return out;
    }

    private static SliceResult slice(String workload, SliceFile.Slice s, int arm, Boot boot) {
        GuestOutput.SliceTimes t = boot.times(s);
        Double seconds = t.start() == null || t.end() == null ? null : t.end() - t.start();
        FioResult fio = boot.fio(workload, s);
        String failure = boot.armFailure(arm);
        Double value = null;
        if (failure == null) {
            // fio's own error first: a section that fails while setting up its file never reaches its end mark
            if (fio != null && fio.error() != 0) failure = "fio reported error " + fio.error() + " (" + Errno.name(fio.error()) + ")";
            else if (fio == null || t.end() == null) failure = "not run to its end" + (boot.bootCause() == null ? "" : ": " + boot.bootCause());
            else {
                double v = Workloads.figure(workload, fio);
                if (Double.isNaN(v) || v <= 0) failure = "fio moved no data";
                else value = v;
            }
        }
        Map<String, Double> pct = null;
        if (fio != null) {
            FioResult.Direction d = fio.primary();
            if (d != null && d.active()) pct = d.clatPercentilesUs();
        }
        return new SliceResult(s.id(), s.round(), s.position(), failure == null ? "ok" : "failed", failure, t.start(), seconds, value, pct,
                boot.steal(s), boot.requests(arm, s));
    }

    /** fio's results of a slice file, by section name; empty when the JSON is unreadable. */
    static Map<String, FioResult> sections(String json) {
        Map<String, FioResult> out = new HashMap<>();
        if (json == null) return out;
        int start = json.indexOf('{');
        if (start < 0) return out;
        try {
            JsonNode root = JSON.readTree(json.substring(start));
            for (JsonNode j : root.path("jobs")) {
                String name = j.path("jobname").asText();
                out.put(name, FioResult.parse(json, name));
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /** A slice's requests from its arm's daemon statistics (its job mark's phase), else from what the observing proxy counted. */
    static JobRequests requests(StatsFile stats, List<Observed.Phase> observed, SliceFile.Slice s) {
        JobRequests r = JobRequests.fromDaemonStats(stats, JobMarks.jobLabel(s.id()));
        return r != null ? r : JobRequests.fromObserved(observed, JobMarks.jobLabel(s.id()));
    }

    /** Timings shared by every arm's result of a workload: the boot's, plus the workload's own job time. */
    static Map<String, Map<String, Double>> timings(List<String> workloads, Map<String, Double> boot, Map<String, Double> jobSeconds) {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        for (String w : workloads) {
            Map<String, Double> t = new LinkedHashMap<>(boot);
            t.put("job_s", jobSeconds.get(w));
            out.put(w, t);
        }
        return out;
    }

    private static final ObjectMapper JSON = new ObjectMapper();
}
