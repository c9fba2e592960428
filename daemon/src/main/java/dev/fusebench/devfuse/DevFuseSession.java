package dev.fusebench.devfuse;

import dev.fusebench.files.PrivateFiles;
import dev.fusebench.files.ProcFiles;
import dev.fusebench.fuse.BackingFiles;
import dev.fusebench.fuse.ContiguousReply;
import dev.fusebench.fuse.FuseServer;
import dev.fusebench.fuse.InitFlag;
import dev.fusebench.fuse.NegotiationSettings;
import dev.fusebench.fuse.Opcode;
import dev.fusebench.fuse.ReplySink;
import dev.fusebench.fuse.Session;
import dev.fusebench.fuse.RequestScratch;
import dev.fusebench.stats.DaemonFacts;
import dev.fusebench.sys.Errno;
import dev.fusebench.sys.Flags;
import dev.fusebench.sys.Libc;
import dev.fusebench.sys.LibcThread;
import dev.fusebench.sys.WorkerDeath;
import dev.fusebench.wire.FuseIn.Header;
import dev.fusebench.wire.FuseOut;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.logging.Logger;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The FUSE core served over /dev/fuse on the host: mount(2) with the device's fd, worker threads
 * that each read a request into their own buffer and write the reply from another, and an
 * unmount that also wakes the workers (the kernel answers their read with ENODEV).
 */
public final class DevFuseSession implements Session {
    private static final Logger LOG = Logger.getLogger(DevFuseSession.class.getName());

    private final FuseServer server;
    private final Path mountPoint;
    private final int threads;
    private final int bufferSize;
    private final Path captureDir;
    private final AtomicIntegerArray captured = new AtomicIntegerArray(Opcode.TABLE_SIZE);
    private final List<Thread> workers = new ArrayList<>();
    private final AtomicBoolean unmounted = new AtomicBoolean();
    private int devFd = -1;
    private int connection = -1;

    /**
     * @param captureDir when not null, the first few raw requests of each opcode are saved there
     *                   (as fixtures for tests and benchmarks)
     */
    public DevFuseSession(FuseServer server, Path mountPoint, int threads, Path captureDir) {
        this.server = server;
        this.mountPoint = mountPoint.toAbsolutePath().normalize();
        this.threads = threads;
        this.captureDir = captureDir;
        // The kernel refuses reads into buffers smaller than a header, a fuse_write_in and max_write.
        this.bufferSize = server.requestBufferSize();
        server.backingFiles(new DeviceBackingFiles());
        server.ringCapable(true);
    }

    /** Entries per io_uring queue: requests one CPU's callers may have in the daemon at once (libfuse's default). */
    static final int RING_DEPTH = 8;
    private final List<Thread> ringThreads = new CopyOnWriteArrayList<>();
    private final AtomicBoolean ringStarted = new AtomicBoolean();

    /**
     * After an INIT reply with FUSE_OVER_IO_URING (written: the kernel has initialised the
     * connection), one queue per possible CPU registers its entries; once every queue has, the
     * kernel sends requests through the rings instead of /dev/fuse (which still carries FORGETs,
     * INTERRUPTs and what is already queued there).
     */
    private void startRingIfNegotiated() {
        var n = server.negotiation();
        if (n == null) return;
        long ring = InitFlag.OVER_IO_URING.mask;
        if ((n.reply().flags() & ring) == 0) {
            if ((server.settings().flags() & ring) != 0 && (n.offered().flags() & ring) == 0)
                LOG.warning("FUSE over io_uring was asked for but the kernel did not offer it (Linux 6.14+; is /sys/module/fuse/parameters/enable_uring Y?): serving /dev/fuse");
            return;
        }
        if (!ringStarted.compareAndSet(false, true)) return;
        int queues = possibleCpus();
        long payload = Math.max(Math.max(8192, n.effectiveMaxWrite()), (long) n.effectiveMaxPages() * NegotiationSettings.PAGE);
        server.stats().facts().uring = new DaemonFacts.Uring(queues, RING_DEPTH, payload);
        for (int q = 0; q < queues; q++) {
            UringQueue queue = new UringQueue(server, devFd, q, RING_DEPTH, payload);
            Thread t = new LibcThread(() -> {
                queue.run();
                if (queue.failure != null) server.stats().facts().uringFailure = "queue " + queue.qid() + ": " + queue.failure;
            }, "fuse-ring-" + q);
            t.setDaemon(true);
            ringThreads.add(t);
            t.start();
        }
    }

    /** The kernel keeps a queue per possible CPU (num_possible_cpus) and is ready only when each has an entry. */
    static int possibleCpus() {
        try {
            int max = -1;
            for (String range : ProcFiles.read(Path.of("/sys/devices/system/cpu/possible")).strip().split(",")) {
                String[] ends = range.split("-");
                max = Math.max(max, Integer.parseInt(ends[ends.length - 1].strip()));
            }
            return max + 1;
        } catch (IOException | RuntimeException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    /** Backing files registered on this session's /dev/fuse descriptor (FUSE passthrough, CAP_SYS_ADMIN). */
    private final class DeviceBackingFiles implements BackingFiles {
        @Override
        public int open(int fd) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment map = a.allocate(FuseOut.BackingMap.LAYOUT);
                FuseOut.BackingMap.write(map, 0, fd);
                return Libc.ioctl(devFd, FuseOut.BackingMap.IOC_BACKING_OPEN, map);
            }
        }

        @Override
        public int close(int id) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment v = a.allocate(ValueLayout.JAVA_INT);
                v.set(ValueLayout.JAVA_INT, 0, id);
                return Libc.ioctl(devFd, FuseOut.BackingMap.IOC_BACKING_CLOSE, v);
            }
        }
    }

    /** Mounts and starts the workers. */
    @Override
    public void start() throws IOException {
        if (MountTable.at(mountPoint).isPresent()) throw new IOException(mountPoint + " is already a mount point");
        try (Arena a = Arena.ofConfined()) {
            devFd = Libc.openat(Flags.AT_FDCWD, a.allocateFrom("/dev/fuse"), Flags.O_RDWR | Flags.O_CLOEXEC, 0);
            if (devFd < 0) throw new IOException("cannot open /dev/fuse: " + Libc.strerror(devFd));
            String options = "fd=" + devFd + ",rootmode=40000,user_id=0,group_id=0,default_permissions,allow_other";
            int r = Libc.mount(a.allocateFrom("fusebench"), a.allocateFrom(mountPoint.toString()),
                    a.allocateFrom("fuse.fusebench"), Flags.MS_NOSUID | Flags.MS_NODEV, a.allocateFrom(options));
            if (r < 0) {
                Libc.close(devFd);
                devFd = -1;
                throw new IOException("mount of " + mountPoint + " failed: " + Libc.strerror(r));
            }
        }
        connection = MountTable.at(mountPoint).map(MountTable.Mount::minor).orElse(-1);
        server.stats().facts().transport = "dev-fuse";
        server.stats().facts().mountPoint = mountPoint.toString();
        server.stats().facts().threads = threads;
        for (int i = 0; i < threads; i++) {
            Thread t = new LibcThread(this::serve, "fuse-worker-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
    }

    private void serve() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = arena.allocate(bufferSize, 4096);
            MemorySegment outBuf = arena.allocate(bufferSize, 4096);
            RequestScratch w = server.newScratch(arena);
            ReplySink sink = new DevFuseReply(outBuf);
            while (true) {
                long n = Libc.read(devFd, in, bufferSize);
                if (n < 0) {
                    int e = (int) -n;
                    if (e == Errno.EINTR || e == Errno.EAGAIN || e == Errno.ENOENT) continue;
                    if (e != Errno.ENODEV) LOG.warning("reading /dev/fuse: " + Libc.strerror(e));
                    return;
                }
                if (captureDir != null) capture(in, n);
                w.request.setContiguous(in, n);
                boolean more = server.handle(w, sink);
                if (w.request.opcode == Opcode.INIT.code) startRingIfNegotiated();
                if (!more) return;
            }
        } catch (RuntimeException | Error e) {
            WorkerDeath.died("/dev/fuse worker", e);
            throw e;
        }
    }

    private final class DevFuseReply extends ContiguousReply {
        DevFuseReply(MemorySegment buf) { super(buf); }

        @Override
        protected void transmit(long length) {
            long r = Libc.write(devFd, buffer(), length);
            // ENOENT: the request was interrupted or the connection aborted meanwhile; nothing to do.
            if (r < 0 && r != -Errno.ENOENT && r != -Errno.ENODEV) LOG.warning("writing reply: " + Libc.strerror((int) r));
        }
    }

    private void capture(MemorySegment in, long n) {
        if (n < Header.SIZE) return;
        int slot = Opcode.slot(Header.opcode(in, 0));
        int seq = captured.getAndIncrement(slot);
        if (seq >= 3) return;
        byte[] bytes = in.asSlice(0, n).toArray(JAVA_BYTE);
        try {
            PrivateFiles.writeOwnerOnly(captureDir.resolve(Opcode.name(slot) + "-" + seq + ".bin"), bytes);
        } catch (IOException e) {
            LOG.warning("capture failed: " + e.getMessage());
        }
    }

    /** Waits until every worker has ended (the file system was unmounted or destroyed). */
    @Override
    public void awaitTermination() throws InterruptedException {
        for (Thread t : workers) t.join();
        for (Thread t : ringThreads) t.join();
    }

    /** Waits at most {@code millis}; true when all workers ended. */
    public boolean awaitTermination(long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        for (Thread t : concat(workers, ringThreads)) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) return false;
            t.join(left);
            if (t.isAlive()) return false;
        }
        return true;
    }

    /**
     * Unmounts (lazily when busy) and aborts the connection so blocked workers wake up, then waits
     * for them. Safe to call more than once and from a shutdown hook.
     */
    @Override
    public void close() throws IOException {
        if (!unmounted.compareAndSet(false, true)) return;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment target = a.allocateFrom(mountPoint.toString());
            if (MountTable.at(mountPoint).filter(m -> m.fsType().startsWith("fuse")).isPresent()) {
                int r = Libc.umount2(target, 0);
                if (r == -Errno.EBUSY) Libc.umount2(target, Flags.MNT_DETACH);
            }
        }
        abortConnection();
        try {
            if (!awaitTermination(5000)) LOG.warning("workers still running after unmount");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (devFd >= 0) {
            Libc.close(devFd);
            devFd = -1;
        }
    }

    /** Writing to the connection's abort file fails every pending and future request with ENODEV. */
    private void abortConnection() {
        if (connection < 0) return;
        Path abort = Path.of("/sys/fs/fuse/connections", Integer.toString(connection), "abort");
        try {
            if (Files.exists(abort)) Files.writeString(abort, "1");
        } catch (IOException e) {
            // already gone with the unmount
        }
    }

    private static List<Thread> concat(List<Thread> a, List<Thread> b) {
        List<Thread> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    public Path mountPoint() { return mountPoint; }

    @Override
    public String where() { return mountPoint.toString(); }
}
