package dev.fusebench.bench.matrix;

import dev.fusebench.bench.results.RunLine;
import dev.fusebench.bench.results.RunResult;
import dev.fusebench.bench.run.Environment;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Running a plan: one planned boot (guest boot or mount set) after another, each one's results appended before the next starts. */
public final class PlanExecution {
    private PlanExecution() {}

    /** Runs one guest boot; returns one result per workload. */
    public interface BootRunner {
        List<RunResult> run(PlannedBoot u) throws IOException;

        /** The daemon part of every result's cell when it is not the result's own daemon (--arms daemons), else null. */
        default String cellDaemon() { return null; }
    }

    /** {@code runner} with the cells of --arms daemons: every daemon's results in one cell, named for them all. */
    static BootRunner comparingDaemons(BootRunner runner, List<String> daemons) {
        String cell = String.join(" vs ", daemons);
        return new BootRunner() {
            @Override public List<RunResult> run(PlannedBoot u) throws IOException { return runner.run(u); }
            @Override public String cellDaemon() { return cell; }
        };
    }

    /** Runs every planned boot not yet done, appending each boot's results before the next starts. */
    public static void execute(List<PlannedBoot> plan, Set<String> done, ResultsStore store, BootRunner runner) throws IOException {
        long start = System.nanoTime();
        String host = Environment.hostName();
        int ran = 0, todo = (int) plan.stream().filter(u -> !done.contains(u.id())).count();
        for (PlannedBoot u : plan) {
            if (done.contains(u.id())) continue;
            ran++;
            progress(u, ran, todo, start);
            long t0 = System.nanoTime();
            List<RunResult> results = runner.run(u);
            double wall = (System.nanoTime() - t0) / 1e9;
            List<RunLine> lines = new ArrayList<>();
            for (RunResult r : results) {
                // interleaved: an arm's place is its device's (its slices' own order is in each slice)
                int position = u.interleaved() ? u.blockOrder().indexOf((r.daemon() == null ? "" : r.daemon().name()) + "/" + r.arm()) + 1 : u.position();
                lines.add(new RunLine(RunLine.TYPE, u.id(), u.iteration(), u.warmup(), position, u.blockOrder(), wall, host,
                        u.guest().label(), null, runner.cellDaemon(), r));
            }
            store.append(lines);
            for (RunResult r : results) {
                if (!r.ok()) System.err.println("fusebench matrix:   " + r.workload() + " FAILED: " + r.failure());
            }
        }
        System.err.println("fusebench matrix: done in " + fmt(Duration.ofNanos(System.nanoTime() - start)));
    }

    private static void progress(PlannedBoot u, int k, int n, long start) {
        Duration el = Duration.ofNanos(System.nanoTime() - start);
        String eta = k > 1 ? fmt(el.dividedBy(k - 1).multipliedBy(n - k + 1)) : "?";
        System.err.printf("fusebench matrix: [%d/%d] %s%s  elapsed %s  eta %s%n", k, n, u.id(), u.warmup() ? " (warm-up)" : "", fmt(el), eta);
    }

    static String fmt(Duration d) { return String.format("%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart()); }

}
