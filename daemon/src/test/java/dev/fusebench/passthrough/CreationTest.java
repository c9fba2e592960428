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

    /** A host ACL that denies the caller wins: no second try as root, no file. */
    @Test
    void aHostAclDenyingTheCallerIsHonoured() throws Exception {
        start(NegotiationSettings.MAX_PAGES);
        Path d = Files.createDirectory(shared.resolve("acl"));
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxrwxrwx"));
        denyUser(d, 1234);
        long dir = call(Requests.lookup(1, "acl")).u64(0);
        assertEquals(-dev.fusebench.sys.Errno.EACCES, call(Requests.asUser(Requests.create(dir, "f", Flags.O_RDWR, 0100644), 1234, 2345)).error());
        assertEquals(-dev.fusebench.sys.Errno.EACCES, call(Requests.asUser(Requests.mkdir(dir, "sub", 040755), 1234, 2345)).error());
        assertFalse(Files.exists(d.resolve("f")), "no file appears");
        assertFalse(Files.exists(d.resolve("sub")));
        assertEquals(0, call(Requests.asUser(Requests.create(dir, "g", Flags.O_RDWR, 0100644), 1235, 2345)).error(), "another user may");
    }

    /**
     * A directory only the caller's supplementary group may write: the group the kernel sends
     * (CREATE_SUPP_GROUP) lets the creation through, as the caller; without it the host says no.
     */
    @Test
    void theSupplementaryGroupTheKernelSendsOpensAGroupDirectory() throws Exception {
        start(NegotiationSettings.MAX_PAGES);
        Path d = Files.createDirectory(shared.resolve("team"));
        Files.setAttribute(d, "unix:gid", 4321);
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxrwx---"));
        long dir = call(Requests.lookup(1, "team")).u64(0);
        assertEquals(-dev.fusebench.sys.Errno.EACCES, call(Requests.asUser(Requests.create(dir, "f", Flags.O_RDWR, 0100644), 1234, 2345)).error());
        assertFalse(Files.exists(d.resolve("f")));
        assertEquals(0, call(Requests.withSuppGroup(Requests.asUser(Requests.create(dir, "f", Flags.O_RDWR, 0100644), 1234, 2345), 4321)).error());
        assertEquals(0, call(Requests.withSuppGroup(Requests.asUser(Requests.mkdir(dir, "sub", 040755), 1234, 2345), 4321)).error());
        for (String n : new String[]{"team/f", "team/sub"}) {
            assertEquals(1234, attr(n, "uid"), n);
            assertEquals(2345, attr(n, "gid"), n + ": the caller's own group (the directory is not setgid)");
        }
        // the next creation on the same thread has no group left over
        assertEquals(-dev.fusebench.sys.Errno.EACCES, call(Requests.asUser(Requests.mkdir(dir, "again", 040755), 1234, 2345)).error());
    }

    /** uid or gid -1 is set*id's "no change": served as is, it would run as root. */
    @Test
    void anIdOfMinusOneIsRefused() throws Exception {
        start(NegotiationSettings.MAX_PAGES);
        assertEquals(-dev.fusebench.sys.Errno.EINVAL, call(Requests.asUser(Requests.create(1, "f", Flags.O_RDWR, 0100644), -1, 2345)).error());
        assertEquals(-dev.fusebench.sys.Errno.EINVAL, call(Requests.asUser(Requests.mkdir(1, "d", 040755), 1234, -1)).error());
        assertFalse(Files.exists(shared.resolve("f")));
        assertFalse(Files.exists(shared.resolve("d")));
    }

    /** A POSIX access ACL (system.posix_acl_access, version 2) that gives {@code uid} nothing and everyone else rwx. */
    static void denyUser(Path dir, int uid) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + 5 * 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(2);
        b.putShort((short) 0x01).putShort((short) 7).putInt(-1);   // ACL_USER_OBJ rwx
        b.putShort((short) 0x02).putShort((short) 0).putInt(uid);  // ACL_USER uid ---
        b.putShort((short) 0x04).putShort((short) 7).putInt(-1);   // ACL_GROUP_OBJ rwx
        b.putShort((short) 0x10).putShort((short) 7).putInt(-1);   // ACL_MASK rwx
        b.putShort((short) 0x20).putShort((short) 7).putInt(-1);   // ACL_OTHER rwx
        try (java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
            int fd = dev.fusebench.sys.Libc.openat(Flags.AT_FDCWD, a.allocateFrom(dir.toString()), Flags.O_RDONLY | Flags.O_DIRECTORY, 0);
            assertTrue(fd >= 0, "open " + dir);
            java.lang.foreign.MemorySegment v = a.allocate(b.capacity());
            v.copyFrom(java.lang.foreign.MemorySegment.ofArray(b.array()));
            int r = dev.fusebench.sys.Libc.fsetxattr(fd, a.allocateFrom("system.posix_acl_access"), v, v.byteSize(), 0);
            dev.fusebench.sys.Libc.close(fd);
            assertEquals(0, r, "setting the ACL: " + dev.fusebench.sys.Libc.strerror(r));
        }
    }
}
