package dev.fusebench.devfuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Reads /proc/self/mountinfo: is a path a mount point, and which device backs it. */
public final class MountTable {
    private MountTable() {}

    /** One mountinfo line's fields we use. */
    public record Mount(String device, Path mountPoint, String fsType) {
        /** The device's minor number: the id of a FUSE connection under /sys/fs/fuse/connections. */
        public int minor() { return Integer.parseInt(device.substring(device.indexOf(':') + 1)); }
    }

    /** The topmost mount at exactly {@code mountPoint}, if any. */
    public static Optional<Mount> at(Path mountPoint) throws IOException {
        Path want = mountPoint.toAbsolutePath().normalize();
        Mount found = null;
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            if (f.length < 10) continue;
            int sep = 6;
            while (sep < f.length && !f[sep].equals("-")) sep++;
            if (sep + 1 >= f.length) continue;
            Path mp = Path.of(unescape(f[4]));
            if (mp.equals(want)) found = new Mount(f[2], mp, f[sep + 1]);
        }
        return Optional.ofNullable(found);
    }

    /** Every mount point at or beneath {@code dir}, deepest first (the order to unmount them in). */
    public static List<Path> under(Path dir) throws IOException {
        Path top = dir.toAbsolutePath().normalize();
        List<Path> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            if (f.length < 5) continue;
            Path mp = Path.of(unescape(f[4]));
            if (mp.startsWith(top) && !out.contains(mp)) out.add(mp);
        }
        out.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        return out;
    }

    /** mountinfo escapes space, tab, newline and backslash as octal. */
    static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                try {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                    i += 3;
                    continue;
                } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                    // not an escape
                }
            }
            b.append(c);
        }
        return b.toString();
    }
}
