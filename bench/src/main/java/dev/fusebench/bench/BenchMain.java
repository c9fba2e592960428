package dev.fusebench.bench;

import dev.fusebench.bench.run.RunCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import dev.fusebench.cli.Cli;

/** The controller's command line: run (one guest boot); the matrix and reports come next. */
@Command(name = "run-bench.sh", mixinStandardHelpOptions = true, subcommands = {RunCommand.class},
        description = "fusebench controller")
public final class BenchMain implements Runnable {
    static final String PREFIX = "fusebench";

    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }

    public static int usage(String message) { return Cli.usage(PREFIX, message); }

    public static int execute(String... args) {
        return Cli.create(new BenchMain(), PREFIX).execute(args);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }
}
