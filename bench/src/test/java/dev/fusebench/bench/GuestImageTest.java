package dev.fusebench.bench;

import dev.fusebench.bench.guest.GuestImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class GuestImageTest {
    @TempDir Path tmp;

    @Test
    void keepsTheNewestImagesOfASeriesOnly() throws Exception {
        Path guest = Files.createDirectories(tmp.resolve("guest"));
        for (int i = 0; i < 5; i++) {
            Path d = Files.createDirectories(guest.resolve("6.1-00" + i + "abc"));
            Files.writeString(d.resolve("image.json"), "{}");
            Files.setLastModifiedTime(d.resolve("image.json"), FileTime.fromMillis(1_000_000L * (i + 1)));
        }
        Path other = Files.createDirectories(guest.resolve("6.12-00aa"));
        Files.writeString(other.resolve("image.json"), "{}");
        Files.setLastModifiedTime(other.resolve("image.json"), FileTime.fromMillis(1));
        Path current = guest.resolve("6.1-004abc");
        GuestImage.pruneOlderImages(current, 3);
        try (var s = Files.list(guest)) {
            assertEquals(List.of("6.1-002abc", "6.1-003abc", "6.1-004abc", "6.12-00aa"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
