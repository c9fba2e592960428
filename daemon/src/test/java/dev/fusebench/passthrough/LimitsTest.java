package dev.fusebench.passthrough;

import dev.fusebench.fuse.DirSink;
import dev.fusebench.fuse.Entry;
import dev.fusebench.fuse.FileSystem;
import dev.fusebench.fuse.NegotiationSettings;
import dev.fusebench.fuse.Opened;
import dev.fusebench.sys.Errno;
import dev.fusebench.testing.Requests;
import dev.fusebench.testing.ServerHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.fusebench.testing.Requests.KERNEL_FLAGS;
import static org.junit.jupiter.api.Assertions.*;

/** What a guest can make the daemon hold: lookups it forgets, descriptors it keeps, a directory handle it shares. */
class LimitsTest {
    @TempDir Path tmp;
    Path shared;
    PassthroughFs fs;
    ServerHarness h;

    @BeforeEach
    void setUp() throws IOException {
        shared = Files.createDirectories(tmp.resolve("shared"));
        fs = new PassthroughFs(shared, CachePolicy.NEVER);
        h = new ServerHarness(fs, NegotiationSettings.MAX_PAGES);
        assertEquals(0, h.init(KERNEL_FLAGS).error());
    }

    @AfterEach
    void tearDown() throws IOException {
        h.close();
        fs.close();
    }

    /** nlookup is a u64: 2^64-1 forgets every lookup (read as signed, it pinned the inode for ever). */
    @Test
    void forgetWithTheLargestCountForgets() throws IOException {
        Files.writeString(shared.resolve("f"), "x");
        long node = h.call(Requests.lookup(1, "f")).u64(0);
        h.call(Requests.lookup(1, "f"));
        h.call(Requests.forget(node, -1L)); // 0xffffffffffffffff
        assertEquals(-Errno.ESTALE, h.call(Requests.getattr(node)).error(), "the inode is gone");
    }

    /**
     * Past the guest's descriptor budget, new lookups and opens get ENFILE and the daemon's reserve
     * stays free; forgetting gives the room back.
     */
    @Test
    void theGuestsDescriptorsStopShortOfTheLimit() throws IOException {
        for (int i = 0; i < 20; i++) Files.writeString(shared.resolve("f" + i), "x");
        long before = GuestDescriptors.limit();
        GuestDescriptors.limit(GuestDescriptors.held() + 10);
        try {
            List<Long> nodes = new ArrayList<>();
            int refused = 0;
            for (int i = 0; i < 20; i++) {
                ServerHarness.Reply r = h.call(Requests.lookup(1, "f" + i));
                if (r.error() == 0) nodes.add(r.u64(0));
                else { assertEquals(-Errno.ENFILE, r.error()); refused++; }
            }
            assertEquals(10, nodes.size());
            assertEquals(10, refused);
            assertEquals(-Errno.ENFILE, h.call(Requests.opendir(1)).error(), "no handle either");
            for (long n : nodes) h.call(Requests.forget(n, 1));
            assertEquals(0, h.call(Requests.lookup(1, "f19")).error(), "forgotten lookups give the room back");
        } finally {
            GuestDescriptors.limit(before);
        }
    }

    /** Two READDIRs of one handle at once (two queues): each lists every entry once. */
    @Test
    void concurrentReaddirsOfOneHandleSeeEachEntryOnce() throws Exception {
        Path d = Files.createDirectory(shared.resolve("many"));
        for (int i = 0; i < 3000; i++) Files.createFile(d.resolve("entry-with-a-longish-name-" + i));
        Arena arena = Arena.ofShared();
        Entry e = new Entry(arena);
        assertEquals(0, fs.lookup(null, FileSystem.ROOT, arena.allocateFrom("many"), e));
        Opened o = new Opened();
        assertEquals(0, fs.opendir(null, e.nodeid, 0, o));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 10; round++) {
                List<Future<Map<String, Integer>>> lists = new ArrayList<>();
                for (int t = 0; t < 2; t++) lists.add(pool.submit(() -> listAll(e.nodeid, o.fh)));
                for (Future<Map<String, Integer>> f : lists) {
                    Map<String, Integer> seen = f.get();
                    assertEquals(3002, seen.size(), "every entry, '.' and '..'");
                    assertTrue(seen.values().stream().allMatch(n -> n == 1), "each once");
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(-Errno.EBADF, fs.readdir(null, FileSystem.ROOT, o.fh, 0, false, new Collect(new HashMap<>())),
                "another directory's node id with this handle");
    }

    private Map<String, Integer> listAll(long nodeid, long fh) {
        Map<String, Integer> seen = new HashMap<>();
        Collect c = new Collect(seen);
        long offset = 0;
        while (true) {
            c.added = 0;
            int r = fs.readdir(null, nodeid, fh, offset, false, c);
            if (r < 0) throw new AssertionError("readdir: " + Errno.name(-r));
            if (c.added == 0) return seen;
            offset = c.lastOffset;
        }
    }

    /** A sink of 4 KiB replies that counts names. */
    static final class Collect implements DirSink {
        final Map<String, Integer> seen;
        int used, added;
        long lastOffset;

        Collect(Map<String, Integer> seen) { this.seen = seen; }

        @Override public boolean fits(int nameLength) {
            if (added == 0) used = 0;
            return used + 24 + ((nameLength + 7) & ~7) <= 4096;
        }
        @Override public int capacity() { return 4096; }
        @Override public Entry entry() { throw new UnsupportedOperationException(); }
        @Override public void add(long ino, long offset, int type, MemorySegment names, long nameAt, int nameLength, boolean withEntry) {
            byte[] b = names.asSlice(nameAt, nameLength).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            seen.merge(new String(b, StandardCharsets.UTF_8), 1, Integer::sum);
            used += 24 + ((nameLength + 7) & ~7);
            added++;
            lastOffset = offset;
        }
    }
}
