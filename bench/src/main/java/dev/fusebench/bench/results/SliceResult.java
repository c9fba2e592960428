package dev.fusebench.bench.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.Map;

/**
 * One slice of an interleaved design: one arm's turn, {@code seconds} long, in one round of one
 * workload inside a boot that holds every arm (one device each).
 *
 * @param id        the slice's number in its boot, in run order (its job mark: {@code .fusebench-job-ID})
 * @param round     its round, 1-based; 0 for a warm-up round, which no statistic takes
 * @param position  its place in the round, 1-based (the order is counterbalanced over rounds)
 * @param start     when it started: the guest's uptime, or seconds since the host-fuse run began
 * @param seconds   how long it ran, marker to marker (fio's start-up of the section, the I/O, its fsync)
 * @param value     the workload's figure for this slice (MiB/s or IOPS), null when it failed
 * @param clatPercentilesUs fio's completion-latency percentiles of the slice ("50", "99", "99.9")
 * @param steal     the host's steal share of all CPU time during the slice (0..1)
 * @param requests  the FUSE requests the arm's daemon saw between this slice's mark and the next
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SliceResult(int id, int round, int position, String status, String failure, Double start, Double seconds,
                          Double value, Map<String, Double> clatPercentilesUs, Double steal, JobRequests requests) {
    public boolean ok() { return "ok".equals(status); }

    public boolean warmup() { return round == 0; }
}
