package dev.fusebench.bench;

import dev.fusebench.bench.run.RunCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** The controller's command line: run (one guest boot); the matrix and reports come next. */
@Command(name = "run-bench.sh", mixinStandardHelpOptions = true, subcommands = {RunCommand.class},
        description = "fusebench controller")
public final class BenchMain implements Runnable {
    public static final int EXIT_USAGE = 2;

    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }

    public static int usage(String message) {
        System.err.println("fusebench: " + message);
        return EXIT_USAGE;
    }

    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new BenchMain());
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("fusebench: " + ex.getMessage() + " (see --help)");
            err.flush();
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, p) -> {
            System.err.println("fusebench: " + ex.getMessage());
            return 1;
        });
        return cl.execute(args);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }
}
