package dev.fusebench.sandbox;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The vhost-user daemon's sandbox, modelled on virtiofsd's default one: a new mount, pid and
 * network namespace whose root (pivot_root) holds only the share and the {@link SandboxExchange}
 * directory (read-write), the JVM, the class path and the system's shared libraries (read-only),
 * the daemon's own /proc/self/fd as /proc (read-only), a few /dev nodes and a private /tmp;
 * no_new_privs; no supplementary groups; only the capabilities a passthrough server needs;
 * RLIMIT_NOFILE capped; and, installed by the daemon itself, a {@link Seccomp} filter. A JVM
 * cannot move itself into new namespaces once its threads exist, so the sandbox is built by a
 * shell (enter.sh) that then executes the daemon's JVM: {@link #wrap} turns the daemon's command
 * line into that.
 */
public record Sandbox(Mode mode, long rlimitNofile) {
    public enum Mode { NAMESPACE, NONE }

    /**
     * What a passthrough server needs: owners, modes, any file's data, setfsuid. virtiofsd's list
     * less DAC_READ_SEARCH, which would open any host file by handle (open_by_handle_at); LINK goes
     * through /proc/self/fd instead, as in virtiofsd.
     */
    public static final List<String> CAPABILITIES = List.of("chown", "dac_override", "fowner",
            "fsetid", "setgid", "setuid", "mknod", "setfcap");
    /** As virtiofsd's default (fs.nr_open on most hosts): a cap, and room for a large tree's inodes. */
    public static final long DEFAULT_NOFILE = 1_048_576;
    static final String UNSHARE = "/usr/bin/unshare", SETPRIV = "/usr/bin/setpriv", MOUNT = "/usr/bin/mount";
    /** Directories the new root may be mounted on: hidden inside the sandbox only, never changed. */
    private static final List<String> ROOT_CANDIDATES = List.of("/mnt", "/media", "/srv", "/opt", "/run", "/var/empty", "/boot");

    public static final Sandbox NONE = new Sandbox(Mode.NONE, 0);

    public Sandbox {
        if (mode == Mode.NAMESPACE && (rlimitNofile < 64 || rlimitNofile > 1L << 30))
            throw new IllegalArgumentException("--rlimit-nofile must be in 64.." + (1L << 30) + ", got " + rlimitNofile);
    }

    public static Sandbox parse(String mode, long rlimitNofile) {
        return switch (mode) {
            case "namespace" -> new Sandbox(Mode.NAMESPACE, rlimitNofile);
            case "none" -> NONE;
            default -> throw new IllegalArgumentException("--sandbox must be namespace or none, got '" + mode + "'");
        };
    }

    public boolean on() { return mode == Mode.NAMESPACE; }

    /** For the results: how the daemon was confined. */
    public SandboxFacts describe() {
        String m = mode.name().toLowerCase(Locale.ROOT);
        // the limit in force is what SandboxStatus reads back
        return on() ? SandboxFacts.configured(m, List.of("mount", "pid", "net"), rlimitNofile, CAPABILITIES, true)
                : SandboxFacts.configured(m, null, null, null, null);
    }

    /** Whether this machine has what the sandbox needs (util-linux's unshare and setpriv). */
    public static String missingTools() {
        for (String t : List.of(UNSHARE, SETPRIV, MOUNT, "/usr/sbin/pivot_root")) if (!Files.isExecutable(Path.of(t))) return t;
        return null;
    }

    /**
     * The command that runs the daemon's {@code javaCommand} (a JVM on this JVM's JDK and class
     * path, listening on {@code socket} and writing {@code statsFile}) inside the sandbox:
     * {@code share} read-write with the file systems mounted below it, the {@link SandboxExchange}
     * (made now: the socket's path becomes a symlink into it) read-write, {@code readable}
     * read-only. Whoever runs it calls {@link SandboxExchange#finish} when it has ended. Without a
     * sandbox, the command itself.
     */
    public List<String> wrapDaemon(List<String> javaCommand, Path share, Path socket, Path statsFile, List<Path> readable)
            throws IOException {
        if (!on()) return javaCommand;
        SandboxExchange x = SandboxExchange.of(socket, statsFile).prepare();
        List<String> inner = redirect(javaCommand, "--socket-path", x.hostSocket(), x.socket());
        if (statsFile != null) inner = redirect(inner, "--stats", x.hostStats(), x.stats());
        return wrap(inner, Path.of(System.getProperty("java.home")), System.getProperty("java.class.path"), share, List.of(x.dir()), readable);
    }

    /** The command with {@code option}'s value (given as {@code from}, absolute or not) changed to {@code to}. */
    static List<String> redirect(List<String> command, String option, Path from, Path to) {
        List<String> out = new ArrayList<>(command);
        for (int i = 0; i < out.size(); i++) {
            String a = out.get(i);
            if (a.equals(option) && i + 1 < out.size() && Path.of(out.get(i + 1)).toAbsolutePath().normalize().equals(from)) {
                out.set(i + 1, to.toString());
            } else if (a.startsWith(option + "=") && Path.of(a.substring(option.length() + 1)).toAbsolutePath().normalize().equals(from)) {
                out.set(i, option + "=" + to);
            }
        }
        return out;
    }

    private List<String> wrap(List<String> javaCommand, Path javaHome, String classPath, Path share, List<Path> writable,
                              List<Path> readable) throws IOException {
        String missing = missingTools();
        if (missing != null) throw new IOException("the sandbox needs " + missing + " (util-linux); --sandbox none runs without one");
        Binds binds = new Binds();
        binds.add(share, true);
        binds.recursive(share);
        for (Path p : writable) binds.add(p, true);
        for (Path p : readable) binds.add(p, false);
        binds.add(javaHome, false);
        for (Path p : classPathEntries(classPath)) binds.add(p, false);
        binds.add(Path.of(SETPRIV), false);
        binds.add(Path.of(MOUNT), false);
        for (Path lib : sharedLibraries()) binds.add(lib, false);
        String caps = String.join(",", CAPABILITIES.stream().map(c -> "+" + c).toList());
        Path root = rootMountPoint(binds.sources());
        List<String> c = new ArrayList<>(List.of(UNSHARE, "--mount", "--pid", "--net", "--fork", "--kill-child", "--propagation", "private",
                "/bin/sh", "-c", script(), "sandbox", root.toString(), Long.toString(rlimitNofile), caps, SETPRIV, MOUNT,
                javaHome.resolve("lib").toString()));
        c.addAll(binds.arguments());
        c.add("--");
        c.addAll(javaCommand);
        return c;
    }

    private static String script() throws IOException {
        try (InputStream in = Sandbox.class.getResourceAsStream("enter.sh")) {
            if (in == null) throw new IOException("enter.sh is missing from the class path");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Path rootMountPoint(Set<Path> sources) throws IOException {
        for (String c : ROOT_CANDIDATES) {
            Path p = Path.of(c);
            if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) continue;
            if (sources.stream().noneMatch(s -> s.startsWith(p) || p.startsWith(s))) return p;
        }
        throw new IOException("no directory to mount the sandbox's root on (tried " + ROOT_CANDIDATES + ")");
    }

    /** Class path entries, with the Class-Path of jar manifests (Maven Surefire's booter jar). */
    static List<Path> classPathEntries(String classPath) {
        Set<Path> out = new LinkedHashSet<>();
        for (String e : classPath.split(File.pathSeparator)) {
            if (e.isEmpty()) continue;
            Path p = Path.of(e).toAbsolutePath().normalize();
            if (!Files.exists(p)) continue;
            out.add(p);
            if (!Files.isRegularFile(p)) continue;
            try (JarFile jar = new JarFile(p.toFile())) {
                Manifest m = jar.getManifest();
                String cp = m == null ? null : m.getMainAttributes().getValue("Class-Path");
                if (cp == null) continue;
                for (String ref : cp.trim().split("\\s+")) {
                    try {
                        URI u = p.toUri().resolve(ref);
                        Path q = Path.of(u);
                        if (Files.exists(q)) out.add(q);
                    } catch (IllegalArgumentException | FileSystemNotFoundException ignored) {
                        // not a file URL
                    }
                }
            } catch (IOException ignored) {
                // not a jar
            }
        }
        return List.copyOf(out);
    }

    /** The shared libraries this JVM has mapped (libc, libz, ld.so...) and the ELF interpreter's path. */
    static List<Path> sharedLibraries() throws IOException {
        Set<Path> out = new LinkedHashSet<>();
        out.add(Path.of("/lib64/ld-linux-x86-64.so.2"));
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            int slash = line.indexOf('/');
            if (slash < 0) continue;
            String file = line.substring(slash);
            if (!file.contains(".so") || file.endsWith(" (deleted)")) continue;
            out.add(Path.of(file));
        }
        return List.copyOf(out);
    }

    /**
     * The bind list: each path as the host resolves it (a symlink on the way becomes the same
     * symlink in the sandbox, its target bound instead), a library's whole directory, nothing
     * bound twice, parents before children.
     */
    static final class Binds {
        private final Map<Path, Boolean> binds = new LinkedHashMap<>(); // path -> writable
        private final Map<Path, Path> links = new LinkedHashMap<>();
        private final Set<Path> recursive = new LinkedHashSet<>();

        /** Binds {@code path} with whatever is mounted below it. */
        void recursive(Path path) throws IOException {
            Path real = resolve(path.toAbsolutePath().normalize(), 0);
            if (real != null) recursive.add(real);
        }

        void add(Path path, boolean writable) throws IOException {
            Path real = resolve(path.toAbsolutePath().normalize(), 0);
            if (real == null) return;
            if (!writable && real.getFileName() != null && real.getFileName().toString().contains(".so")) real = real.getParent();
            binds.merge(real, writable, Boolean::logicalOr);
        }

        /** Walks {@code p} component by component, recording symlinks; the real path, or null if absent. */
        private Path resolve(Path p, int depth) throws IOException {
            if (depth > 16) throw new IOException("too many symlinks resolving " + p);
            Path at = p.getRoot();
            for (Path part : p) {
                Path next = at.resolve(part);
                if (Files.isSymbolicLink(next)) {
                    Path target = Files.readSymbolicLink(next);
                    links.put(next, target);
                    Path rest = next.relativize(p);
                    Path resolved = resolve(next.getParent().resolve(target).normalize(), depth + 1);
                    if (resolved == null) return null;
                    return rest.toString().isEmpty() ? resolved : resolve(resolved.resolve(rest).normalize(), depth + 1);
                }
                if (!Files.exists(next, LinkOption.NOFOLLOW_LINKS)) return null;
                at = next;
            }
            return at;
        }

        Set<Path> sources() { return binds.keySet(); }

        List<String> arguments() {
            List<String> a = new ArrayList<>();
            List<Path> ordered = new ArrayList<>(binds.keySet());
            ordered.sort(Comparator.comparingInt(Path::getNameCount).thenComparing(Path::toString));
            for (Path p : ordered) {
                // each path bound itself, even inside another: a mount on it (a tmpfs share) comes only that way
                a.add(recursive.contains(p) ? "rwr" : binds.get(p) ? "rw" : "ro");
                a.add(p.toString());
            }
            for (Map.Entry<Path, Path> l : links.entrySet()) {
                if (binds.containsKey(l.getKey())) continue;
                // a link inside a bound directory is there already
                if (binds.keySet().stream().anyMatch(q -> l.getKey().startsWith(q))) continue;
                a.add("ln");
                a.add(l.getKey().toString());
                a.add(l.getValue().toString());
            }
            return a;
        }
    }
}
