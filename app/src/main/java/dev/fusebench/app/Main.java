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

        @Override
        public Integer call() throws Exception {
            if (!Files.isDirectory(dir)) return Cli.usage(PREFIX, dir + " is not a directory");
            System.out.println(ReportBuilder.build(dir).toAbsolutePath());
            return 0;
        }
    }

    @Command(name = "compare", mixinStandardHelpOptions = true,
            description = "Compares two result sets (say main and a branch) cell by cell and arm by arm.")
    static final class CompareCommand implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DIR_A") Path a;
        @Parameters(index = "1", paramLabel = "DIR_B") Path b;

        @Override
        public Integer call() throws Exception {
            for (Path p : new Path[]{a, b}) if (!Files.isDirectory(p)) return Cli.usage(PREFIX, p + " is not a directory");
            Path out = Compare.write(a, b);
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
            System.out.println(ReportBuilder.build(out).toAbsolutePath());
            return 0;
        }
    }

    public static int execute(String... args) {
        CommandLine cl = Cli.create(new Main(), PREFIX);
        cl.addSubcommand("run", new RunCommand());
        cl.addSubcommand("matrix", new MatrixCommand(ReportBuilder::build).withArgs(args));
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
