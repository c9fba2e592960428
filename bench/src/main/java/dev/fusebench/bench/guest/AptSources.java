package dev.fusebench.bench.guest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The Debian mirrors this machine's apt is configured with (sources.list and sources.list.d, in
 * the one-line and the deb822 format), so the private apt asks the same mirrors for other suites:
 * a machine that reaches Debian only through its own mirror can still fetch guest kernels.
 */
public final class AptSources {
    /** One "deb" source: a mirror URI, a suite on it, and the keyring it is signed with (or null). */
    public record Entry(String uri, String suite, String signedBy) {
        boolean security() { return suite.endsWith("-security") || suite.endsWith("/updates"); }
    }

    private final List<Entry> entries;
    private final String codename;

    public AptSources(List<Entry> entries, String codename) {
        this.entries = List.copyOf(entries);
        this.codename = codename;
    }

    /** This machine's sources and release codename. */
    public static AptSources ofThisMachine() throws IOException {
        return read(Path.of("/etc/apt"), Path.of("/etc/os-release"));
    }

    static AptSources read(Path etcApt, Path osRelease) throws IOException {
        List<Entry> e = new ArrayList<>();
        Path list = etcApt.resolve("sources.list");
        if (Files.isRegularFile(list)) e.addAll(parseOneLine(Files.readString(list)));
        Path parts = etcApt.resolve("sources.list.d");
        if (Files.isDirectory(parts)) {
            try (Stream<Path> s = Files.list(parts)) {
                for (Path p : s.sorted().toList()) {
                    String name = p.getFileName().toString();
                    if (name.endsWith(".list")) e.addAll(parseOneLine(Files.readString(p)));
                    else if (name.endsWith(".sources")) e.addAll(parseDeb822(Files.readString(p)));
                }
            }
        }
        String codename = null;
        if (Files.isRegularFile(osRelease)) {
            for (String line : Files.readAllLines(osRelease)) {
                if (line.startsWith("VERSION_CODENAME=")) codename = line.substring("VERSION_CODENAME=".length()).replace("\"", "").strip();
            }
        }
        return new AptSources(e, codename);
    }

    static List<Entry> parseOneLine(String text) {
        List<Entry> out = new ArrayList<>();
        for (String raw : text.lines().toList()) {
            String line = raw.replaceFirst("#.*", "").strip();
            if (!line.startsWith("deb ") && !line.startsWith("deb\t")) continue;
            String rest = line.substring(3).strip();
            String signedBy = null;
            if (rest.startsWith("[")) {
                int close = rest.indexOf(']');
                if (close < 0) continue;
                for (String opt : rest.substring(1, close).strip().split("\\s+")) {
                    if (opt.startsWith("signed-by=")) signedBy = opt.substring("signed-by=".length());
                }
                rest = rest.substring(close + 1).strip();
            }
            String[] f = rest.split("\\s+");
            if (f.length >= 2) out.add(new Entry(f[0], f[1], signedBy));
        }
        return out;
    }

    static List<Entry> parseDeb822(String text) {
        List<Entry> out = new ArrayList<>();
        for (String stanza : text.split("\\n\\s*\\n")) {
            Map<String, String> f = new LinkedHashMap<>();
            String key = null;
            for (String line : stanza.lines().toList()) {
                if (line.startsWith("#")) continue;
                if ((line.startsWith(" ") || line.startsWith("\t")) && key != null) {
                    f.merge(key, " " + line.strip(), String::concat); // a continuation line
                    continue;
                }
                int colon = line.indexOf(':');
                if (colon <= 0) continue;
                key = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                f.put(key, line.substring(colon + 1).strip());
            }
            if (!List.of(f.getOrDefault("types", "").split("\\s+")).contains("deb")) continue;
            if ("no".equalsIgnoreCase(f.getOrDefault("enabled", "yes"))) continue;
            String signedBy = f.get("signed-by");
            if (signedBy != null && signedBy.contains("BEGIN PGP")) signedBy = null; // an inline key: apt's own trust then
            for (String uri : f.getOrDefault("uris", "").split("\\s+")) {
                if (uri.isEmpty()) continue;
                for (String suite : f.getOrDefault("suites", "").split("\\s+")) if (!suite.isEmpty()) out.add(new Entry(uri, suite, signedBy));
            }
        }
        return out;
    }

    /** Whether an entry is the Debian archive (this release's suites), not a third party's repository. */
    private boolean debian(Entry e) {
        if (codename == null) return e.suite().matches("[a-z]+(-updates|-backports|-security|/updates)?");
        return e.suite().equals(codename) || e.suite().startsWith(codename + "-") || e.suite().startsWith(codename + "/");
    }

    /**
     * The source lines for {@code suites} (e.g. trixie, bookworm-backports): each on every mirror
     * the machine uses for the same kind of suite (the archive, or the security archive), with its keyring.
     */
    public String linesFor(List<String> suites, String defaultKeyring) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String suite : suites) {
            boolean security = suite.endsWith("-security");
            List<Entry> mirrors = entries.stream().filter(this::debian).filter(e -> e.security() == security).toList();
            if (mirrors.isEmpty()) {
                throw new IOException("the machine's apt sources (/etc/apt/sources.list, sources.list.d) name no Debian "
                        + (security ? "security " : "") + "mirror to fetch " + suite + " from");
            }
            List<String> seen = new ArrayList<>();
            for (Entry m : mirrors) {
                if (seen.contains(m.uri())) continue;
                seen.add(m.uri());
                String key = m.signedBy() != null ? m.signedBy() : defaultKeyring;
                sb.append("deb ").append(key != null ? "[signed-by=" + key + "] " : "").append(m.uri()).append(' ').append(suite).append(" main\n");
            }
        }
        return sb.toString();
    }
}
