package dev.fusebench.bench.stats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The statistics of one result set, the same for the matrix (deciding whether to add blocks), the
 * report and compare: for every cell and every arm other than the reference, the paired
 * comparison by block (boots design) or, when the cell's observations carry rounds, by round
 * inside each boot with the boot as the unit (interleaved design); then Benjamini-Hochberg over
 * the whole family, both designs together, and each verdict.
 *
 * @param <C> what identifies a cell (workload x daemon x guest configuration)
 */
public final class Analysis<C> {
    /**
     * One measured run: its cell, arm, block (iteration) and value; a failed run has ok = false. In the
     * interleaved design one slice: its block is its boot and {@code round} its round (0: no rounds, the boots design).
     */
    public record Observation<C>(C cell, String arm, int block, int round, boolean ok, double value) {
        public Observation(C cell, String arm, int block, boolean ok, double value) { this(cell, arm, block, 0, ok, value); }
    }

    /** One line of the family; {@code primary}: in the family the question is about (see {@link #of(List, String, double, java.util.function.Predicate)}). */
    public record Result<C>(C cell, String arm, Comparison comparison, boolean primary) {}

    private final List<Result<C>> results;

    private Analysis(List<Result<C>> results) { this.results = results; }

    public static <C> Analysis<C> of(List<Observation<C>> observations, String reference, double thresholdPct) {
        return of(observations, reference, thresholdPct, c -> true);
    }

    /**
     * With a primary family: the cells the question is about ({@code primary}) are one
     * Benjamini-Hochberg family, from which the verdicts that answer it come; every other cell is
     * decided in a second family of its own, so adding cells to a run does not weaken the answer.
     */
    public static <C> Analysis<C> of(List<Observation<C>> observations, String reference, double thresholdPct, Predicate<C> primary) {
        Map<C, Map<String, List<Observation<C>>>> byCell = new LinkedHashMap<>();
        for (Observation<C> o : observations) byCell.computeIfAbsent(o.cell(), k -> new LinkedHashMap<>()).computeIfAbsent(o.arm(), k -> new ArrayList<>()).add(o);
        List<C> cells = new ArrayList<>();
        List<String> arms = new ArrayList<>();
        List<Comparison> family = new ArrayList<>();
        for (var cell : byCell.entrySet()) {
            List<Observation<C>> ref = cell.getValue().get(reference);
            if (ref == null) continue; // a peer daemon: nothing to compare against
            for (var arm : cell.getValue().entrySet()) {
                if (arm.getKey().equals(reference)) continue;
                Set<Integer> blocks = new LinkedHashSet<>();
                ref.forEach(o -> blocks.add(o.block()));
                arm.getValue().forEach(o -> blocks.add(o.block()));
                cells.add(cell.getKey());
                arms.add(arm.getKey());
                boolean rounds = ref.stream().anyMatch(o -> o.round() > 0) || arm.getValue().stream().anyMatch(o -> o.round() > 0);
                family.add(rounds ? Comparison.interleaved(byRound(ref), byRound(arm.getValue()), blocks.size())
                        : Comparison.paired(byBlock(ref), byBlock(arm.getValue()), blocks.size()));
            }
        }
        List<Integer> first = new ArrayList<>(), second = new ArrayList<>();
        for (int i = 0; i < family.size(); i++) (primary.test(cells.get(i)) ? first : second).add(i);
        Comparison[] decided = new Comparison[family.size()];
        for (List<Integer> part : List.of(first, second)) {
            List<Comparison> d = Comparison.decideAll(part.stream().map(family::get).toList(), thresholdPct);
            for (int j = 0; j < part.size(); j++) decided[part.get(j)] = d.get(j);
        }
        List<Result<C>> out = new ArrayList<>();
        for (int i = 0; i < decided.length; i++) out.add(new Result<>(cells.get(i), arms.get(i), decided[i], first.contains(i)));
        return new Analysis<>(out);
    }

    private static <C> Map<Integer, Double> byBlock(List<Observation<C>> runs) {
        Map<Integer, Double> m = new TreeMap<>();
        for (Observation<C> o : runs) if (o.ok() && !Double.isNaN(o.value())) m.put(o.block(), o.value());
        return m;
    }

    /** Interleaved: boot -> round -> value of the slices that succeeded. */
    private static <C> Map<Integer, Map<Integer, Double>> byRound(List<Observation<C>> slices) {
        Map<Integer, Map<Integer, Double>> m = new TreeMap<>();
        for (Observation<C> o : slices)
            if (o.ok() && !Double.isNaN(o.value())) m.computeIfAbsent(o.block(), k -> new TreeMap<>()).put(o.round(), o.value());
        return m;
    }

    public List<Result<C>> results() { return results; }

    public Comparison of(C cell, String arm) {
        for (Result<C> r : results) if (r.cell().equals(cell) && r.arm().equals(arm)) return r.comparison();
        return null;
    }

    /** The primary family's size: the comparisons that could be tested (every one, without a primary family). */
    public long familySize() { return Comparison.familySize(results.stream().filter(Result::primary).map(Result::comparison).toList()); }

    /** The primary family's discoveries (q < 0.05), which set the level of its MDEs (see {@link Comparison#familyLevel}). */
    public long discoveries() {
        return results.stream().filter(r -> r.primary() && r.comparison().q() < Comparison.Q_LEVEL).count();
    }

    /** The second family's size (the cells outside the primary family), 0 without one. */
    public long secondFamilySize() { return Comparison.familySize(results.stream().filter(r -> !r.primary()).map(Result::comparison).toList()); }

    /** The widest 95% interval of the family (half-width, percentage points), or none when it is empty. */
    public Result<C> widest() {
        Result<C> w = null;
        for (Result<C> r : results) if (w == null || r.comparison().halfWidthPct() > w.comparison().halfWidthPct()) w = r;
        return w;
    }
}
