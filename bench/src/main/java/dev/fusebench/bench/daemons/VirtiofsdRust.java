package dev.fusebench.bench.daemons;

import dev.fusebench.bench.guest.Apt;
import dev.fusebench.bench.guest.Shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Rust virtiofsd 1.13 from Debian trixie, with trixie's glibc beside it (it needs 2.39), run
 * through that glibc's loader. Fetched once into the cache with the private apt.
 */
public record VirtiofsdRust(Path cache, List<String> extraArgs) implements VirtioFsDaemon {
    public VirtiofsdRust(Path cache) { this(cache, List.of()); }

    static final List<String> PACKAGES = List.of("virtiofsd", "libc6", "libseccomp2", "libcap-ng0", "libgcc-s1");

    @Override public String name() { return "virtiofsd-rust"; }

    Path root() { return cache.resolve("virtiofsd-rust"); }

    Path lib() { return root().resolve("usr/lib/x86_64-linux-gnu"); }

    /** Downloads and unpacks the packages unless they are there. */
    synchronized void ensure() throws IOException {
        if (Files.isExecutable(root().resolve("usr/libexec/virtiofsd")) && Files.exists(root().resolve(".complete"))) return;
        Apt apt = new Apt(cache, List.of("trixie"));
        apt.updateIfStale();
        Path debs = Files.createDirectories(cache.resolve("virtiofsd-rust-debs"));
        for (String p : PACKAGES) {
            Path deb = apt.download(p + "=" + apt.candidate(p), debs);
            Shell.check(null, 300, "dpkg-deb", "-x", deb.toString(), root().toString());
        }
        Files.writeString(root().resolve(".complete"), String.join(",", PACKAGES));
    }

    private List<String> base() {
        return List.of(lib().resolve("ld-linux-x86-64.so.2").toString(), "--library-path", lib().toString(),
                root().resolve("usr/libexec/virtiofsd").toString());
    }

    @Override
    public String version() throws IOException {
        ensure();
        List<String> c = new ArrayList<>(base());
        c.add("--version");
        return Shell.check(null, 30, c.toArray(String[]::new)).lines().findFirst().orElse("?").strip();
    }

    @Override
    public List<String> command(Path shared, Path socket, String variant, Path statsFile) throws IOException {
        ensure();
        List<String> c = new ArrayList<>(base());
        c.addAll(List.of("--socket-path=" + socket, "--shared-dir=" + shared, "--cache=never"));
        c.addAll(extraArgs); // e.g. --killpriv-v2
        return c;
    }

    @Override public boolean takesVariants() { return false; }
}
