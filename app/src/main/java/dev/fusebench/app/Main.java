package dev.fusebench.app;

import dev.fusebench.bench.BadCommandLine;
import dev.fusebench.bench.load.LoadCommand;
import dev.fusebench.bench.matrix.MatrixCommand;
import dev.fusebench.bench.matrix.Merge;
import dev.fusebench.bench.run.RunCommand;
import dev.fusebench.cli.Cli;
import dev.fusebench.reports.Claims;
import dev.fusebench.reports.Compare;
import dev.fusebench.reports.Gate;
import dev.fusebench.reports.ReportBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The controller's entry point (run-bench.sh run, matrix, load, report, compare, merge): the
 * controller's commands from bench, with the reports that matrix builds when it is done.
 */
@Command(name = "run-bench.sh", mixinStandardHelpOptions = true, description = "fusebench controller")
public final class Main implements Runnable {
    static final String PREFIX = BadCommandLine.NAME;

    @Override
    public void run() { new CommandLine(this).usage(System.err); }

    @Command(name = "report", mixinStandardHelpOptions = true, description = "(Re)builds the report of a results directory from its raw results.")
    static final class ReportCommand implements Callable<Integer> {
        @Parameters(paramLabel = "DIR") Path dir;
        @CommandLine.Option(names = "--fail-on", paramLabel = "C[,C...]",
                description = "CI gate: exit 3 when any of slower, tail, errors, claims holds anywhere in the report.") String failOn;
        @CommandLine.Option(names = "--claims", paramLabel = "FILE",
                description = "Claims to judge (see the README); copied into DIR as claims.txt, which later reports read.") Path claims;

        @Override
        public Integer call() throws Exception {
            if (!Files.isDirectory(dir)) return Cli.usage(PREFIX, dir + " is not a directory");
            try {
                if (failOn != null) REPORTS.checkGate(failOn);
                if (claims != null) {
                    REPORTS.checkClaims(claims);
                    Files.copy(claims, dir.resolve(Claims.FILE), StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IllegalArgumentException | IOException e) {
                return Cli.usage(PREFIX, (claims != null ? "--claims: " : "") + e.getMessage());
            }
            System.out.println(REPORTS.build(dir).toAbsolutePath());
            return failOn == null ? 0 : REPORTS.gate(dir, failOn);
        }
    }

    /** The report, $GITHUB_STEP_SUMMARY and the gate, as matrix, report and merge use them. */
    static final MatrixCommand.ReportHook REPORTS = new MatrixCommand.ReportHook() {
        @Override
        public Path build(Path dir) throws IOException {
            Path html = ReportBuilder.build(dir);
            Gate.toStepSummary(dir);
            return html;
        }

        @Override
        public int gate(Path dir, String failOn) throws IOException {
            return Gate.apply(dir, Gate.parse(failOn));
        }

        @Override
        public void checkGate(String failOn) { Gate.parse(failOn); }

        @Override
        public void checkClaims(Path file) throws IOException { Claims.read(file); }
    };

    @Command(name = "compare", mixinStandardHelpOptions = true,
            description = "Compares two result sets of the same plan (say main and a branch): each arm B against A without verdicts "
                    + "(confounded with the sitting), and each arm's gain over a shared reference arm as a ratio of ratios.")
    static final class CompareCommand implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DIR_A") Path a;
        @Parameters(index = "1", paramLabel = "DIR_B") Path b;

        @Override
        public Integer call() throws Exception {
            for (Path p : new Path[]{a, b}) if (!Files.isDirectory(p)) return Cli.usage(PREFIX, p + " is not a directory");
            Path out;
            try {
                out = Compare.write(a, b);
            } catch (IllegalArgumentException e) {
                return Cli.usage(PREFIX, e.getMessage());
            }
            System.out.print(Files.readString(out));
            System.out.println(out.toAbsolutePath());
            return 0;
        }
    }

    @Command(name = "merge", mixinStandardHelpOptions = true,
            description = "Combines the shards of one plan (matrix --shard K/N on several hosts) into one results set and report.")
    static final class MergeCommand implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", arity = "2..*") List<Path> dirs;
        @CommandLine.Option(names = "--out", required = true, paramLabel = "DIR") Path out;

        @Override
        public Integer call() throws Exception {
            for (Path p : dirs) if (!Files.isDirectory(p)) return Cli.usage(PREFIX, p + " is not a directory");
            try {
                Merge.merge(dirs, out);
            } catch (IllegalArgumentException e) {
                return Cli.usage(PREFIX, e.getMessage());
            }
            System.out.println(REPORTS.build(out).toAbsolutePath());
            return 0;
        }
    }

    public static int execute(String... args) {
        CommandLine cl = Cli.create(new Main(), PREFIX);
        // as CommandLines of their own: picocli applies a model transformer (the guest axes' options) only there
        cl.addSubcommand("run", new CommandLine(new RunCommand()));
        cl.addSubcommand("matrix", new CommandLine(new MatrixCommand(REPORTS).withArgs(args)));
        cl.addSubcommand("load", new LoadCommand().withArgs(args));
        cl.addSubcommand("report", new ReportCommand());
        cl.addSubcommand("compare", new CompareCommand());
        cl.addSubcommand("merge", new MergeCommand());
        return cl.execute(args);
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        // Ctrl-C or SIGTERM: no guest, daemon or socket outlives the controller
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
                ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly), "reap-children"));
        System.exit(execute(args));
    }
}
