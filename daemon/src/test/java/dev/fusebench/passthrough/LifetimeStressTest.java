package dev.fusebench.passthrough;

import dev.fusebench.fuse.FuseServer;
import dev.fusebench.fuse.NegotiationSettings;
import dev.fusebench.stats.DaemonStats;
import dev.fusebench.sys.Errno;
import dev.fusebench.sys.Flags;
import dev.fusebench.sys.Libc;
import dev.fusebench.testing.Requests;
import dev.fusebench.testing.ServerHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

import static dev.fusebench.testing.Requests.KERNEL_FLAGS;
import static org.junit.jupiter.api.Assertions.*;

/**
 * FORGET and RELEASE on one thread (the high-priority queue's role) against READ, WRITE, LOOKUP
 * and GETATTR on three others (request queues), all on the same node ids and handles, while
 * descriptor numbers are recycled on purpose (decoy files opened and closed in between, filled
 * with a byte no shared file holds). Every reply must be right for the file it names or a clean
 * errno: never a decoy's data, never another file's attributes, no crash.
 */
class LifetimeStressTest {
    static final int FILES = 4, SIZE = 16384, ROUNDS = 3000;
    static final byte DECOY = 'Z';

    @TempDir Path tmp;

    record Open(int file, long nodeid, long fh) {}

    @Test
    @Timeout(120)
    void forgetsAndReleasesNeverLetARequestUseAClosedOrReusedDescriptor() throws Exception {
        Path shared = Files.createDirectories(tmp.resolve("shared"));
        Path decoys = Files.createDirectories(tmp.resolve("decoys"));
        long[] inos = new long[FILES];
        for (int i = 0; i < FILES; i++) {
            Path f = shared.resolve("f" + i);
            byte[] b = new byte[SIZE];
            Arrays.fill(b, (byte) ('A' + i));
            Files.write(f, b);
            inos[i] = (long) Files.getAttribute(f, "unix:ino");
        }
        byte[] decoy = new byte[SIZE];
        Arrays.fill(decoy, DECOY);
        for (int i = 0; i < 8; i++) Files.write(decoys.resolve("d" + i), decoy);

        PassthroughFs fs = new PassthroughFs(shared, CachePolicy.NEVER);
        FuseServer server = new FuseServer(fs, NegotiationSettings.MAX_PAGES, new DaemonStats());
        AtomicReferenceArray<Open> published = new AtomicReferenceArray<>(FILES);
        AtomicBoolean done = new AtomicBoolean();
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        AtomicLong goodReads = new AtomicLong(), cleanErrors = new AtomicLong();
        try (ServerHarness control = new ServerHarness(server)) {
            assertEquals(0, control.init(KERNEL_FLAGS).error());
            List<Thread> queues = new ArrayList<>();
            for (int q = 0; q < 3; q++) {
                int seed = q;
                queues.add(Thread.ofPlatform().name("queue-" + q).start(() -> {
                    try (ServerHarness h = new ServerHarness(server)) {
                        request(h, seed, published, done, wrong, goodReads, cleanErrors, inos);
                    } catch (Throwable t) {
                        wrong.add("queue thread died: " + t);
                    }
                }));
            }
            try (Arena a = Arena.ofConfined()) {
                MemorySegment[] decoyNames = new MemorySegment[8];
                for (int i = 0; i < 8; i++) decoyNames[i] = a.allocateFrom(decoys.resolve("d" + i).toString());
                int[] held = new int[8];
                for (int round = 0; round < ROUNDS && wrong.isEmpty(); round++) {
                    int i = round % FILES;
                    ServerHarness.Reply l = control.call(Requests.lookup(1, "f" + i));
                    assertEquals(0, l.error());
                    long node = l.u64(0);
                    ServerHarness.Reply o = control.call(Requests.open(node, Flags.O_RDWR));
                    assertEquals(0, o.error());
                    published.set(i, new Open(i, node, o.u64(0)));
                    java.util.concurrent.locks.LockSupport.parkNanos(100_000); // the queues use it meanwhile
                    // the high-priority queue's work: release the handle and forget the node while
                    // others may be using them, then take the freed numbers with decoys
                    assertEquals(0, control.call(Requests.release(node, o.u64(0))).error());
                    assertNull(control.call(Requests.forget(node, 1)), "FORGET has no reply");
                    for (int fd : held) if (fd > 0) Libc.close(fd);
                    for (int d = 0; d < held.length; d++) held[d] = Libc.openat(Flags.AT_FDCWD, decoyNames[d], Flags.O_RDWR | Flags.O_CLOEXEC, 0);
                }
                for (int fd : held) if (fd > 0) Libc.close(fd);
            } finally {
                done.set(true);
                for (Thread t : queues) t.join(30_000);
            }
        }
        fs.close();
        assertTrue(wrong.isEmpty(), "wrong replies: " + wrong.stream().limit(5).toList());
        assertTrue(goodReads.get() > 100, "the queues read while handles were live (" + goodReads.get() + " good reads)");
        assertTrue(cleanErrors.get() > 0, "some requests met a released handle or a forgotten node and got an errno");
    }

    private static final Set<Integer> CLEAN = Set.of(Errno.EBADF, Errno.ESTALE);

    private static void request(ServerHarness h, int seed, AtomicReferenceArray<Open> published, AtomicBoolean done,
                                ConcurrentLinkedQueue<String> wrong, AtomicLong good, AtomicLong clean, long[] inos) {
        java.util.Random rnd = new java.util.Random(seed);
        while (!done.get() && wrong.size() < 5) {
            Open o = published.get(rnd.nextInt(FILES));
            if (o == null) continue;
            byte expected = (byte) ('A' + o.file());
            switch (rnd.nextInt(4)) {
                case 0 -> {
                    ServerHarness.Reply r = h.call(Requests.read(o.nodeid(), o.fh(), rnd.nextInt(SIZE / 4096) * 4096L, 4096));
                    if (r.error() != 0) { check(r.error(), "READ", wrong, clean); break; }
                    for (byte b : r.body()) {
                        if (b != expected) { wrong.add("READ of f" + o.file() + " returned byte " + (char) b); return; }
                    }
                    good.incrementAndGet();
                }
                case 1 -> {
                    byte[] same = new byte[512];
                    Arrays.fill(same, expected); // rewrites the file's own bytes: contents never change
                    ServerHarness.Reply r = h.call(Requests.write(o.nodeid(), o.fh(), rnd.nextInt(SIZE / 512) * 512L, same));
                    if (r.error() != 0) check(r.error(), "WRITE", wrong, clean);
                    else if (r.u32(0) != 512) wrong.add("WRITE wrote " + r.u32(0));
                }
                case 2 -> {
                    ServerHarness.Reply r = h.call(Requests.getattr(o.nodeid()));
                    if (r.error() != 0) { check(r.error(), "GETATTR", wrong, clean); break; }
                    long ino = r.u64(16);
                    if (ino != inos[o.file()]) wrong.add("GETATTR of f" + o.file() + " gave inode " + ino);
                }
                default -> {
                    ServerHarness.Reply r = h.call(Requests.lookup(1, "f" + o.file()));
                    if (r.error() != 0) { wrong.add("LOOKUP failed: " + r.error()); break; }
                    if (r.u64(40) != inos[o.file()]) wrong.add("LOOKUP of f" + o.file() + " gave inode " + r.u64(40));
                    h.call(Requests.forget(r.u64(0), 1)); // give the lookup back
                }
            }
        }
    }

    private static void check(int errno, String what, ConcurrentLinkedQueue<String> wrong, AtomicLong clean) {
        if (CLEAN.contains(-errno)) clean.incrementAndGet();
        else wrong.add(what + " failed with " + errno);
    }
}
