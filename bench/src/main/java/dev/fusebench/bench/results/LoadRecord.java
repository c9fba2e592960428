package dev.fusebench.bench.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.fusebench.stats.DaemonFacts;

/**
 * One op of one daemon start in {@code load} (a line of load.jsonl, type "load"): the stream's
 * shape, then its throughput, the daemon's CPU per request and the latency; or why it failed.
 *
 * @param arm the negotiation variant the daemon was given ("own" for a daemon that takes none)
 * @param proxy how the stream reached the daemon: null directly, "stepped-out" or "observe" through the proxy
 * @param proxyCpuUsPerRequest the proxy's own CPU per request over the op (its threads in the controller's JVM)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LoadRecord(String type, String daemon, String arm, int round, String op, int size, int depth, double rate,
                         int segment, Integer maxWrite, Integer maxPages, String status, String error, Long requests,
                         Double seconds, Double mibS, Double requestsS, Double daemonCpuS, Double daemonCpuUsPerRequest,
                         Latency latencyUs, Long kicks, Long interruptWaits, Double daemonJitCompileS, DaemonFacts.WarmUp daemonWarmUp,
                         String proxy, Double proxyCpuUsPerRequest) {
    public static final String TYPE = "load";

    public boolean ok() { return "ok".equals(status); }

    /** Request latency percentiles, µs. */
    public record Latency(double p50, double p99, double max) {}

    /** The same stream, failed. */
    public LoadRecord failed(String why) {
        return new LoadRecord(type, daemon, arm, round, op, size, depth, rate, segment, maxWrite, maxPages, "failed", why, requests,
                seconds, mibS, requestsS, daemonCpuS, daemonCpuUsPerRequest, latencyUs, kicks, interruptWaits, daemonJitCompileS, daemonWarmUp, proxy, proxyCpuUsPerRequest);
    }

    /** The same record with the daemon's own figures for its start (its JIT time and warm-up). */
    public LoadRecord withDaemonFigures(Double jitCompileS, DaemonFacts.WarmUp warmUp) {
        return new LoadRecord(type, daemon, arm, round, op, size, depth, rate, segment, maxWrite, maxPages, status, error, requests,
                seconds, mibS, requestsS, daemonCpuS, daemonCpuUsPerRequest, latencyUs, kicks, interruptWaits, jitCompileS, warmUp, proxy, proxyCpuUsPerRequest);
    }
}
