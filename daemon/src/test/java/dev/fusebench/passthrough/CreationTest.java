package dev.fusebench.passthrough;

import dev.fusebench.fuse.NegotiationSettings;
import dev.fusebench.sys.Flags;
import dev.fusebench.testing.Requests;
import dev.fusebench.testing.ServerHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

import static dev.fusebench.testing.Requests.KERNEL_FLAGS;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Files, directories and nodes are created with exactly the mode the request asks for (the
 * request's umask applied when DONT_MASK was negotiated, as the kernel then leaves it to us),
 * as the caller, so setgid directories and setgid requests behave as on the host, and without
 * changing the daemon process's umask.
 */
class CreationTest {
    @TempDir Path tmp;
    Path shared;
    PassthroughFs fs;
    ServerHarness h;
    /** Requests run on a thread of their own, as a queue's would: the test thread keeps its umask. */
    final ExecutorService queue = Executors.newSingleThreadExecutor();

    void start(NegotiationSettings settings) throws Exception {
        shared = Files.createDirectories(tmp.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        fs = new PassthroughFs(shared, CachePolicy.NEVER);
        h = queue.submit(() -> new ServerHarness(fs, settings)).get();
        assertEquals(0, call(Requests.init(38, KERNEL_FLAGS)).error());
    }

    ServerHarness.Reply call(byte[] request) throws Exception {
        return queue.submit(() -> h.call(request)).get();
    }

    @AfterEach
    void tearDown() throws IOException {
        queue.shutdownNow();
        if (h != null) h.close();
        if (fs != null) fs.close();
    }

    int mode(String name) throws IOException { return (int) Files.getAttribute(shared.resolve(name), "unix:mode") & 07777; }

    int attr(String name, String a) throws IOException { return (int) Files.getAttribute(shared.resolve(name), "unix:" + a); }

    @Test
    void withDontMaskTheRequestsUmaskIsApplied() throws Exception {
        start(NegotiationSettings.MAX_PAGES.with("+DONT_MASK"));
        assertEquals(0, call(Requests.create(1, "f", Flags.O_RDWR, 0100666, 022)).error());
        assertEquals(0, call(Requests.mkdir(1, "d", 040777, 027)).error());
        assertEquals(0, call(Requests.mknod(1, "p", 010666, 077)).error());
        assertEquals(0644, mode("f"));
        assertEquals(0750, mode("d"));
        assertEquals(0600, mode("p"));
    }

    @Test
    void withoutDontMaskTheModeIsTakenAsItComesAndTheProcessUmaskIsUntouched() throws Exception {
        String processUmask = umask("/proc/self/status"); // the thread group leader's: the process's
        assertNotEquals("0000", processUmask, "the test needs a non-zero umask to tell");
        start(NegotiationSettings.MAX_PAGES);
        // the kernel has applied the caller's umask already; ours must not apply another
        assertEquals(0, call(Requests.create(1, "f", Flags.O_RDWR, 0100666, 022)).error());
        assertEquals(0, call(Requests.mkdir(1, "d", 040777, 022)).error());
        assertEquals(0666, mode("f"));
        assertEquals(0777, mode("d"));
        assertEquals("0000", queue.submit(() -> umask("/proc/thread-self/status")).get(), "the serving thread's own umask");
        assertEquals(processUmask, umask("/proc/self/status"), "the process's umask stays as it was");
    }

    static String umask(String status) throws IOException {
        return Files.readAllLines(Path.of(status)).stream().filter(l -> l.startsWith("Umask:")).findFirst().orElseThrow()
                .substring("Umask:".length()).strip();
    }

    @Test
    void filesAreTheCallersFromTheStart() throws Exception {
        start(NegotiationSettings.MAX_PAGES);
        assertEquals(0, call(Requests.asUser(Requests.create(1, "f", Flags.O_RDWR, 0100644), 1234, 2345)).error());
        assertEquals(0, call(Requests.asUser(Requests.mkdir(1, "d", 040755), 1234, 2345)).error());
        assertEquals(0, call(Requests.asUser(Requests.symlink(1, "l", "f"), 1234, 2345)).error());
        for (String n : new String[]{"f", "d"}) {
            assertEquals(1234, attr(n, "uid"), n);
            assertEquals(2345, attr(n, "gid"), n);
        }
        assertEquals(1234, (int) Files.getAttribute(shared.resolve("l"), "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aSetgidDirectoryGivesItsGroupAndAStrangerCannotSetgid() throws Exception {
        start(NegotiationSettings.MAX_PAGES);
        Path g = Files.createDirectory(shared.resolve("g"));
        Files.setAttribute(g, "unix:gid", 50);
        Files.setAttribute(g, "unix:mode", 02777);
        ServerHarness.Reply l = call(Requests.lookup(1, "g"));
        long dir = l.u64(0);
        assertEquals(0, call(Requests.asUser(Requests.create(dir, "f", Flags.O_RDWR, 0102755), 1234, 2345)).error());
        assertEquals(0, call(Requests.asUser(Requests.mkdir(dir, "sub", 040755), 1234, 2345)).error());
        assertEquals(50, attr("g/f", "gid"), "the directory's group, as on the host");
        assertEquals(0755, mode("g/f"), "S_ISGID stripped: the caller is not in group 50");
        assertEquals(50, attr("g/sub", "gid"));
        assertEquals(02755, mode("g/sub"), "a subdirectory inherits S_ISGID");
    }

    @Test
    void rootCreatesAsRoot() throws Exception {
        start(NegotiationSettings.MAX_PAGES);
        assertEquals(0, call(Requests.create(1, "f", Flags.O_RDWR, 0104755)).error());
        assertEquals(04755, mode("f"));
        assertEquals(0, attr("f", "uid"));
    }
}
