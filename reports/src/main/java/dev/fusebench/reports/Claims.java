package dev.fusebench.reports;

import dev.fusebench.bench.matrix.RunLines;
import dev.fusebench.bench.stats.Comparison;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pull request's claims, checked against a run: one claim a line, {@code WORKLOAD ARM DIRECTION
 * [SIZE]}, '#' starts a comment. DIRECTION is {@code faster} (optionally {@code >= +50%}),
 * {@code slower} (optionally {@code <= -10%}) or {@code same} (optionally {@code within 10%}; the
 * report's band otherwise). Each claim is judged on the arm's comparison with the reference, in
 * every cell of the workload (each daemon and guest configuration):
 * <ul>
 * <li>faster >= X: holds when the verdict is faster and the 95% CI's low end is at least X; does
 * not hold when the CI's high end is below X (or the verdict is slower); inconclusive otherwise;</li>
 * <li>slower <= -X: the mirror image;</li>
 * <li>same within X: holds when the equivalence interval (the 90% CI in the interleaved design, the
 * 95% CI in the boots design) lies within ±X; does not hold when the 95% CI lies wholly beyond +X
 * or wholly below -X; inconclusive otherwise.</li>
 * </ul>
 */
public final class Claims {
    private Claims() {}

    /** The file a results directory keeps its claims in (matrix --claims copies them there). */
    public static final String FILE = "claims.txt";

    public enum Direction { FASTER, SLOWER, SAME }

    /** One claim; {@code sizePct} NaN when none was given (faster: > 0; same: the report's band). */
    public record Claim(String workload, String arm, Direction direction, double sizePct, String text) {}

    public enum Outcome {
        HOLDS("holds"), DOES_NOT_HOLD("does not hold"), INCONCLUSIVE("inconclusive"), NOT_RUN("not in this run");
        public final String label;
        Outcome(String label) { this.label = label; }
    }

    /** A claim judged on one cell: what it rests on. */
    public record Judgement(Claim claim, RunLines.Cell cell, Outcome outcome, Comparison comparison) {}

    private static final Pattern LINE = Pattern.compile(
            "(\\S+)\\s+(\\S+)\\s+(faster|slower|same)(?:\\s+(>=|<=|within)\\s*([+-]?\\d+(?:\\.\\d+)?)\\s*%)?", Pattern.CASE_INSENSITIVE);

    public static List<Claim> parse(String text) {
        List<Claim> out = new ArrayList<>();
        int n = 0;
        for (String raw : text.split("\n", -1)) {
            n++;
            String line = raw.replaceAll("#.*", "").strip();
            if (line.isEmpty()) continue;
            Matcher m = LINE.matcher(line);
            if (!m.matches()) throw new IllegalArgumentException("claims line " + n + ": want 'WORKLOAD ARM faster [>= +X%]', "
                    + "'... slower [<= -X%]' or '... same [within X%]', got '" + line + "'");
            Direction d = Direction.valueOf(m.group(3).toUpperCase(Locale.ROOT));
            String op = m.group(4) == null ? null : m.group(4).toLowerCase(Locale.ROOT);
            double size = m.group(5) == null ? Double.NaN : Double.parseDouble(m.group(5));
            if (op != null && !op.equals(switch (d) { case FASTER -> ">="; case SLOWER -> "<="; case SAME -> "within"; }))
                throw new IllegalArgumentException("claims line " + n + ": " + m.group(3) + " takes " + switch (d) {
                    case FASTER -> ">= +X%"; case SLOWER -> "<= -X%"; case SAME -> "within X%"; } + ", got '" + m.group(4) + "'");
            if (d == Direction.FASTER && size < 0 || d == Direction.SLOWER && size > 0 || d == Direction.SAME && !(Double.isNaN(size) || size > 0))
                throw new IllegalArgumentException("claims line " + n + ": the size does not fit '" + m.group(3) + "': " + m.group(5) + "%");
            out.add(new Claim(m.group(1), m.group(2), d, size, line));
        }
        if (out.isEmpty()) throw new IllegalArgumentException("the claims file holds no claim");
        return out;
    }

    public static List<Claim> read(Path file) throws IOException { return parse(Files.readString(file)); }

    /** Every claim on every cell of its workload; a claim whose workload or arm did not run is "not in this run". */
    public static List<Judgement> judge(ResultSet rs, List<Claim> claims) {
        List<Judgement> out = new ArrayList<>();
        for (Claim c : claims) {
            boolean any = false;
            for (RunLines.Cell cell : rs.cells()) {
                if (!cell.workload().equals(c.workload())) continue;
                Comparison cmp = rs.compare(cell, c.arm());
                if (cmp == null) continue;
                any = true;
                out.add(new Judgement(c, cell, outcome(c, cmp, rs.threshold()), cmp));
            }
            if (!any) out.add(new Judgement(c, null, Outcome.NOT_RUN, null));
        }
        return out;
    }

    static Outcome outcome(Claim c, Comparison cmp, double bandPct) {
        if (cmp.verdict() == Comparison.Verdict.TOO_FEW || cmp.verdict() == Comparison.Verdict.TOO_FEW_BOOTS || Double.isNaN(cmp.ciLowPct()))
            return Outcome.INCONCLUSIVE;
        double lo = cmp.ciLowPct(), hi = cmp.ciHighPct();
        return switch (c.direction()) {
            case FASTER -> {
                double x = Double.isNaN(c.sizePct()) ? 0 : c.sizePct();
                if (cmp.verdict() == Comparison.Verdict.FASTER && lo >= x) yield Outcome.HOLDS;
                if (hi < x || cmp.verdict() == Comparison.Verdict.SLOWER) yield Outcome.DOES_NOT_HOLD;
                yield Outcome.INCONCLUSIVE;
            }
            case SLOWER -> {
                double x = Double.isNaN(c.sizePct()) ? 0 : c.sizePct();
                if (cmp.verdict() == Comparison.Verdict.SLOWER && hi <= x) yield Outcome.HOLDS;
                if (lo > x || cmp.verdict() == Comparison.Verdict.FASTER) yield Outcome.DOES_NOT_HOLD;
                yield Outcome.INCONCLUSIVE;
            }
            case SAME -> {
                double x = Double.isNaN(c.sizePct()) ? bandPct : c.sizePct();
                boolean interleaved = Comparison.INTERLEAVED.equals(cmp.design());
                double elo = interleaved ? cmp.ci90LowPct() : lo, ehi = interleaved ? cmp.ci90HighPct() : hi;
                if (elo >= -x && ehi <= x) yield Outcome.HOLDS;
                if (lo > x || hi < -x) yield Outcome.DOES_NOT_HOLD;
                yield Outcome.INCONCLUSIVE;
            }
        };
    }

    /** A judged claim as a table row: claim, cell, Δ, 95% CI, outcome (the Markdown table and the page's). */
    static List<String> row(Judgement j) {
        Comparison c = j.comparison();
        return List.of(j.claim().text(), j.cell() == null ? "–" : j.cell().daemon() + " · " + j.cell().guest(),
                c == null ? "–" : ReportBuilder.pct(c.effectPct()), ReportBuilder.ci(c), j.outcome().label);
    }

    /** The claims as a Markdown table: claim, cell, Δ [95% CI], outcome. */
    public static String markdown(List<Judgement> judged) {
        StringBuilder sb = new StringBuilder("| claim | cell | Δ | 95% CI | outcome |\n|---|---|---:|---|---|\n");
        for (Judgement j : judged) {
            List<String> f = row(j);
            sb.append("| ").append(String.join(" | ", f.subList(0, 4))).append(" | **").append(f.get(4)).append("** |\n");
        }
        return sb.toString();
    }
}
