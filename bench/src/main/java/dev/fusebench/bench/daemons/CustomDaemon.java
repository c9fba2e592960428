package dev.fusebench.bench.daemons;

import dev.fusebench.bench.guest.Shell;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A vhost-user daemon of the user's own, from a command template: words split as a shell would
 * (single and double quotes group, no expansion), {@code {socket}} and {@code {shared}} replaced
 * by the run's socket and shared directory. Its version is {@code label} when given, else the first
 * line the command prints with {@code --version} in place of its placeholder words (so a daemon
 * started through a loader or wrapper still answers). It negotiates as it likes: variants do not
 * reach it.
 */
public record CustomDaemon(String name, String template, List<String> words, String label) implements VirtioFsDaemon {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,39}");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z]*)}");

    /**
     * Parses {@code NAME=TEMPLATE}. A bad definition is an IllegalArgumentException whose message
     * is the one-line error the user sees.
     */
    public static CustomDaemon parse(String definition, String label) {
        int eq = definition.indexOf('=');
        if (eq < 0) throw new IllegalArgumentException("--daemon-command wants NAME=TEMPLATE, got '" + definition + "'");
        String name = definition.substring(0, eq).strip();
        String template = definition.substring(eq + 1).strip();
        if (!NAME.matcher(name).matches())
            throw new IllegalArgumentException("daemon name '" + name + "': lower-case letters, digits, '.', '_' and '-' only");
        if (BuiltInDaemons.has(name))
            throw new IllegalArgumentException("daemon name '" + name + "' is a built-in daemon's: choose another");
        if (!template.contains("{socket}"))
            throw new IllegalArgumentException("the command of daemon '" + name + "' has no {socket}: the daemon must listen where the controller says");
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            if (!m.group(1).equals("socket") && !m.group(1).equals("shared"))
                throw new IllegalArgumentException("the command of daemon '" + name + "' has an unknown placeholder {" + m.group(1) + "} (known: {socket}, {shared})");
        }
        List<String> words = split(template);
        if (words.isEmpty()) throw new IllegalArgumentException("the command of daemon '" + name + "' is empty");
        return new CustomDaemon(name, template, words, label == null || label.isBlank() ? null : label.strip());
    }

    /** Splits a command line into words: blanks separate, quotes group, a backslash escapes the next character outside single quotes. */
    static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote == '\'') {
                if (c == '\'') quote = 0; else w.append(c);
            } else if (c == '\\' && i + 1 < s.length()) {
                w.append(s.charAt(++i));
                inWord = true;
            } else if (quote == '"') {
                if (c == '"') quote = 0; else w.append(c);
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) { out.add(w.toString()); w.setLength(0); inWord = false; }
            } else {
                w.append(c);
                inWord = true;
            }
        }
        if (quote != 0) throw new IllegalArgumentException("unterminated " + quote + " quote in '" + s + "'");
        if (inWord) out.add(w.toString());
        return out;
    }

    @Override
    public String version() throws IOException {
        if (label != null) return label;
        List<String> ask = new ArrayList<>(words.stream().filter(w -> !PLACEHOLDER.matcher(w).find()).toList());
        ask.add("--version");
        try {
            return Shell.check(null, 30, ask.toArray(String[]::new)).lines().findFirst().orElse("?").strip();
        } catch (IOException e) {
            return "unknown (" + String.join(" ", ask) + " failed; give --daemon-label " + name + "=VERSION)";
        }
    }

    @Override
    public List<String> command(Path shared, Path socket, String variant, Path statsFile) {
        return words.stream().map(w -> w.replace("{socket}", socket.toString()).replace("{shared}", shared.toString())).toList();
    }

    @Override public boolean takesVariants() { return false; }
}
