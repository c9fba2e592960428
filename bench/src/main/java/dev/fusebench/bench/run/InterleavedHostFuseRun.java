package dev.fusebench.bench.run;

import dev.fusebench.bench.guest.GuestOutput;
import dev.fusebench.bench.guest.Shell;
import dev.fusebench.bench.results.JobRequests;
import dev.fusebench.bench.results.RunResult;
import dev.fusebench.bench.workload.FioResult;
import dev.fusebench.bench.workload.SliceFile;
import dev.fusebench.devfuse.MountTable;
import dev.fusebench.fuse.InitFlag;
import dev.fusebench.fuse.NegotiationSettings;
import dev.fusebench.fuse.Variant;
import dev.fusebench.stats.JobMarks;
import dev.fusebench.stats.StatsFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The interleaved design on the host-fuse transport: one Java daemon and one /dev/fuse mount per
 * arm, each with its own share and test file, and each workload run as the planned slices (one fio
 * process per workload, a stonewalled section per slice on its arm's mount). A daemon that dies
 * fails its arm's slices; its mount answers ENOTCONN at once, so the other arms' slices go on.
 */
public final class InterleavedHostFuseRun {
    private InterleavedHostFuseRun() {}

    /** One arm: its name and the variant its daemon is given. */
    public record Arm(String name, Variant variant) {}

    /** {@code killAfterSeconds}: kill the last arm's daemon this long after the first slice starts (null: no fault). */
    public record Spec(List<Arm> arms, List<String> workloads, Path workloadsDir, int sizeMiB,
                       Map<String, List<SliceFile.Slice>> slices, int sliceSeconds, Double killAfterSeconds) {}

    public static List<RunResult> run(Spec spec, Path work) throws IOException {
        int k = spec.arms().size();
        // the guest's marker (SliceFile.MARKER), here writing to a file: the slices' job marks and times
        Path results = work.resolve("results.log");
        Files.writeString(results, "");
        String marker = "/bin/sh " + SliceFile.quoted(spec.workloadsDir().resolve(SliceFile.MARKER).toString());
        List<RunResult.Builder> common = new ArrayList<>();
        List<Path> mounts = new ArrayList<>(), stats = new ArrayList<>();
        List<List<String>> commands = new ArrayList<>();
        String failure = null;
        boolean[] ring = new boolean[k];
        for (int i = 0; i < k; i++) {
            Arm a = spec.arms().get(i);
            Path dir = Files.createDirectories(work.resolve("arm" + (i + 1)));
            Path mnt = Files.createDirectories(dir.resolve("mnt"));
            mounts.add(mnt);
            stats.add(dir.resolve("daemon-stats.json"));
            List<String> cmd = HostFuseRun.mountCommand(Files.createDirectories(dir.resolve("share")), mnt, a.variant(), stats.get(i));
            commands.add(cmd);
            common.add(HostFuseRun.common(a.name(), cmd));
            NegotiationSettings wanted = a.variant().init();
            ring[i] = (wanted.flags() & InitFlag.OVER_IO_URING.mask) != 0;
            String refused = HostFuseRun.hostRefusal(wanted);
            if (refused != null && failure == null) failure = "arm " + a.name() + ": " + refused;
        }
        List<Process> daemons = new ArrayList<>();
        Map<Integer, String> deaths = new HashMap<>();
        Map<String, Double> jobSeconds = new HashMap<>();
        Map<String, Map<String, FioResult>> fio = new HashMap<>();
        Map<String, RunResult.HostNoise> noise = new HashMap<>();
        JobCpu marks = new JobCpu(results, 25_000_000L);
        try {
            if (failure == null) {
                for (int i = 0; i < k; i++)
                    daemons.add(new ProcessBuilder(Shell.diesWithUs(commands.get(i))).redirectErrorStream(true)
                            .redirectOutput(work.resolve("arm" + (i + 1)).resolve("daemon.log").toFile()).start());
                failure = mountAndLayOut(spec, work, mounts, daemons);
            }
            long firstSlice = 0;
            for (String w : spec.workloads()) {
                if (failure != null) break;
                Path file = work.resolve(w + ".slices.fio");
                Files.writeString(file, SliceFile.of(SliceFile.read(spec.workloadsDir(), w), spec.slices().get(w),
                        mounts.stream().map(Path::toString).toList(), spec.sliceSeconds(), marker));
                ProcessBuilder pb = new ProcessBuilder(Shell.diesWithUs(List.of("fio", "--output-format=json", "--output=" + work.resolve(w + ".json"),
                        file.toString()))).redirectErrorStream(true).redirectOutput(work.resolve(w + ".log").toFile())
                        .directory(work.toFile()); // fio leaves each section's prerun output in its working directory
                pb.environment().put("FB_SIZE", spec.sizeMiB() + "M");
                pb.environment().put("FB_METRICS", results.toString());
                HostNoiseSampler hostNoise = HostNoiseSampler.start();
                long t0 = System.nanoTime();
                if (firstSlice == 0) firstSlice = t0;
                Process p = pb.start();
                long deadline = t0 + TimeUnit.SECONDS.toNanos(60 + spec.slices().get(w).size() * (spec.sliceSeconds() + 10L));
                while (!p.waitFor(25, TimeUnit.MILLISECONDS)) {
                    marks.poll(-1, -1);
                    if (spec.killAfterSeconds() != null && !deaths.containsKey(k - 1) && daemons.getLast().isAlive()
                            && System.nanoTime() - firstSlice >= spec.killAfterSeconds() * 1e9) daemons.getLast().destroyForcibly();
                    noteDeaths(spec.arms(), daemons, deaths);
                    if (System.nanoTime() > deadline) {
                        // SIGTERM first: fio ends its jobs and still writes the results of the slices that ran
                        p.destroy();
                        if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
                        failure = "fio did not finish " + w + " within its deadline";
                        break;
                    }
                }
                noise.put(w, hostNoise.end());
                marks.poll(-1, -1);
                noteDeaths(spec.arms(), daemons, deaths);
                jobSeconds.put(w, (System.nanoTime() - t0) / 1e9);
                Path json = work.resolve(w + ".json");
                fio.put(w, SliceResults.sections(Files.exists(json) ? Files.readString(json) : null));
            }
            for (int i = 0; i < k && failure == null; i++) if (daemons.get(i).isAlive()) Files.exists(mounts.get(i).resolve(JobMarks.END));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } finally {
            for (Process d : daemons) d.destroy(); // SIGTERM: each daemon unmounts and writes its statistics
            for (Process d : daemons) {
                try {
                    if (!d.waitFor(30, TimeUnit.SECONDS)) d.destroyForcibly();
                } catch (InterruptedException e) {
                    d.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
        }
        List<StatsFile> daemonStats = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            StatsFile s = InterleavedGuestRun.readStats(stats.get(i));
            daemonStats.add(s);
            common.get(i).daemonStats = s == null ? null : s.withoutPhases();
            if (s != null && ring[i] && !deaths.containsKey(i)) {
                String notOnRing = HostFuseRun.notServedOverRing(s);
                if (notOnRing != null) deaths.put(i, notOnRing);
            }
        }
        GuestOutput times = GuestOutput.parse(Files.readString(results, StandardCharsets.ISO_8859_1));
        String bootCause = failure;
        return SliceResults.assemble(spec.workloads(), spec.slices(), common, SliceResults.timings(spec.workloads(), Map.of(), jobSeconds),
                new SliceResults.Boot() {
                    public FioResult fio(String workload, SliceFile.Slice s) { return fio.getOrDefault(workload, Map.of()).get(s.section()); }

                    public GuestOutput.SliceTimes times(SliceFile.Slice s) { return times.slices().getOrDefault(s.id(), GuestOutput.SliceTimes.NONE); }

                    public Double steal(SliceFile.Slice s) { return marks.stealOf(s.id()); }

                    public JobRequests requests(int arm, SliceFile.Slice s) { return SliceResults.requests(daemonStats.get(arm), null, s); }

                    public String armFailure(int arm) { return deaths.get(arm); }

                    public String bootCause() { return bootCause; }

                    public RunResult.HostNoise noise(String workload) { return noise.get(workload); }

                    public String consoleTail() { return null; }
                });
    }

    private static void noteDeaths(List<Arm> arms, List<Process> daemons, Map<Integer, String> deaths) {
        for (int i = 0; i < daemons.size(); i++)
            if (!daemons.get(i).isAlive() && !deaths.containsKey(i))
                deaths.put(i, "the daemon of arm " + arms.get(i).name() + " " + Shell.describeExit(daemons.get(i).exitValue()) + " during the run");
    }

    /** Waits for every mount, then writes each arm's test file through it (in parallel); the failure, or null. */
    private static String mountAndLayOut(Spec spec, Path work, List<Path> mounts, List<Process> daemons) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int i = 0; i < mounts.size(); i++) {
            while (MountTable.at(mounts.get(i)).isEmpty() && daemons.get(i).isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
            if (MountTable.at(mounts.get(i)).isEmpty())
                return "the daemon of arm " + spec.arms().get(i).name() + " did not mount " + mounts.get(i) + " (see " + work.relativize(work.resolve("arm" + (i + 1)).resolve("daemon.log")) + ")";
        }
        List<Process> dds = new ArrayList<>();
        for (Path m : mounts) dds.add(GuestRun.layOut(m.resolve("fusebench.dat"), spec.sizeMiB()));
        String failure = null;
        for (int i = 0; i < dds.size(); i++) {
            String f = GuestRun.awaitLayout(dds.get(i));
            if (f != null && failure == null) failure = "laying out the test file on " + mounts.get(i) + " failed: " + f;
        }
        return failure;
    }
}
