package dev.fusebench.bench.results;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.fusebench.bench.workload.FioResult;
import dev.fusebench.fuse.InitFlag;
import dev.fusebench.fuse.InitOut;
import dev.fusebench.sandbox.SandboxFacts;
import dev.fusebench.stats.StatsFile;

import java.util.List;
import java.util.Map;

/**
 * What one run (a guest boot, or a host-fuse mount) produced for one workload: the daemon, guest
 * and host it ran on, the fio result or why it failed, and the evidence (daemon statistics, CPU,
 * host noise, timings). Written as one JSON object per workload ({@code results.jsonl} run lines
 * carry it, flattened, after the matrix's own fields); fields without a value are left out.
 *
 * @param arm          the variant's name (older files called it "variant")
 * @param transport    "host-fuse" for runs without a guest; null for virtio-fs
 * @param host         the host's description ({@link dev.fusebench.bench.run.Environment#host})
 * @param daemonStats  the daemon's own statistics file, as it wrote it
 * @param timings      where the wall time went, phase by phase, in seconds
 * @param requests     the FUSE requests of this workload's job alone (the daemon's statistics, or the observing proxy's)
 * @param metric       the workload's figure when fio's is not it (readdir: entries per second, which it reports itself;
 *                     an interleaved arm: the geometric mean of its measured slices)
 * @param slices       an interleaved design's slices of this arm and workload in this boot, in run order (null in the boots design)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunResult(String workload, @JsonAlias("variant") String arm, DaemonInfo daemon, GuestInfo guest, String transport,
                        String accel, Boolean emulated, Map<String, Object> host, String faultInjected, Integer shareTmpfsMib,
                        QemuInfo qemu, StatsFile daemonStats, String guestKernelRelease, String guestPanic, String daemonExit,
                        Integrity integrity, CpuSeconds cpuS, HostNoise hostNoise, Map<String, Double> timings, FioResult fio,
                        String status, String failure, String consoleTail, String logs, ProxyInfo proxy,
                        JobRequests requests, Double metric, List<SliceResult> slices) {

    public boolean ok() { return "ok".equals(status); }

    /** The same result, saying where its logs were kept. */
    public RunResult withLogs(String dir) {
        return new RunResult(workload, arm, daemon, guest, transport, accel, emulated, host, faultInjected, shareTmpfsMib, qemu,
                daemonStats, guestKernelRelease, guestPanic, daemonExit, integrity, cpuS, hostNoise, timings, fio, status, failure,
                consoleTail, dir, proxy, requests, metric, slices);
    }

    /** The same result with the daemon's statistics (written when the daemon stops, after the run's last job). */
    public RunResult withDaemonStats(StatsFile stats) {
        return new RunResult(workload, arm, daemon, guest, transport, accel, emulated, host, faultInjected, shareTmpfsMib, qemu,
                stats, guestKernelRelease, guestPanic, daemonExit, integrity, cpuS, hostNoise, timings, fio, status, failure,
                consoleTail, logs, proxy, requests, metric, slices);
    }

    /** The same result with the figure its job reported itself. */
    public RunResult withMetric(Double m) {
        return new RunResult(workload, arm, daemon, guest, transport, accel, emulated, host, faultInjected, shareTmpfsMib, qemu,
                daemonStats, guestKernelRelease, guestPanic, daemonExit, integrity, cpuS, hostNoise, timings, fio, status, failure,
                consoleTail, logs, proxy, requests, m, slices);
    }

    /** The same result with an interleaved arm's slices. */
    public RunResult withSlices(List<SliceResult> s) {
        return new RunResult(workload, arm, daemon, guest, transport, accel, emulated, host, faultInjected, shareTmpfsMib, qemu,
                daemonStats, guestKernelRelease, guestPanic, daemonExit, integrity, cpuS, hostNoise, timings, fio, status, failure,
                consoleTail, logs, proxy, requests, metric, s);
    }

    /** The same result with its job's own requests ({@link JobRequests}). */
    public RunResult withRequests(JobRequests r) {
        return new RunResult(workload, arm, daemon, guest, transport, accel, emulated, host, faultInjected, shareTmpfsMib, qemu,
                daemonStats, guestKernelRelease, guestPanic, daemonExit, integrity, cpuS, hostNoise, timings, fio, status, failure,
                consoleTail, logs, proxy, r, metric, slices);
    }

    /**
     * What the INIT-rewriting proxy saw for a daemon we cannot rebuild: the daemon's own FUSE_INIT
     * reply, the reply the guest got instead, a refusal (a variant that needs more than a restriction),
     * and with --observe the request sizes it counted on the avail rings, per opcode (size: count), and
     * how many requests it could not count (0 unless a ring's worth passed between two of its scans).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ProxyInfo(@JsonAlias("variant") String arm, InitReply daemonReply, InitReply givenReply, String refusal, Boolean steppedOut, String error,
                            Map<String, Map<Long, Long>> observedSizes, Long observedMissed, Map<String, Long> observedUnreadable) {
        public ProxyInfo(String arm, InitReply daemonReply, InitReply givenReply, String refusal, Boolean steppedOut, String error,
                         Map<String, Map<Long, Long>> observedSizes) {
            this(arm, daemonReply, givenReply, refusal, steppedOut, error, observedSizes, null, null);
        }
    }

    /** A FUSE_INIT reply as the results show it. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record InitReply(int minor, List<String> flags, int maxPages, int effectiveMaxPages, int maxWrite, int maxReadahead,
                            int maxBackground, int congestionThreshold) {
        public static InitReply of(InitOut o) {
            return o == null ? null : new InitReply(o.minor(), InitFlag.names(o.flags()), o.maxPages(),
                    o.effectiveMaxPages(), o.maxWrite(), o.maxReadahead(), o.maxBackground(), o.congestionThreshold());
        }
    }

    /** The daemon that served the run. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DaemonInfo(String name, String version, Boolean negotiationFollowsVariant, SandboxFacts sandbox,
                             List<String> command) {
        public DaemonInfo withCommand(List<String> c) { return new DaemonInfo(name, version, negotiationFollowsVariant, sandbox, c); }
    }

    /** The guest configuration and image of a virtio-fs run. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GuestInfo(String kernelSeries, String kernelPackage, String kernelVersion, Integer vcpus, Integer memoryMib,
                            Integer queueSize, String kernelArgs, Boolean iommuPlatform, String fileSize, Integer runtimeS, String image,
                            Integer requestQueues, Integer readaheadKb, Integer readaheadKbReadBack) {
        public GuestInfo(String kernelSeries, String kernelPackage, String kernelVersion, Integer vcpus, Integer memoryMib,
                         Integer queueSize, String kernelArgs, Boolean iommuPlatform, String fileSize, Integer runtimeS, String image) {
            this(kernelSeries, kernelPackage, kernelVersion, vcpus, memoryMib, queueSize, kernelArgs, iommuPlatform, fileSize, runtimeS, image,
                    null, null, null);
        }

        /** The same, with the read_ahead_kb the guest read back after setting it. */
        public GuestInfo withReadaheadReadBack(Integer kb) {
            return new GuestInfo(kernelSeries, kernelPackage, kernelVersion, vcpus, memoryMib, queueSize, kernelArgs, iommuPlatform, fileSize,
                    runtimeS, image, requestQueues, readaheadKb, kb);
        }
    }

    /** QEMU as it ran the guest. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record QemuInfo(String version, List<String> command, Integer exitCode, Double wallS) {}

    /** The test file's checksum in the guest and on the host after the boot. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Integrity(String guestSha256, String hostSha256, boolean match) {}

    /** CPU seconds the daemon and QEMU used during the job. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CpuSeconds(double daemonS, double qemuS) {}

    /**
     * The host's steal and iowait (shares of all CPU time, 0..1) and mean load during the job, as the
     * controller sampled them (null: not sampled); the accessors ending in {@code OrNaN} give NaN instead.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HostNoise(Double steal, Double iowait, Double loadAvg) {
        public static final HostNoise NONE = new HostNoise(null, null, null);
        public double stealOrNaN() { return steal == null ? Double.NaN : steal; }
        public double iowaitOrNaN() { return iowait == null ? Double.NaN : iowait; }
        public double loadOrNaN() { return loadAvg == null ? Double.NaN : loadAvg; }
    }

    /** Builds the results of one run: what all its workloads share, then each workload's own part. */
    public static final class Builder {
        public String arm, transport, accel, faultInjected, guestKernelRelease, guestPanic, daemonExit;
        public Boolean emulated;
        public Integer shareTmpfsMib;
        public DaemonInfo daemon;
        public GuestInfo guest;
        public Map<String, Object> host;
        public QemuInfo qemu;
        public StatsFile daemonStats;
        public Integrity integrity;
        public ProxyInfo proxy;

        public RunResult ok(String workload, CpuSeconds cpu, HostNoise noise, Map<String, Double> timings, FioResult fio) {
            return result(workload, cpu, noise, timings, fio, "ok", null, null);
        }

        public RunResult failed(String workload, CpuSeconds cpu, HostNoise noise, Map<String, Double> timings, FioResult fio,
                                String failure, String consoleTail) {
            return result(workload, cpu, noise, timings, fio, "failed", failure, consoleTail);
        }

        public RunResult failed(String workload, String failure) { return failed(workload, null, null, null, null, failure, null); }

        private RunResult result(String workload, CpuSeconds cpu, HostNoise noise, Map<String, Double> timings, FioResult fio,
                                 String status, String failure, String consoleTail) {
            return new RunResult(workload, arm, daemon, guest, transport, accel, emulated, host, faultInjected, shareTmpfsMib, qemu,
                    daemonStats, guestKernelRelease, guestPanic, daemonExit, integrity, cpu, noise, timings, fio, status, failure,
                    consoleTail, null, proxy, null, null, null);
        }
    }
}
