package dev.fusebench.bench.matrix;

import picocli.CommandLine;

/** The matrix alone, for tests that run it as a separate process (to kill it). */
public final class MatrixMain {
    private MatrixMain() {}

    public static void main(String[] args) {
        System.exit(new CommandLine(new MatrixCommand(null)).execute(args));
    }
}
