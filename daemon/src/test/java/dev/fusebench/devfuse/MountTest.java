package dev.fusebench.devfuse;

import dev.fusebench.fuse.NegotiationSettings;
import dev.fusebench.sys.Flags;
import dev.fusebench.sys.Libc;
import dev.fusebench.testing.MountedFs;
import dev.fusebench.passthrough.CachePolicy;
import dev.fusebench.passthrough.XattrPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static dev.fusebench.testing.MountedFs.sh;
import static org.junit.jupiter.api.Assertions.*;

/** Ordinary file operations on a real /dev/fuse mount of the Java daemon, checked against the host directory. */
@Timeout(120)
class MountTest {
    @TempDir Path tmp;
    MountedFs m;
    Path mnt, shared;

    @BeforeEach
    void mount() throws IOException {
        m = new MountedFs(tmp, NegotiationSettings.MAX_PAGES, CachePolicy.AUTO, XattrPolicy.RESTRICTED);
        mnt = m.mount;
        shared = m.shared;
    }

    @AfterEach
    void unmount() throws IOException {
        m.close();
        assertTrue(MountTable.at(mnt).isEmpty(), "unmounted");
    }

    /** --capture keeps raw requests, every user's WRITE data among them: readable by root alone. */
    @Test
    void capturedRequestsAreRootsAlone() throws IOException {
        Path captures = tmp.resolve("captures");
        try (MountedFs c = new MountedFs(tmp.resolve("cap"), NegotiationSettings.MAX_PAGES, CachePolicy.AUTO, XattrPolicy.OFF, captures)) {
            Files.writeString(c.mount.resolve("secret.txt"), "someone's data");
        }
        List<Path> files;
        try (var s = Files.list(captures)) { files = s.toList(); }
        assertTrue(files.stream().anyMatch(f -> f.getFileName().toString().startsWith("WRITE-")), "a WRITE was captured: " + files);
        for (Path f : files) {
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
        }
    }

    @Test
    void createWriteReadAppendTruncate() throws IOException {
        Path f = mnt.resolve("f.txt");
        Files.writeString(f, "hello");
        assertEquals("hello", Files.readString(shared.resolve("f.txt")));
        Files.writeString(f, " world", StandardOpenOption.APPEND);
        assertEquals("hello world", Files.readString(f));
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(5);
        }
        assertEquals("hello", Files.readString(shared.resolve("f.txt")));
        assertEquals(5, Files.size(f));
        byte[] big = new byte[3 * 1024 * 1024 + 123];
        new Random(1).nextBytes(big);
        Files.write(mnt.resolve("big"), big);
        assertArrayEquals(big, Files.readAllBytes(shared.resolve("big")));
        assertArrayEquals(big, Files.readAllBytes(mnt.resolve("big")));
    }

    @Test
    void renameUnlinkMkdirRmdir() throws IOException {
        Files.writeString(mnt.resolve("a"), "A");
        Files.createDirectory(mnt.resolve("d"));
        Files.move(mnt.resolve("a"), mnt.resolve("d/b"));
        assertEquals("A", Files.readString(shared.resolve("d/b")));
        assertFalse(Files.exists(shared.resolve("a")));
        Files.delete(mnt.resolve("d/b"));
        Files.delete(mnt.resolve("d"));
        assertFalse(Files.exists(shared.resolve("d")));
        assertThrows(java.nio.file.NoSuchFileException.class, () -> Files.delete(mnt.resolve("d")));
    }

    @Test
    void rename2NoReplaceAndExchange() throws IOException {
        Files.writeString(mnt.resolve("x"), "X");
        Files.writeString(mnt.resolve("y"), "Y");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment x = a.allocateFrom(mnt.resolve("x").toString());
            MemorySegment y = a.allocateFrom(mnt.resolve("y").toString());
            assertEquals(-dev.fusebench.sys.Errno.EEXIST, Libc.renameat2(Flags.AT_FDCWD, x, Flags.AT_FDCWD, y, Flags.RENAME_NOREPLACE));
            assertEquals(0, Libc.renameat2(Flags.AT_FDCWD, x, Flags.AT_FDCWD, y, Flags.RENAME_EXCHANGE));
        }
        assertEquals("Y", Files.readString(shared.resolve("x")));
        assertEquals("X", Files.readString(shared.resolve("y")));
    }

    @Test
    void readdirOfTwoThousandEntries() throws Exception {
        Set<String> want = new TreeSet<>();
        for (int i = 0; i < 2000; i++) {
            String name = "entry-with-a-longish-name-" + i;
            Files.createFile(shared.resolve(name));
            want.add(name);
        }
        Set<String> got = new TreeSet<>();
        try (Stream<Path> s = Files.list(mnt)) {
            s.forEach(p -> got.add(p.getFileName().toString()));
        }
        assertEquals(want, got);
        String ls = sh(mnt, "ls", "-1a");
        assertEquals(2002, ls.lines().count(), "ls -a lists 2000 entries plus . and ..");
    }

    @Test
    void symlinkReadlinkLink() throws IOException {
        Files.writeString(mnt.resolve("target"), "T");
        Files.createSymbolicLink(mnt.resolve("sym"), Path.of("target"));
        assertEquals(Path.of("target"), Files.readSymbolicLink(mnt.resolve("sym")));
        assertTrue(Files.isSymbolicLink(shared.resolve("sym")));
        assertEquals("T", Files.readString(mnt.resolve("sym")));
        Files.createLink(mnt.resolve("hard"), mnt.resolve("target"));
        assertEquals(2, Files.getAttribute(shared.resolve("target"), "unix:nlink"));
        assertEquals(Files.getAttribute(mnt.resolve("hard"), "unix:ino"), Files.getAttribute(mnt.resolve("target"), "unix:ino"));
    }

    @Test
    void chmodChownUtimens() throws Exception {
        Path f = mnt.resolve("perm");
        Files.writeString(f, "p");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(shared.resolve("perm"))));
        try (Arena a = Arena.ofConfined()) {
            assertEquals(0, Libc.fchownat(Flags.AT_FDCWD, a.allocateFrom(f.toString()), 1234, 5678, 0));
        }
        assertEquals(1234, Files.getAttribute(shared.resolve("perm"), "unix:uid"));
        assertEquals(5678, Files.getAttribute(shared.resolve("perm"), "unix:gid"));
        FileTime t = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(f, t);
        assertEquals(t, Files.getLastModifiedTime(shared.resolve("perm")));
        Files.createSymbolicLink(mnt.resolve("lnk"), Path.of("perm"));
        sh(mnt, "touch", "-h", "-d", "2001-02-03 04:05:06", "lnk");
        assertEquals(Files.getLastModifiedTime(shared.resolve("lnk"), java.nio.file.LinkOption.NOFOLLOW_LINKS),
                Files.getLastModifiedTime(mnt.resolve("lnk"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void statfsMatchesTheHost() throws IOException {
        var mstore = Files.getFileStore(mnt);
        var hstore = Files.getFileStore(shared);
        assertEquals(hstore.getTotalSpace(), mstore.getTotalSpace());
        assertEquals(hstore.getBlockSize(), mstore.getBlockSize());
    }

    @Test
    void extendedAttributes() throws IOException {
        Path f = mnt.resolve("x");
        Files.writeString(f, "x");
        UserDefinedFileAttributeView v = Files.getFileAttributeView(f, UserDefinedFileAttributeView.class);
        v.write("color", StandardCharsets.UTF_8.encode("blue"));
        UserDefinedFileAttributeView hv = Files.getFileAttributeView(shared.resolve("x"), UserDefinedFileAttributeView.class);
        ByteBuffer b = ByteBuffer.allocate(16);
        hv.read("color", b);
        assertEquals("blue", new String(b.array(), 0, b.position(), StandardCharsets.UTF_8));
        assertEquals(List.of("color"), v.list());
        v.delete("color");
        assertEquals(List.of(), hv.list());
        // security.* and trusted.* give privilege on the host: refused even to the guest's root
        assertEquals(-dev.fusebench.sys.Errno.EPERM, MountedFs.setxattr(f, "trusted.x", new byte[]{1}));
        assertEquals(-dev.fusebench.sys.Errno.EPERM, MountedFs.setxattr(f, "security.capability", vfsCapV2()));
        assertEquals(0, MountedFs.setxattr(f, "user.ok", new byte[]{1}));
    }

    /** A well-formed security.capability value (VFS_CAP_REVISION_2, CAP_CHOWN permitted): the kernel checks it. */
    static byte[] vfsCapV2() {
        return ByteBuffer.allocate(20).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(0x02000000).putInt(1).putInt(0).putInt(0).putInt(0).array();
    }

    @Test
    void fallocateAndSeekDataHole() throws Exception {
        sh(mnt, "fallocate", "-l", "1M", "alloc");
        assertEquals(1 << 20, Files.size(shared.resolve("alloc")));
        Path sparse = mnt.resolve("sparse");
        try (FileChannel ch = FileChannel.open(sparse, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[4096]), 4 << 20);
        }
        long[] viaMount = seekDataHole(sparse);
        long[] onHost = seekDataHole(shared.resolve("sparse"));
        assertArrayEquals(onHost, viaMount);
        assertEquals(4 << 20, viaMount[0], "first data after the 4 MiB hole");
    }

    private static long[] seekDataHole(Path p) {
        try (Arena a = Arena.ofConfined()) {
            int fd = Libc.openat(Flags.AT_FDCWD, a.allocateFrom(p.toString()), Flags.O_RDONLY, 0);
            assertTrue(fd >= 0, "open " + p + ": " + fd);
            try {
                return new long[]{Libc.lseek(fd, 0, Flags.SEEK_DATA), Libc.lseek(fd, 0, Flags.SEEK_HOLE)};
            } finally {
                Libc.close(fd);
            }
        }
    }

    /** A tree with subdirectories, modes, a symlink, a hard link and a file bigger than max_pages. */
    static Path makeTree(Path root) throws IOException {
        Random r = new Random(7);
        Files.createDirectories(root.resolve("a/b/c"));
        for (int i = 0; i < 30; i++) {
            byte[] data = new byte[r.nextInt(300_000)];
            r.nextBytes(data);
            Files.write(root.resolve((i % 3 == 0 ? "a/b/c/" : i % 3 == 1 ? "a/" : "") + "file" + i), data);
        }
        Files.write(root.resolve("a/large"), new byte[5 * 1024 * 1024 + 17]);
        Files.setPosixFilePermissions(root.resolve("a/file1"), PosixFilePermissions.fromString("rwx------"));
        Files.createSymbolicLink(root.resolve("a/link"), Path.of("b/c/file0"));
        Files.createLink(root.resolve("hard"), root.resolve("file2"));
        return root;
    }

    @Test
    void copyTreeInAndDiff() throws Exception {
        Path src = makeTree(tmp.resolve("src"));
        sh(tmp, "cp", "-a", src.toString(), mnt.resolve("copy").toString());
        sh(tmp, "diff", "-r", "--no-dereference", src.toString(), mnt.resolve("copy").toString());
        sh(tmp, "diff", "-r", "--no-dereference", src.toString(), shared.resolve("copy").toString());
        assertTrue(Files.isSymbolicLink(shared.resolve("copy/a/link")));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(shared.resolve("copy/a/file1"))));
    }

    @Test
    void tarRoundTrip() throws Exception {
        Path src = makeTree(tmp.resolve("src"));
        Path tar = tmp.resolve("t.tar");
        sh(tmp, "tar", "-C", src.toString(), "-cf", tar.toString(), ".");
        Files.createDirectory(mnt.resolve("untar"));
        sh(tmp, "tar", "-C", mnt.resolve("untar").toString(), "-xf", tar.toString());
        Path back = tmp.resolve("t2.tar");
        sh(tmp, "tar", "-C", mnt.resolve("untar").toString(), "-cf", back.toString(), ".");
        Path out = Files.createDirectory(tmp.resolve("out"));
        sh(tmp, "tar", "-C", out.toString(), "-xf", back.toString());
        sh(tmp, "diff", "-r", "--no-dereference", src.toString(), out.toString());
        sh(tmp, "diff", "-r", "--no-dereference", src.toString(), shared.resolve("untar").toString());
    }

    @Test
    void manyFilesOpenAtOnceAndForgotten() throws IOException {
        List<FileChannel> open = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                open.add(FileChannel.open(mnt.resolve("o" + i), StandardOpenOption.CREATE, StandardOpenOption.WRITE));
            }
        } finally {
            for (FileChannel c : open) c.close();
        }
        assertEquals(200, Files.list(shared).count());
        try (var s = Files.list(mnt)) {
            s.forEach(p -> assertDoesNotThrow(() -> Files.delete(p)));
        }
        assertEquals(0, Files.list(shared).count());
    }
}
