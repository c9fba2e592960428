package dev.fusebench.cli;

import java.util.Locale;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** One-line log records on stderr. */
final class Logging {
    private Logging() {}

    static void configure() {
        Logger root = Logger.getLogger("");
        for (var h : root.getHandlers()) root.removeHandler(h);
        ConsoleHandler h = new ConsoleHandler();
        h.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord r) {
                String msg = "fusebench " + r.getLevel().getName().toLowerCase(Locale.ROOT) + ": " + formatMessage(r) + "\n";
                if (r.getThrown() != null) msg += "  " + r.getThrown() + "\n";
                return msg;
            }
        });
        root.addHandler(h);
    }
}
