package dev.fusebench.bench;

import dev.fusebench.cli.Cli;

/** A controller command's answer to a bad command line: one line on stderr, starting with the tool's name, and exit status 2. */
public final class BadCommandLine {
    private BadCommandLine() {}

    public static final String NAME = "fusebench";

    /** A one-line error on stderr; returns the exit status for a bad command line (2). */
    public static int refuse(String message) { return Cli.usage(NAME, message); }
}
