package dev.fusebench.bench;

import dev.fusebench.cli.Cli;

/** What the controller's commands share: the name their one-line errors start with. */
public final class Controller {
    private Controller() {}

    public static final String NAME = "fusebench";

    /** A one-line error on stderr; returns the exit status for a bad command line (2). */
    public static int usage(String message) { return Cli.usage(NAME, message); }
}
