package dev.fusebench.bench.guest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fusebench.files.Trees;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything a guest boots with, built from Debian packages and cached under a key of what went
 * into it: the kernel (ELF vmlinux), a small uncompressed initramfs (busybox, modules, /init), and
 * a tools directory with fio and the libraries it links, which the guest mounts read-only over 9p,
 * so only the pages fio touches cross into the guest instead of 80 MiB of unpacked initramfs.
 */
public record GuestImage(Path dir, GuestKernel kernel, Path initramfs, Path tools, Map<String, String> manifest) {
    static final int BUILDER_VERSION = 1;
    static final String BUSYBOX = "/bin/busybox";
    static final String FIO = "/usr/bin/fio";

    public static Path defaultCache() {
        String env = System.getenv("FUSEBENCH_CACHE");
        return Path.of(env != null && !env.isBlank() ? env : "/var/cache/fusebench");
    }

    /** Builds (or finds in the cache) the image for a kernel series. */
    public static GuestImage obtain(String series, Path cache, Path initScript) throws IOException {
        Apt apt = new Apt(cache, GuestKernel.suitesFor(series));
        apt.updateIfStale();
        String pkg = apt.dependency("linux-image-amd64", Pattern.compile("linux-image-[0-9].*-amd64"));
        String version = apt.candidate(pkg);
        Map<String, String> m = new LinkedHashMap<>();
        m.put("builder", Integer.toString(BUILDER_VERSION));
        m.put("kernel_series", series);
        m.put("kernel_package", pkg);
        m.put("kernel_version", version);
        m.put("fio", hostPackageVersion("fio"));
        m.put("busybox", hostPackageVersion("busybox-static"));
        m.put("modules", String.join(",", GuestKernel.WANTED));
        m.put("init_sha256", sha256(Files.readAllBytes(initScript)));
        String key = sha256(m.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 16);
        Path dir = cache.resolve("guest").resolve(series + "-" + key);
        Path done = dir.resolve("image.json");
        if (Files.exists(done)) return load(dir, m);

        Path tmp = cache.resolve("guest").resolve(".build-" + key + "-" + ProcessHandle.current().pid());
        Trees.delete(tmp);
        Files.createDirectories(tmp);
        try {
            GuestKernel k = GuestKernel.unpack(series, pkg, version, apt.download(pkg + "=" + version, tmp.resolve("deb")), tmp);
            buildInitramfs(k, initScript, tmp.resolve("initramfs.cpio"), tmp.resolve("initramfs"));
            buildTools(tmp.resolve("tools"));
            Trees.delete(tmp.resolve("tree"));
            Trees.delete(tmp.resolve("deb"));
            Trees.delete(tmp.resolve("initramfs"));
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(tmp.resolve("image.json").toFile(), m);
            Files.createDirectories(dir.getParent());
            Trees.delete(dir);
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Trees.delete(tmp);
        }
        pruneOlderImages(dir, KEEP_PER_SERIES);
        return load(dir, m);
    }

    static final int KEEP_PER_SERIES = 3;

    /** Keeps the newest few images of a series (a changed /init or kernel makes a new one each time). */
    public static void pruneOlderImages(Path current, int keep) throws IOException {
        String prefix = current.getFileName().toString().replaceAll("-[0-9a-f]+$", "-");
        List<Path> same;
        try (var s = Files.list(current.getParent())) {
            same = s.filter(p -> p.getFileName().toString().startsWith(prefix) && Files.exists(p.resolve("image.json")))
                    .sorted(Comparator.comparing((Path p) -> {
                        try {
                            return Files.getLastModifiedTime(p.resolve("image.json"));
                        } catch (IOException e) {
                            return FileTime.fromMillis(0);
                        }
                    }).reversed()).toList();
        }
        for (Path old : same.subList(Math.min(keep, same.size()), same.size())) {
            if (!old.equals(current)) Trees.delete(old);
        }
    }

    private static GuestImage load(Path dir, Map<String, String> m) throws IOException {
        List<Path> modules = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("modules.order"))) modules.add(dir.resolve("modules").resolve(line));
        GuestKernel k = new GuestKernel(m.get("kernel_series"), m.get("kernel_package"), m.get("kernel_version"),
                dir.resolve("vmlinux"), modules);
        return new GuestImage(dir, k, dir.resolve("initramfs.cpio"), dir.resolve("tools"), m);
    }

    static void buildInitramfs(GuestKernel k, Path initScript, Path cpio, Path root) throws IOException {
        for (String d : List.of("bin", "dev", "proc", "sys", "tmp", "mnt", "lib/modules")) Files.createDirectories(root.resolve(d));
        Files.copy(Path.of(BUSYBOX), root.resolve("bin/busybox"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(initScript, root.resolve("init"));
        root.resolve("init").toFile().setExecutable(true, false);
        List<String> order = new ArrayList<>();
        for (Path m : k.modules()) {
            Files.copy(m, root.resolve("lib/modules").resolve(m.getFileName()));
            order.add(m.getFileName().toString());
        }
        Files.write(root.resolve("modules.order"), order);
        Files.write(cpio.getParent().resolve("modules.order"), order);
        // newc cpio, uncompressed: the kernel unpacks it without a decompressor
        Shell.check(root, 300, "sh", "-c", "find . -print0 | cpio --null -o -H newc --quiet > " + cpio);
    }

    /** fio and every library `ldd` lists, hard-linked (or copied) into tools/{bin,lib}. */
    static void buildTools(Path tools) throws IOException {
        Path bin = Files.createDirectories(tools.resolve("bin"));
        Path lib = Files.createDirectories(tools.resolve("lib"));
        linkOrCopy(Path.of(FIO), bin.resolve("fio"));
        String ldd = Shell.check(null, 60, "ldd", FIO);
        Matcher m = Pattern.compile("(/\\S+)").matcher(ldd);
        while (m.find()) {
            Path so = Path.of(m.group(1));
            if (!Files.isRegularFile(so)) continue;
            Path real = so.toRealPath();
            Path dst = lib.resolve(so.getFileName());
            if (!Files.exists(dst)) linkOrCopy(real, dst);
        }
        if (!Files.exists(lib.resolve("ld-linux-x86-64.so.2"))) throw new IOException("ldd " + FIO + " named no ld-linux-x86-64.so.2");
    }

    private static void linkOrCopy(Path src, Path dst) throws IOException {
        try {
            Files.createLink(dst, src);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(src, dst, StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    static String hostPackageVersion(String pkg) throws IOException {
        Shell.Result r = Shell.run(null, List.of("dpkg-query", "-W", "-f=${Version}", pkg), 30);
        if (r.code() != 0) throw new IOException("Debian package " + pkg + " is not installed (run-bench.sh installs it)");
        return r.output().strip();
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
