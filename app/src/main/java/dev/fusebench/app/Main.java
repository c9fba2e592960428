package dev.fusebench.app;

import dev.fusebench.bench.load.LoadCommand;
import dev.fusebench.bench.matrix.MatrixCommand;
import dev.fusebench.bench.run.RunCommand;
import dev.fusebench.cli.Cli;
import dev.fusebench.reports.Compare;
import dev.fusebench.reports.ReportBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * The controller's entry point (run-bench.sh run, matrix, load, report, compare, merge): the
 * controller's commands from bench, with the reports that matrix builds when it is done.
 */
@Command(name = "run-bench.sh", mixinStandardHelpOptions = true, description = "fusebench controller")
public final class Main implements Runnable {
    static final String PREFIX = dev.fusebench.bench.Controller.NAME;

    @Override
    public void run() { new CommandLine(this).usage(System.err); }

    @Command(name = "report", mixinStandardHelpOptions = true, description = "(Re)builds the report of a results directory from its raw results.")
    static final class ReportCommand implements Callable<Integer> {
        @Parameters(paramLabel = "DIR") Path dir;
        @picocli.CommandLine.Option(names = "--fail-on", paramLabel = "C[,C...]",
                description = "CI gate: exit 3 when any of slower, tail, errors, claims holds anywhere in the report.") String failOn;
        @picocli.CommandLine.Option(names = "--claims", paramLabel = "FILE",
                description = "Claims to judge (see the README); copied into DIR as claims.txt, which later reports read.") Path claims;

        @Override
        public Integer call() throws Exception {
            if (!Files.isDirectory(dir)) return Cli.usage(PREFIX, dir + " is not a directory");
            try {
                if (failOn != null) REPORTS.checkGate(failOn);
                if (claims != null) {
                    REPORTS.checkClaims(claims);
                    Files.copy(claims, dir.resolve(dev.fusebench.reports.Claims.FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IllegalArgumentException | java.io.IOException e) {
                return Cli.usage(PREFIX, (claims != null ? "--claims: " : "") + e.getMessage());
            }
            System.out.println(REPORTS.build(dir).toAbsolutePath());
            return failOn == null ? 0 : REPORTS.gate(dir, failOn);
        }
    }

    /** The report, $GITHUB_STEP_SUMMARY and the gate, as matrix, report and merge use them. */
    static final MatrixCommand.ReportHook REPORTS = new MatrixCommand.ReportHook() {
        @Override
        public Path build(Path dir) throws java.io.IOException {
            Path html = ReportBuilder.build(dir);
            dev.fusebench.reports.Gate.toStepSummary(dir);
            return html;
        }

        @Override
        public int gate(Path dir, String failOn) throws java.io.IOException {
            return dev.fusebench.reports.Gate.apply(dir, dev.fusebench.reports.Gate.parse(failOn));
        }

        @Override
        public void checkGate(String failOn) { dev.fusebench.reports.Gate.parse(failOn); }

        @Override
        public void checkClaims(Path file) throws java.io.IOException { dev.fusebench.reports.Claims.read(file); }
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
        @Parameters(paramLabel = "DIR", arity = "2..*") java.util.List<Path> dirs;
        @picocli.CommandLine.Option(names = "--out", required = true, paramLabel = "DIR") Path out;

        @Override
        public Integer call() throws Exception {
            for (Path p : dirs) if (!Files.isDirectory(p)) return Cli.usage(PREFIX, p + " is not a directory");
            try {
                dev.fusebench.bench.matrix.Merge.merge(dirs, out);
            } catch (IllegalArgumentException e) {
                return Cli.usage(PREFIX, e.getMessage());
            }
            System.out.println(REPORTS.build(out).toAbsolutePath());
            return 0;
        }
    }

    public static int execute(String... args) {
        CommandLine cl = Cli.create(new Main(), PREFIX);
        cl.addSubcommand("run", new RunCommand());
        cl.addSubcommand("matrix", new MatrixCommand(REPORTS).withArgs(args));
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
