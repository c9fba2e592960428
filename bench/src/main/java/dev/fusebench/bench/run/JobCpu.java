package dev.fusebench.bench.run;

import dev.fusebench.bench.results.RunResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU seconds the daemon and QEMU spent during each fio job, from /proc/PID/stat sampled when the
 * guest reports a job's start and end (polled ten times a second). Under emulation the daemon
 * shares the host's cores with QEMU's vCPU threads, so a daemon that burns more CPU slows the
 * guest: this is the figure that says so.
 */
final class JobCpu {
    private static final double TICK = ProcessCpu.TICKS_PER_SECOND;
    private final Path results;
    private final Map<String, long[]> start = new HashMap<>();
    private final Map<String, HostNoise> noise = new HashMap<>();
    private final Map<String, RunResult.Noise> noisePerJob = new LinkedHashMap<>();
    private final Map<String, RunResult.CpuSeconds> perJob = new LinkedHashMap<>();
    private int seen;
    private long nextPoll;

    JobCpu(Path results) { this.results = results; }

    /** Looks for new job markers; cheap enough to call on every poll. */
    void poll(long daemonPid, long qemuPid) {
        long now = System.nanoTime();
        if (now < nextPoll) return;
        nextPoll = now + 100_000_000L;
        noise.values().forEach(HostNoise::sample);
        String text;
        try {
            if (!Files.exists(results)) return;
            text = Files.readString(results, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return;
        }
        int end = text.lastIndexOf('\n') + 1;
        if (end <= seen) return;
        for (String line : text.substring(seen, end).split("\n")) {
            String[] f = line.strip().split(" ");
            if (f.length < 3 || !f[0].equals("@@FB")) continue;
            if (f[1].equals("JOB-START")) {
                start.put(f[2], new long[]{ticks(daemonPid), ticks(qemuPid)});
                noise.put(f[2], HostNoise.start());
            } else if (f[1].equals("JOB-END") && start.containsKey(f[2])) {
                HostNoise n = noise.remove(f[2]);
                if (n != null) noisePerJob.put(f[2], n.end());
                long[] s = start.get(f[2]);
                long d = ticks(daemonPid), q = ticks(qemuPid);
                if (s[0] < 0 || s[1] < 0 || d < 0 || q < 0) continue;
                perJob.put(f[2], new RunResult.CpuSeconds((d - s[0]) / TICK, (q - s[1]) / TICK));
            }
        }
        seen = end;
    }

    RunResult.CpuSeconds of(String job) { return perJob.get(job); }

    /** The host's steal, iowait and load during the job (see {@link HostNoise}), or null. */
    RunResult.Noise noiseOf(String job) { return noisePerJob.get(job); }

    private static long ticks(long pid) { return ProcessCpu.ticks(pid); }
}
