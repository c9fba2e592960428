package dev.fusebench.reports;

import dev.fusebench.bench.stats.Comparison;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The CI gate ({@code --fail-on slower,tail,errors}): after the report is written, the run exits
 * {@link #EXIT} when a named condition holds anywhere in it. {@code slower}: an arm's throughput
 * verdict is "slower"; {@code tail}: an arm's p99, p99.9 or longest completion is longer than the
 * reference's (significant in the tail family); {@code errors}: an arm other than the reference had
 * failed runs or slices, or its daemon failed requests of the data path; {@code claims}: a claim of
 * the run's claims file does not hold (or names a workload or arm the run does not have).
 */
public final class Gate {
    private Gate() {}

    /** The exit status of a run the gate stops (2 stays bad input). */
    public static final int EXIT = 3;

    public static final List<String> CONDITIONS = List.of("slower", "tail", "errors", "claims");

    /** The conditions named in {@code spec} ("slower,tail"); IllegalArgumentException for an unknown one. */
    public static Set<String> parse(String spec) {
        Set<String> out = new LinkedHashSet<>();
        for (String p : spec.split(",")) {
            String c = p.strip().toLowerCase(Locale.ROOT);
            if (c.isEmpty()) continue;
            if (!CONDITIONS.contains(c)) throw new IllegalArgumentException("--fail-on takes " + String.join(", ", CONDITIONS) + ", got '" + p.strip() + "'");
            out.add(c);
        }
        if (out.isEmpty()) throw new IllegalArgumentException("--fail-on names no condition");
        return out;
    }

    /** Each place where a named condition holds, as one line; empty when the gate passes. */
    public static List<String> check(ResultSet rs, Set<String> on) {
        List<String> out = new ArrayList<>();
        for (ReportBuilder.Row r : ReportBuilder.rows(rs)) {
            if (r.arm().equals(rs.reference)) continue;
            String where = r.cell().label() + " / " + r.arm();
            Comparison c = r.cmp();
            if (on.contains("slower") && c != null && c.verdict() == Comparison.Verdict.SLOWER)
                out.add("slower: " + where + String.format(Locale.ROOT, " %+.1f%% [%+.1f%%, %+.1f%%]", c.effectPct(), c.ciLowPct(), c.ciHighPct()));
            if (on.contains("tail") && c != null) {
                List<String> longer = Tails.longer(rs.tails(), r.cell(), r.arm());
                if (!longer.isEmpty()) out.add("tail: " + where + " " + String.join("; ", longer));
            }
            if (on.contains("errors")) {
                Tails.Errors e = rs.errors(r.cell(), r.arm());
                if (e.total() > 0) out.add("errors: " + where + " " + e.text());
            }
        }
        if (on.contains("claims")) {
            List<Claims.Judgement> claims = rs.claims();
            if (claims != null)
                for (Claims.Judgement j : claims)
                    if (j.outcome() == Claims.Outcome.DOES_NOT_HOLD || j.outcome() == Claims.Outcome.NOT_RUN)
                        out.add("claims: '" + j.claim().text() + "' " + j.outcome().label + (j.cell() == null ? "" : " on " + j.cell().label()));
        }
        return out;
    }

    /** Checks a results directory whose report was just written, says what failed, and gives the exit status. */
    public static int apply(Path dir, Set<String> on) throws IOException {
        List<String> failures = check(new ResultSet(dir), on);
        if (failures.isEmpty()) {
            System.err.println("fusebench: gate passed (--fail-on " + String.join(",", on) + ")");
            return 0;
        }
        for (String f : failures) System.err.println("fusebench: gate failed: " + f);
        return EXIT;
    }

    /** When $GITHUB_STEP_SUMMARY names a file (a GitHub Actions step), appends summary.md to it. */
    public static void toStepSummary(Path dir) throws IOException {
        String target = System.getenv("GITHUB_STEP_SUMMARY");
        if (target == null || target.isBlank()) return;
        Files.writeString(Path.of(target), Files.readString(dir.resolve("summary.md")) + "\n",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
