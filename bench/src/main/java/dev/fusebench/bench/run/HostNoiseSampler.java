package dev.fusebench.bench.run;

import dev.fusebench.bench.results.RunResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How noisy the host was during a job: the share of CPU time stolen by the hypervisor and spent
 * in iowait (from /proc/stat's aggregate line, at the job's start and end), and the mean 1-minute
 * load average over the samples taken while it ran (/proc/loadavg).
 */
final class HostNoiseSampler {
    private final long[] start;
    private double loadSum;
    private int loadSamples;

    private HostNoiseSampler(long[] start) { this.start = start; }

    static HostNoiseSampler start() {
        HostNoiseSampler n = new HostNoiseSampler(cpuTicks());
        n.sample();
        return n;
    }

    /** Another load-average sample; call it while the job runs. */
    void sample() {
        try {
            String s = Files.readString(Path.of("/proc/loadavg"));
            loadSum += Double.parseDouble(s.substring(0, s.indexOf(' ')));
            loadSamples++;
        } catch (IOException | RuntimeException e) {
            // no sample: the mean is over the others
        }
    }

    /** The job's figures: steal and iowait as shares of all CPU time (0..1), load_avg. */
    RunResult.HostNoise end() {
        sample();
        long[] now = cpuTicks();
        Double steal = null, iowait = null;
        if (start != null && now != null) {
            long total = 0;
            for (int i = 0; i < 8; i++) total += now[i] - start[i];
            if (total > 0) {
                steal = (double) (now[7] - start[7]) / total;
                iowait = (double) (now[4] - start[4]) / total;
            }
        }
        return new RunResult.HostNoise(steal, iowait, loadSamples > 0 ? loadSum / loadSamples : null);
    }

    /** user nice system idle iowait irq softirq steal of the aggregate "cpu" line, or null. */
    static long[] cpuTicks() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (!line.startsWith("cpu ")) continue;
                String[] f = line.trim().split("\\s+");
                long[] t = new long[8];
                for (int i = 0; i < 8 && i + 1 < f.length; i++) t[i] = Long.parseLong(f[i + 1]);
                return t;
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }
}
