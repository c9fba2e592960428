package dev.fusebench.bench.stats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

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

    /** One line of the family. */
    public record Result<C>(C cell, String arm, Comparison comparison) {}

    private final List<Result<C>> results;

    private Analysis(List<Result<C>> results) { this.results = results; }

    public static <C> Analysis<C> of(List<Observation<C>> observations, String reference, double thresholdPct) {
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
        List<Comparison> decided = Comparison.decideAll(family, thresholdPct);
        List<Result<C>> out = new ArrayList<>();
        for (int i = 0; i < decided.size(); i++) out.add(new Result<>(cells.get(i), arms.get(i), decided.get(i)));
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

    public long familySize() { return Comparison.familySize(results.stream().map(Result::comparison).toList()); }

    /** The widest 95% interval of the family (half-width, percentage points), or none when it is empty. */
    public Result<C> widest() {
        Result<C> w = null;
        for (Result<C> r : results) if (w == null || r.comparison().halfWidthPct() > w.comparison().halfWidthPct()) w = r;
        return w;
    }
}
