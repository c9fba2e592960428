package dev.fusebench.bench.guest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A Debian guest kernel, unpacked: the ELF vmlinux (booted directly through its PVH entry, which
 * saves decompressing the bzImage under emulation) and the modules the guest must load, in order.
 */
public record GuestKernel(String series, String packageName, String version, Path vmlinux, List<Path> modules) {

    /** Kernel series we know how to fetch: 6.1 from bookworm, 6.12 from trixie. */
    public static List<String> suitesFor(String series) {
        return switch (series) {
            case "6.1" -> List.of("bookworm");
            case "6.12" -> List.of("trixie");
            default -> throw new IllegalArgumentException("guest kernel must be 6.1 or 6.12, got '" + series + "'");
        };
    }

    /** Modules the guest needs (virtio-fs, and 9p for the read-only tools share); built-in ones are skipped. */
    static final List<String> WANTED = List.of("virtio_pci", "virtiofs", "9pnet_virtio", "9p");

    static final byte[] XZ_MAGIC = {(byte) 0xFD, '7', 'z', 'X', 'Z', 0};
    static final byte[] ZSTD_MAGIC = {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD};

    /** Finds the compressed payload in a bzImage and decompresses it to the ELF vmlinux. */
    static void extractVmlinux(Path bzImage, Path out) throws IOException {
        byte[] img = Files.readAllBytes(bzImage);
        for (byte[] magic : List.of(XZ_MAGIC, ZSTD_MAGIC)) {
            for (int at = indexOf(img, magic, 0); at >= 0; at = indexOf(img, magic, at + 1)) {
                String tool = magic == XZ_MAGIC ? "xz" : "zstd";
                byte[] elf = decompress(tool, img, at);
                if (elf.length > 4 && elf[0] == 0x7f && elf[1] == 'E' && elf[2] == 'L' && elf[3] == 'F') {
                    Files.write(out, elf);
                    return;
                }
            }
        }
        throw new IOException("no xz or zstd payload with an ELF kernel in " + bzImage);
    }

    /** Decompresses from {@code offset}; trailing bytes after the stream make the tools complain, harmlessly. */
    private static byte[] decompress(String tool, byte[] data, int offset) throws IOException {
        Process p = new ProcessBuilder(tool, "-dc", "-q").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Thread feeder = Thread.ofPlatform().start(() -> {
            try (OutputStream os = p.getOutputStream()) {
                os.write(data, offset, data.length - offset);
            } catch (IOException e) {
                // the tool stops reading at the end of its stream
            }
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream is = p.getInputStream()) {
            is.transferTo(out);
        }
        try {
            p.waitFor();
            feeder.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out.toByteArray();
    }

    static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    /** A module's {@code depends=} from its .modinfo section. */
    static List<String> dependsOf(byte[] ko) {
        byte[] key = "depends=".getBytes(StandardCharsets.US_ASCII);
        for (int at = indexOf(ko, key, 0); at >= 0; at = indexOf(ko, key, at + 1)) {
            if (at > 0 && ko[at - 1] != 0) continue; // must start a modinfo string
            int end = at + key.length;
            while (end < ko.length && ko[end] != 0) end++;
            String deps = new String(ko, at + key.length, end - at - key.length, StandardCharsets.US_ASCII);
            List<String> out = new ArrayList<>();
            for (String d : deps.split(",")) if (!d.isBlank()) out.add(d.strip());
            return out;
        }
        return List.of();
    }

    static String moduleName(Path p) {
        String n = p.getFileName().toString();
        n = n.substring(0, n.indexOf(".ko"));
        return n.replace('-', '_');
    }

    /**
     * The wanted modules and everything they depend on, dependencies first, decompressed into
     * {@code outDir}. A wanted module that is neither a file nor listed in modules.builtin is an error.
     */
    static List<Path> collectModules(Path moduleTree, Path outDir) throws IOException {
        Map<String, Path> byName = new HashMap<>();
        try (Stream<Path> s = Files.walk(moduleTree)) {
            s.filter(p -> p.getFileName().toString().matches(".*\\.ko(\\.xz|\\.zst)?")).forEach(p -> byName.put(moduleName(p), p));
        }
        Set<String> builtin = new HashSet<>();
        Path builtinList = moduleTree.resolve("modules.builtin");
        if (Files.exists(builtinList)) {
            for (String l : Files.readAllLines(builtinList)) builtin.add(moduleName(Path.of(l)));
        }
        LinkedHashSet<String> ordered = new LinkedHashSet<>();
        Map<String, byte[]> contents = new HashMap<>();
        for (String want : WANTED) {
            if (!byName.containsKey(want)) {
                if (builtin.contains(want)) continue;
                throw new IOException("module " + want + " is neither built in nor in " + moduleTree);
            }
            visit(want, byName, contents, ordered, new LinkedHashSet<>());
        }
        Files.createDirectories(outDir);
        List<Path> out = new ArrayList<>();
        for (String m : ordered) {
            Path dst = outDir.resolve(m + ".ko");
            Files.write(dst, contents.get(m));
            out.add(dst);
        }
        return out;
    }

    private static void visit(String name, Map<String, Path> byName, Map<String, byte[]> contents,
                              LinkedHashSet<String> ordered, Set<String> path) throws IOException {
        if (ordered.contains(name)) return;
        if (!path.add(name)) throw new IOException("module dependency cycle at " + name);
        Path file = byName.get(name);
        if (file == null) throw new IOException("module " + name + " not found");
        byte[] ko = readModule(file);
        contents.put(name, ko);
        for (String dep : dependsOf(ko)) visit(dep.replace('-', '_'), byName, contents, ordered, path);
        ordered.add(name);
    }

    private static byte[] readModule(Path file) throws IOException {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".ko")) return Files.readAllBytes(file);
        String tool = n.endsWith(".xz") ? "xz" : "zstd";
        byte[] data = Files.readAllBytes(file);
        return decompress(tool, data, 0);
    }

    static GuestKernel unpack(String series, String pkg, String version, Path deb, Path dir) throws IOException {
        Path tree = dir.resolve("tree");
        Files.createDirectories(tree);
        Shell.check(null, 600, "dpkg-deb", "-x", deb.toString(), tree.toString());
        Path bz;
        try (Stream<Path> s = Files.list(tree.resolve("boot"))) {
            bz = s.filter(p -> p.getFileName().toString().startsWith("vmlinuz-")).findFirst()
                    .orElseThrow(() -> new IOException("no vmlinuz in " + deb));
        }
        Path vmlinux = dir.resolve("vmlinux");
        extractVmlinux(bz, vmlinux);
        String release = bz.getFileName().toString().substring("vmlinuz-".length());
        Path modTree = Files.isDirectory(tree.resolve("lib/modules/" + release)) ? tree.resolve("lib/modules/" + release)
                : tree.resolve("usr/lib/modules/" + release);
        List<Path> modules = collectModules(modTree, dir.resolve("modules"));
        return new GuestKernel(series, pkg, version, vmlinux, modules);
    }
}
