package dev.fusebench.bench.guest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * apt-get with a private sources list, state directory and dpkg status under the project's cache,
 * so packages from other Debian suites can be downloaded from the machine's own mirrors without
 * touching its apt configuration, and whatever its apt is doing meanwhile.
 */
public final class Apt {
    private static final String KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg";
    private final Path root;
    private final String defaultRelease;

    /** @param suites Debian suites, e.g. bookworm, bookworm-backports, trixie; the first is the default release */
    public Apt(Path cache, List<String> suites) throws IOException {
        this.root = cache.resolve("apt").resolve(String.join("+", suites));
        this.defaultRelease = suites.getFirst();
        Files.createDirectories(root.resolve("lists/partial"));
        Files.createDirectories(root.resolve("cache/archives/partial"));
        Files.createDirectories(root.resolve("etc"));
        // the machine's own mirrors, another suite; and an empty dpkg status of our own, so what
        // the machine has installed (or is installing right now) never decides what we download
        String keyring = Files.exists(Path.of(KEYRING)) ? KEYRING : null;
        String lines = AptSources.ofThisMachine().linesFor(suites, keyring);
        Path list = root.resolve("etc/sources.list");
        if (!Files.exists(list) || !Files.readString(list).equals(lines)) {
            Files.writeString(list, lines);
            Files.deleteIfExists(root.resolve("lists/.updated")); // other mirrors: fetch their lists
        }
        if (!Files.exists(root.resolve("status"))) Files.writeString(root.resolve("status"), "");
    }

    private List<String> options() {
        return List.of("-o", "Dir::Etc::sourcelist=" + root.resolve("etc/sources.list"),
                "-o", "Dir::Etc::sourceparts=-",
                "-o", "Dir::State::Lists=" + root.resolve("lists"),
                "-o", "Dir::State::status=" + root.resolve("status"),
                "-o", "Dir::Cache=" + root.resolve("cache"),
                "-o", "APT::Default-Release=" + defaultRelease,
                "-o", "Debug::NoLocking=1");
    }

    private List<String> cmd(String tool, String... args) {
        List<String> c = new ArrayList<>();
        c.add(tool);
        c.addAll(options());
        c.addAll(List.of(args));
        return c;
    }

    /** Fetches the package lists unless a copy younger than a week is there. */
    public void updateIfStale() throws IOException {
        Path stamp = root.resolve("lists/.updated");
        if (Files.exists(stamp) && Files.getLastModifiedTime(stamp).toInstant().isAfter(Instant.now().minus(Duration.ofDays(7)))) return;
        Shell.Result r = Shell.run(null, cmd("apt-get", "-q", "update"), 600);
        if (r.code() != 0) throw new IOException("apt-get update (private lists) failed: " + r.output().strip());
        Files.writeString(stamp, "");
        Files.setLastModifiedTime(stamp, FileTime.from(Instant.now()));
    }

    /** The first dependency of {@code pkg} (its default-release candidate) whose name matches. */
    public String dependency(String pkg, Pattern name) throws IOException {
        Shell.Result r = Shell.run(null, cmd("apt-cache", "depends", pkg), 120);
        if (r.code() != 0) throw new IOException("apt-cache depends " + pkg + ": " + r.output().strip());
        for (String line : r.output().lines().toList()) {
            String t = line.strip();
            if (t.startsWith("Depends:")) {
                String dep = t.substring("Depends:".length()).strip();
                if (name.matcher(dep).matches()) return dep;
            }
        }
        throw new IOException("no dependency of " + pkg + " matches " + name);
    }

    /** The candidate version of a package. */
    public String candidate(String pkg) throws IOException {
        Shell.Result r = Shell.run(null, cmd("apt-cache", "policy", pkg), 120);
        Matcher m = Pattern.compile("Candidate: (\\S+)").matcher(r.output());
        if (r.code() != 0 || !m.find() || m.group(1).equals("(none)")) throw new IOException("no candidate for " + pkg);
        return m.group(1);
    }

    /** Downloads a package's .deb (name or name=version) into {@code dir}; returns its path. */
    public Path download(String pkg, Path dir) throws IOException {
        Files.createDirectories(dir);
        Shell.Result r = Shell.run(dir, cmd("apt-get", "-q", "download", pkg), 900);
        if (r.code() != 0) throw new IOException("apt-get download " + pkg + " failed: " + r.output().strip());
        String base = pkg.contains("=") ? pkg.substring(0, pkg.indexOf('=')) : pkg;
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(base + "_") && p.toString().endsWith(".deb"))
                    .findFirst().orElseThrow(() -> new IOException("downloaded " + pkg + " but found no .deb"));
        }
    }
}
