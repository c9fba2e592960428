package dev.fusebench.bench;

import dev.fusebench.bench.results.RunResult;
import dev.fusebench.bench.daemons.JavaDaemon;
import dev.fusebench.bench.daemons.VirtioFsDaemon;
import dev.fusebench.bench.daemons.VirtiofsdRust;
import dev.fusebench.bench.guest.GuestImage;
import dev.fusebench.bench.run.GuestRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Setuid and setgid in a real 6.1 guest (guest-workloads/killpriv.sh): a write or truncate by an
 * unprivileged user clears them (setgid only with group-execute), root's keep them, on the Java
 * daemon with both cache modes, with and without HANDLE_KILLPRIV_V2.
 */
@Timeout(900)
class KillPrivGuestTest {
    static final Path REPO = GuestBootTest.REPO, WORKLOADS = GuestBootTest.WORKLOADS;
    static GuestImage image;
    @TempDir Path tmp;

    @BeforeAll
    static void image() throws Exception {
        image = GuestImage.obtain("6.1", GuestImage.defaultCache(), WORKLOADS.resolve("init"));
    }

    /** The modes the script logged, file name -> octal mode. */
    static Map<String, String> modes(VirtioFsDaemon d, String variant, Path work) throws Exception {
        var spec = new GuestRun.Spec(d, variant, GuestBootTest.config(false), List.of("killpriv"), WORKLOADS, 300);
        RunResult r = GuestRun.run(spec, image, work).getFirst();
        assertEquals("ok", r.status(), () -> r.failure() + "\n" + r.consoleTail());
        String log = Files.readString(work.resolve("share").resolve("killpriv.log"));
        assertTrue(log.contains("KILLPRIV-SCRIPT-DONE"), "the script ran to its end:\n" + log);
        assertTrue(log.contains("uid 65534"), "the unprivileged user really is unprivileged:\n" + log);
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : log.split("\n")) {
            String[] f = line.strip().split(" ");
            if (f.length == 2 && f[1].matches("[0-7]+") && !f[0].equals("uid")) m.put(f[0], f[1]);
        }
        return m;
    }

    static final Map<String, String> LOCAL_FS = Map.of("w-suid", "777", "w-sgid", "777", "w-sgid-nx", "2767", "rw-sgid", "777",
            "t-suid", "777", "o-suid", "777", "root-w", "4777", "root-t", "4777");

    void assertLikeALocalFileSystem(String cache, String variant) throws Exception {
        Map<String, String> m = modes(new JavaDaemon(cache), variant, tmp.resolve(cache + "-" + variant.replace(':', '_')));
        assertEquals(new java.util.TreeMap<>(LOCAL_FS), new java.util.TreeMap<>(m), "--cache " + cache + ", variant " + variant);
    }

    @Test
    void directIo() throws Exception { assertLikeALocalFileSystem("never", "max-pages"); }

    @Test
    void pageCache() throws Exception { assertLikeALocalFileSystem("auto", "max-pages"); }

    @Test
    void directIoWithKillprivV2() throws Exception { assertLikeALocalFileSystem("never", "kp2:+HANDLE_KILLPRIV_V2"); }

    @Test
    void pageCacheWithKillprivV2() throws Exception { assertLikeALocalFileSystem("auto", "kp2:+HANDLE_KILLPRIV_V2"); }

    /**
     * What the reference implementation does in the same guest (the README states it): without
     * --killpriv-v2 it clears nothing on a write or a truncating open, only on truncate(2), where
     * the kernel sends the new mode itself; with it, it behaves as a local file system.
     */
    @Test
    void rustVirtiofsd() throws Exception {
        Map<String, String> plain = modes(new VirtiofsdRust(GuestImage.defaultCache()), "max-pages", tmp.resolve("rust"));
        Map<String, String> v2 = modes(new VirtiofsdRust(GuestImage.defaultCache(), List.of("--killpriv-v2")), "max-pages", tmp.resolve("rust-v2"));
        assertEquals(new java.util.TreeMap<>(LOCAL_FS), new java.util.TreeMap<>(v2), "--killpriv-v2");
        Map<String, String> keeps = new java.util.TreeMap<>(LOCAL_FS);
        keeps.putAll(Map.of("w-suid", "4777", "w-sgid", "2777", "rw-sgid", "2777", "o-suid", "4777"));
        assertEquals(keeps, new java.util.TreeMap<>(plain), "without --killpriv-v2");
    }
}
