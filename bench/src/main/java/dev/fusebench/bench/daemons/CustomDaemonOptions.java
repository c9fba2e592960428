package dev.fusebench.bench.daemons;

import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The command-line options that define daemons of the user's own, shared by run, matrix and load. */
public final class CustomDaemonOptions {
    @Option(names = "--daemon-command", paramLabel = "NAME=TEMPLATE",
            description = "Your own vhost-user daemon, then named like the built-in ones: the command with {socket} and {shared} "
                    + "(quote it; repeatable), e.g. mine='/opt/virtiofsd --socket-path={socket} --shared-dir={shared} --cache=never'.")
    List<String> commands = new ArrayList<>();

    @Option(names = "--daemon-label", paramLabel = "NAME=TEXT",
            description = "The version recorded for your daemon NAME (default: the first line of its PROGRAM --version).")
    Map<String, String> labels = new LinkedHashMap<>();

    /** The daemons defined; a bad definition or a label for no daemon is an IllegalArgumentException (a one-line error). */
    public List<CustomDaemon> daemons() {
        List<CustomDaemon> out = new ArrayList<>();
        for (String c : commands) {
            int eq = c.indexOf('=');
            String name = eq < 0 ? c : c.substring(0, eq).strip();
            CustomDaemon d = CustomDaemon.parse(c, labels.get(name));
            if (out.stream().anyMatch(o -> o.name().equals(d.name()))) throw new IllegalArgumentException("daemon '" + d.name() + "' defined twice");
            out.add(d);
        }
        for (String l : labels.keySet()) {
            if (out.stream().noneMatch(d -> d.name().equals(l))) throw new IllegalArgumentException("--daemon-label " + l + ": no --daemon-command defines '" + l + "'");
        }
        return out;
    }
}
