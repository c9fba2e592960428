package dev.fusebench.fuzz;

import dev.fusebench.fuse.NegotiationSettings;
import dev.fusebench.fuse.Opcode;
import dev.fusebench.passthrough.CachePolicy;
import dev.fusebench.passthrough.PassthroughFs;
import dev.fusebench.testing.MountedFs;
import dev.fusebench.testing.Requests;
import dev.fusebench.testing.ServerHarness;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The FUSE request parser and dispatcher, on the real passthrough file system over a small tmpfs
 * (nothing a request asks for can hurt the machine), with a sentinel file outside the share.
 * Every request is answered once with its own unique and an errno in range, or is one of those
 * that take no reply, or (shorter than a header) is counted as dropped; nothing hits an unexpected exception, nothing
 * outside the share changes.
 */
public final class FuseRequestTarget implements AutoCloseable {
    static final Set<Integer> NO_REPLY = Set.of(Opcode.FORGET.code, Opcode.BATCH_FORGET.code, Opcode.INTERRUPT.code);
    /** Requests between fresh servers: opened handles and looked-up inodes pile up otherwise, until fds run out. */
    static final int RESET_EVERY = 20_000;
    private final Path dir, shared, outside;
    private PassthroughFs fs;
    private ServerHarness h;
    public long requests, replied;

    public FuseRequestTarget(Path dir) throws IOException, InterruptedException {
        this.dir = dir;
        outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("sentinel"), "s");
        shared = Files.createDirectories(dir.resolve("shared"));
        MountedFs.sh(dir, "mount", "-t", "tmpfs", "-o", "size=64m", "fuzz", shared.toString());
        Files.createDirectories(shared.resolve("d"));
        Files.writeString(shared.resolve("a.txt"), "hello");
        Files.createSymbolicLink(shared.resolve("l"), Path.of("a.txt"));
        Files.createSymbolicLink(shared.resolve("out"), Path.of("../outside/sentinel"));
        serve();
    }

    private void serve() {
        try {
            fs = new PassthroughFs(shared, CachePolicy.AUTO);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        h = new ServerHarness(fs, NegotiationSettings.MAX_PAGES);
        if (h.init(Requests.KERNEL_FLAGS).error() != 0) throw new IllegalStateException("INIT failed");
    }

    public void accept(byte[] req) {
        if (++requests % RESET_EVERY == 0) {
            h.close();
            fs.close();
            serve();
        }
        long droppedBefore = h.stats.dropped();
        ServerHarness.Reply reply = h.call(req);
        if (reply != null) {
            replied++;
            long unique = ByteBuffer.wrap(req).order(ByteOrder.nativeOrder()).getLong(8);
            if (reply.unique() != unique) throw new AssertionError("reply to " + reply.unique() + ", request was " + unique);
            if (reply.error() > 0 || reply.error() <= -4096) throw new AssertionError("errno out of range: " + reply.error());
        } else if (req.length < 40) {
            if (h.stats.dropped() != droppedBefore + 1) throw new AssertionError("a short request neither answered nor counted as dropped");
        } else {
            int opcode = ByteBuffer.wrap(req).order(ByteOrder.nativeOrder()).getInt(4);
            if (!NO_REPLY.contains(opcode)) throw new AssertionError("no reply to opcode " + opcode);
        }
        if (h.server.internalFailures() != 0) throw new AssertionError("a request hit an unexpected exception");
    }

    /** What lies outside the share is untouched. */
    public void checkOutside() throws IOException {
        try (var s = Files.list(outside)) {
            if (!s.toList().equals(List.of(outside.resolve("sentinel")))) throw new AssertionError("something appeared outside the share");
        }
        if (!Files.readString(outside.resolve("sentinel")).equals("s")) throw new AssertionError("the sentinel changed");
    }

    @Override
    public void close() throws IOException {
        h.close();
        fs.close();
        try {
            MountedFs.sh(dir, "umount", "-l", shared.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        checkOutside();
    }
}
