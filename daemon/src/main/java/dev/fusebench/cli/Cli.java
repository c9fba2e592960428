package dev.fusebench.cli;

import picocli.CommandLine;

import java.io.PrintWriter;

/** The project's command-line conventions: a bad command line is one line and exit 2; a failure one line and exit 1. */
public final class Cli {
    private Cli() {}

    public static final int EXIT_USAGE = 2;

    public static CommandLine create(Object command, String prefix) {
        CommandLine cl = new CommandLine(command);
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println(prefix + ": " + ex.getMessage() + " (see --help)");
            err.flush();
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, p) -> {
            System.err.println(prefix + ": " + (ex.getMessage() != null ? ex.getMessage() : ex.toString()));
            return 1;
        });
        return cl;
    }

    /** Prints a one-line usage error; returns the usage exit code. */
    public static int usage(String prefix, String message) {
        System.err.println(prefix + ": " + message);
        return EXIT_USAGE;
    }
}
