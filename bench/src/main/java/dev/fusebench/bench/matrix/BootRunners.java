package dev.fusebench.bench.matrix;

import dev.fusebench.bench.daemons.VirtioFsDaemon;
import dev.fusebench.bench.guest.Accel;
import dev.fusebench.bench.guest.GuestConfig;
import dev.fusebench.bench.guest.GuestImage;
import dev.fusebench.bench.guest.GuestSetup;
import dev.fusebench.bench.results.RunResult;
import dev.fusebench.bench.run.Fault;
import dev.fusebench.bench.run.GuestRun;
import dev.fusebench.bench.run.HostFuseRun;
import dev.fusebench.bench.run.InterleavedGuestRun;
import dev.fusebench.bench.run.InterleavedHostFuseRun;
import dev.fusebench.bench.workload.SliceFile;
import dev.fusebench.fuse.Variant;
import dev.fusebench.proxy.Restriction;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How the matrix runs one unit of its plan: an interleaved boot (or host-fuse mount set) holding every
 * arm, or in the boots design one guest boot (or mount) per arm. Each runs in a work directory of its
 * own, whose logs are kept when a run failed.
 *
 * @param armVariants each arm's variant, by arm name
 * @param plan        the whole plan, whose boot numbers --inject-fault names
 */
record BootRunners(MatrixCommand m, Path dir, Map<String, VirtioFsDaemon> daemons, Map<String, Variant> armVariants, List<String> jobs,
                   Accel acc, int sz, int rt, Map<String, GuestImage> images, List<PlannedBoot> plan) {

    PlanExecution.BootRunner forDesign(boolean hostFuse) {
        if (m.interleaved) return this::interleaved;
        return hostFuse ? this::hostFuse : this::guest;
    }

    /** The fault --inject-fault puts into this unit, or null. */
    private Fault faultOf(PlannedBoot u) { return m.faults.get(plan.indexOf(u) + 1); }

    /** Boots design over host-fuse: one mount of one arm. */
    private List<RunResult> hostFuse(PlannedBoot u) throws IOException {
        Path work = WorkDirs.create(dir);
        try {
            return WorkDirs.keepLogsOfFailures(dir, u, work, HostFuseRun.run(new HostFuseRun.Spec(
                    armVariants.get(u.variant()), u.variant(), jobs, m.workloadsDir.toAbsolutePath(), sz, rt), work));
        } finally {
            WorkDirs.remove(work);
        }
    }

    /** Boots design: one guest boot of one daemon with one arm. */
    private List<RunResult> guest(PlannedBoot u) throws IOException {
        GuestConfig cfg = guestConfig(u.guest());
        VirtioFsDaemon d = daemons.get(u.daemon());
        String variantArg = d.takesVariants() ? armVariants.get(u.variant()).toSpec() : u.variant();
        GuestRun.Spec spec = new GuestRun.Spec(d, variantArg, cfg, jobs, m.workloadsDir.toAbsolutePath(), GuestRun.defaultDeadline(cfg, jobs.size()))
                .withFault(faultOf(u)).withShareTmpfs(m.shareTmpfs).withArm(u.variant());
        // a daemon that takes no variant itself gets it through the INIT-rewriting proxy
        if (!d.takesVariants()) spec = spec.withProxy(Restriction.of(armVariants.get(u.variant()).init()));
        if (m.observe) spec = spec.withObserve();
        Path work = WorkDirs.create(dir);
        try {
            return WorkDirs.keepLogsOfFailures(dir, u, work, GuestRun.run(spec, images.get(u.guest().kernel()), work));
        } finally {
            WorkDirs.remove(work);
        }
    }

    /** One interleaved boot (or host-fuse mount set): every arm of the unit, its slices planned from the seed. */
    private List<RunResult> interleaved(PlannedBoot u) throws IOException {
        Map<String, List<SliceFile.Slice>> slices = SlicePlan.of(jobs, u.arms().size(), m.warmup, m.rounds, m.seed, u.iteration(), u.guest().label());
        Fault fault = faultOf(u);
        Path work = WorkDirs.create(dir);
        try {
            List<RunResult> results;
            if (m.transport.equals("host-fuse")) {
                List<InterleavedHostFuseRun.Arm> arms = u.arms().stream()
                        .map(a -> new InterleavedHostFuseRun.Arm(a.name(), armVariants.get(a.variant()))).toList();
                Double kill = fault instanceof Fault.KillDaemon k ? k.afterSeconds() : null;
                results = InterleavedHostFuseRun.run(new InterleavedHostFuseRun.Spec(
                        arms, jobs, m.workloadsDir.toAbsolutePath(), sz, slices, m.slice, kill), work);
            } else {
                List<InterleavedGuestRun.Arm> arms = new ArrayList<>();
                GuestConfig cfg = null;
                for (PlannedBoot.Arm a : u.arms()) {
                    VirtioFsDaemon d = daemons.get(a.daemon());
                    Variant v = armVariants.get(a.variant());
                    GuestConfig device = deviceConfig(u, a);
                    if (cfg == null) cfg = device;
                    // a daemon that takes no variant itself gets it through the INIT-rewriting proxy
                    arms.add(new InterleavedGuestRun.Arm(a.name(), d, d.takesVariants() ? v.toSpec() : a.variant(),
                            d.takesVariants() ? null : Restriction.of(v.init()), device));
                }
                results = InterleavedGuestRun.run(new InterleavedGuestRun.Spec(arms, cfg, jobs, m.workloadsDir.toAbsolutePath(), slices, m.slice,
                        InterleavedGuestRun.defaultDeadline(slices, m.slice), fault, m.observe, m.pin.equals("on")), images.get(u.guest().kernel()), work);
            }
            return WorkDirs.keepLogsOfFailures(dir, u, work, results);
        } finally {
            WorkDirs.remove(work);
        }
    }

    private GuestConfig guestConfig(GuestSetup setup) { return new GuestConfig(setup, GuestConfig.MATRIX_MEMORY_MIB, acc, sz, rt, false); }

    /** An arm's device settings: its own where the per-device axes are arms, else the guest configuration's. */
    private GuestConfig deviceConfig(PlannedBoot u, PlannedBoot.Arm a) { return guestConfig(a.device() == null ? u.guest() : a.device().on(u.guest())); }
}
