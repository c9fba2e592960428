package dev.fusebench.bench.run;

import dev.fusebench.bench.results.RunResult;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
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
 * guest: this is the figure that says so. An interleaved design's slices get the host's steal
 * during each of them the same way ({@code SLICE-START}/{@code SLICE-END}, polled every 25 ms,
 * since a slice lasts about a second).
 */
final class JobCpu {
    private static final double TICK = ProcessCpu.TICKS_PER_SECOND;
    private final Path results;
    private final Map<String, long[]> start = new HashMap<>();
    private final Map<String, HostNoiseSampler> noise = new HashMap<>();
    private final Map<String, RunResult.HostNoise> noisePerJob = new LinkedHashMap<>();
    private final Map<String, RunResult.CpuSeconds> perJob = new LinkedHashMap<>();
    private final Map<Integer, HostNoiseSampler> sliceNoise = new HashMap<>();
    private final Map<Integer, RunResult.HostNoise> noisePerSlice = new HashMap<>();
    private final long pollNanos;
    private long seen;
    private long nextPoll;

    JobCpu(Path results) { this(results, 100_000_000L); }

    JobCpu(Path results, long pollNanos) {
        this.results = results;
        this.pollNanos = pollNanos;
    }

    /** Looks for new job markers; cheap enough to call on every poll. */
    void poll(long daemonPid, long qemuPid) {
        long now = System.nanoTime();
        if (now < nextPoll) return;
        nextPoll = now + pollNanos;
        noise.values().forEach(HostNoiseSampler::sample);
        String text;
        // only what the guest wrote since the last poll (fio's JSON passes through here too)
        try (var in = FileChannel.open(results)) {
            long size = in.size();
            if (size <= seen) return;
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size - seen, 1 << 24));
            in.read(buf, seen);
            text = new String(buf.array(), 0, buf.position(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return;
        }
        int end = text.lastIndexOf('\n') + 1;
        if (end == 0) return;
        for (String line : text.substring(0, end).split("\n")) {
            String[] f = line.strip().split(" ");
            if (f.length < 3 || !f[0].equals("@@FB")) continue;
            if (f[1].equals("SLICE-START") || f[1].equals("SLICE-END")) {
                Integer id = sliceId(f[2]);
                if (id == null) continue;
                if (f[1].equals("SLICE-START")) sliceNoise.put(id, HostNoiseSampler.start());
                else if (sliceNoise.containsKey(id)) noisePerSlice.put(id, sliceNoise.remove(id).end());
            } else if (f[1].equals("JOB-START")) {
                start.put(f[2], new long[]{ticks(daemonPid), ticks(qemuPid)});
                noise.put(f[2], HostNoiseSampler.start());
            } else if (f[1].equals("JOB-END") && start.containsKey(f[2])) {
                HostNoiseSampler n = noise.remove(f[2]);
                if (n != null) noisePerJob.put(f[2], n.end());
                long[] s = start.get(f[2]);
                long d = ticks(daemonPid), q = ticks(qemuPid);
                if (s[0] < 0 || s[1] < 0 || d < 0 || q < 0) continue;
                perJob.put(f[2], new RunResult.CpuSeconds((d - s[0]) / TICK, (q - s[1]) / TICK));
            }
        }
        seen += end;
    }

    private static Integer sliceId(String s) {
        try {
            return Integer.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The host's steal during interleaved slice {@code id}, or null. */
    Double stealOf(int id) {
        RunResult.HostNoise n = noisePerSlice.get(id);
        return n == null ? null : n.steal();
    }

    RunResult.CpuSeconds of(String job) { return perJob.get(job); }

    /** The host's steal, iowait and load during the job (see {@link HostNoiseSampler}), or null. */
    RunResult.HostNoise noiseOf(String job) { return noisePerJob.get(job); }

    private static long ticks(long pid) { return ProcessCpu.ticks(pid); }
}
