package dev.fusebench.bench.matrix;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fusebench.bench.results.ExtensionLine;
import dev.fusebench.bench.results.RunLine;
import dev.fusebench.bench.stats.Analysis;
import dev.fusebench.bench.stats.Comparison;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Precision-driven iterations ({@code --iterations auto}): run the minimum number of blocks, then
 * add two blocks at a time until every cell's 95% interval is at most {@code targetPct} wide on
 * each side, or a cap is reached. The rule looks at the width of the intervals only, never at
 * whether they exclude zero: stopping on significance would make an A/A run claim differences far
 * more often than 5%. Each decision is a line in results.jsonl ({@code "type":"extension"}), so a
 * resumed run continues where the killed one decided.
 */
public final class Precision {
    public static final int STEP = 2;

    /** The stopping rule's settings. */
    public record Rule(int minBlocks, int maxBlocks, double targetPct, double maxMinutes, String reference, double thresholdPct, int step) {
        /** Two blocks at a time (the boots design). */
        public Rule(int minBlocks, int maxBlocks, double targetPct, double maxMinutes, String reference, double thresholdPct) {
            this(minBlocks, maxBlocks, targetPct, maxMinutes, reference, thresholdPct, STEP);
        }
    }

    /** One decision: keep going to {@code blocksPlanned}, or stop, and why. */
    public record Decision(int blocks, boolean extend, int blocksPlanned, String reason, double widestPct, String widestCell, double elapsedS) {
        ExtensionLine line() {
            return new ExtensionLine(ExtensionLine.TYPE, blocks, extend ? "extend" : "stop", blocksPlanned, reason,
                    Double.isInfinite(widestPct) || Double.isNaN(widestPct) ? null : widestPct, widestCell, elapsedS, Instant.now().toString());
        }
    }

    private Precision() {}

    /** The decision after {@code blocks} measured blocks, from the result lines so far. */
    static Decision decide(Rule rule, int blocks, List<JsonNode> lines) {
        Analysis<RunLines.Cell> a = Analysis.of(RunLines.observations(lines), rule.reference(), rule.thresholdPct());
        Analysis.Result<RunLines.Cell> widest = a.widest();
        double w = widest == null ? 0 : widest.comparison().halfWidthPct();
        String cell = widest == null ? null : widest.cell().label() + " / " + widest.arm();
        double[] t = wallTimes(RunLines.runs(lines));
        double elapsed = t[0], perBlock = t[1];
        String wf = Double.isInfinite(w) ? "not yet computable" : String.format(Locale.ROOT, "±%.1f%%", w);
        if (widest == null) return new Decision(blocks, false, blocks, "nothing to compare: no arm against the reference", 0, null, elapsed);
        if (w <= rule.targetPct())
            return new Decision(blocks, false, blocks, String.format(Locale.ROOT, "precision reached: the widest 95%% CI is %s (%s), target ±%s%%",
                    wf, cell, fmt(rule.targetPct())), w, cell, elapsed);
        int step = rule.step();
        if (blocks + step > rule.maxBlocks())
            return new Decision(blocks, false, blocks, String.format(Locale.ROOT, "cap reached: --max-iterations %d; the widest 95%% CI is %s (%s), target ±%s%%",
                    rule.maxBlocks(), wf, cell, fmt(rule.targetPct())), w, cell, elapsed);
        double next = elapsed + step * perBlock;
        if (next > rule.maxMinutes() * 60)
            return new Decision(blocks, false, blocks, String.format(Locale.ROOT,
                    "cap reached: --max-minutes %s (%.1f min run, %d more blocks would take ~%.1f min); the widest 95%% CI is %s (%s), target ±%s%%",
                    fmt(rule.maxMinutes()), elapsed / 60, step, step * perBlock / 60, wf, cell, fmt(rule.targetPct())), w, cell, elapsed);
        return new Decision(blocks, true, blocks + step, String.format(Locale.ROOT, "the widest 95%% CI is %s (%s), target ±%s%%: %d more blocks",
                wf, cell, fmt(rule.targetPct()), step), w, cell, elapsed);
    }

    /** [wall seconds of all boots so far, mean wall seconds of one measured block], from the run lines so far. */
    public static double[] wallTimes(List<RunLine> runs) {
        Map<String, Double> unitWall = new LinkedHashMap<>();
        Map<Integer, Double> blockWall = new LinkedHashMap<>();
        for (RunLine r : runs) {
            if (r.unitWallS() == null) continue;
            if (unitWall.putIfAbsent(r.unit(), r.unitWallS()) == null && !r.warmup()) blockWall.merge(r.iteration(), r.unitWallS(), Double::sum);
        }
        double total = unitWall.values().stream().mapToDouble(Double::doubleValue).sum();
        double perBlock = blockWall.values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
        return new double[]{total, perBlock};
    }

    /** The decisions so far, in the order they were made. */
    private static List<ExtensionLine> extensions(List<JsonNode> lines) {
        return lines.stream().filter(ExtensionLine::isExtension).map(ExtensionLine::of).toList();
    }

    /** Blocks planned so far: the minimum, or what the last decision in the file planned. */
    static int plannedBlocks(Rule rule, List<JsonNode> lines) {
        int planned = rule.minBlocks();
        for (ExtensionLine e : extensions(lines)) planned = Math.max(planned, e.blocksPlanned());
        return planned;
    }

    /**
     * Runs blocks until the rule stops: the planned blocks first (skipping units already recorded),
     * then one decision after another. {@code planOf} gives the whole plan for a number of blocks.
     */
    public static Decision run(Rule rule, IntFunction<List<PlannedBoot>> planOf, ResultsStore store, PlanExecution.BootRunner runner) throws IOException {
        while (true) {
            List<JsonNode> lines = store.read(true);
            int blocks = plannedBlocks(rule, lines);
            Set<String> done = ResultsStore.units(lines);
            List<ExtensionLine> decisions = extensions(lines);
            ExtensionLine last = decisions.isEmpty() ? null : decisions.getLast();
            // a resumed run that had already finished
            if (last != null && last.stops() && measuredBlocks(planOf.apply(blocks), done) == blocks) {
                return decisionOf(last);
            }
            PlanExecution.execute(planOf.apply(blocks), done, store, runner);
            Decision d = decide(rule, blocks, store.read(false));
            store.append(List.of(d.line()));
            System.err.println("fusebench matrix: after " + blocks + " blocks: " + (d.extend() ? "extend" : "stop") + ": " + d.reason());
            if (!d.extend()) return d;
        }
    }

    private static int measuredBlocks(List<PlannedBoot> plan, Set<String> done) {
        return (int) plan.stream().filter(u -> !u.warmup() && done.contains(u.id())).mapToInt(PlannedBoot::iteration).distinct().count();
    }

    private static Decision decisionOf(ExtensionLine last) {
        return new Decision(last.blocks(), false, last.blocksPlanned(), last.reason(),
                last.widestHalfWidthPct() == null ? Double.POSITIVE_INFINITY : last.widestHalfWidthPct(), last.widestCell(), last.elapsedS());
    }

    private static String fmt(double v) { return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v); }

    /** The blocks a run starts with: no verdict comes from fewer pairs. */
    static final int MIN_BLOCKS = Comparison.MIN_PAIRS;
}
