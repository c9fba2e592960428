package dev.fusebench.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/** Removing a directory tree we made (work and scratch directories), deepest entries first. */
public final class Trees {
    private Trees() {}

    /** Deletes {@code root} and everything under it; symlinks are removed, never followed. Nothing there is fine. */
    public static void delete(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) return;
        List<Path> all;
        try (var s = Files.walk(root)) {
            all = s.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : all) Files.deleteIfExists(p);
    }
}
