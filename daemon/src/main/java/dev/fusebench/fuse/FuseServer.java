package dev.fusebench.fuse;

import dev.fusebench.stats.DaemonStats;
import dev.fusebench.stats.OpcodeRecorder;
import dev.fusebench.sys.Errno;
import dev.fusebench.sys.IoVecs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

import static dev.fusebench.fuse.Wire.*;

/**
 * The FUSE core shared by both transports: checks and parses each request (every read bounded by
 * the header's length), calls the file system, encodes the reply, and records statistics.
 * A malformed request gets an errno reply; one too short to carry its unique id is dropped and counted.
 */
public final class FuseServer {
    private static final Logger LOG = Logger.getLogger(FuseServer.class.getName());
    private static final long NO_REPLY = Long.MIN_VALUE;
    static final int NAME_MAX = 255;

    private final FileSystem fs;
    private final NegotiationSettings settings;
    private final DaemonStats stats;
    private volatile Negotiation negotiation;
    private final AtomicBoolean destroyed = new AtomicBoolean();
    private final AtomicBoolean loggedFailure = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicLong internalFailures = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger sessions = new java.util.concurrent.atomic.AtomicInteger();

    public FuseServer(FileSystem fs, NegotiationSettings settings, DaemonStats stats) {
        this.fs = fs;
        this.settings = settings.validated();
        this.stats = stats;
    }

    /** Per-thread state: the reusable request, a scatter list for READ data, the thread's recorder. */
    public final class Worker {
        public final Request request;
        final IoVecs data;
        final ReadWriteIn readWrite = new ReadWriteIn();
        final OpcodeRecorder recorder;
        long payloadSize;
        boolean dataReply;

        Worker(Arena arena) {
            this.request = new Request(new IoVecs(arena, 1024));
            this.data = new IoVecs(arena, 1024);
            this.recorder = stats.newRecorder();
        }
    }

    public Worker newWorker(Arena arena) { return new Worker(arena); }

    public Negotiation negotiation() { return negotiation; }

    public NegotiationSettings settings() { return settings; }

    public boolean destroyed() { return destroyed.get(); }

    public DaemonStats stats() { return stats; }

    /** INITs after the first: the guest mounted the share again. */
    public int reinits() { return sessions.get(); }

    /** Requests that failed with an unexpected exception (answered EIO). */
    public long internalFailures() { return internalFailures.get(); }

    /**
     * Serves the request the transport put into {@code w.request}.
     * @return false when the session has ended (DESTROY)
     */
    public boolean handle(Worker w, ReplySink out) {
        Request r = w.request;
        if (!r.parseHeader()) {
            w.recorder.dropped();
            return true;
        }
        long start = System.nanoTime();
        w.payloadSize = -1;
        w.dataReply = false;
        long result;
        try {
            if (r.headerLength != r.totalLength) result = -Errno.EINVAL;
            else if (negotiation == null && r.opcode != Opcode.INIT) result = -Errno.EIO;
            else result = dispatch(w, out);
        } catch (ProtocolException e) {
            result = -e.errno();
        } catch (RuntimeException | StackOverflowError e) {
            // A bug of ours, not of the request: answered with EIO, counted, logged once.
            internalFailures.incrementAndGet();
            if (loggedFailure.compareAndSet(false, true)) LOG.log(Level.WARNING, "request failed: " + Opcode.name(r.opcode), e);
            result = -Errno.EIO;
        }
        int errno = 0;
        if (result != NO_REPLY) {
            MemorySegment buf = out.buffer();
            if (result < 0) {
                errno = (int) -result;
                outHeader(buf, OUT_HEADER, (int) result, r.unique);
                out.send(OUT_HEADER);
            } else if (w.dataReply) {
                outHeader(buf, (int) (OUT_HEADER + result), 0, r.unique);
                out.sendData(result);
            } else {
                outHeader(buf, (int) (OUT_HEADER + result), 0, r.unique);
                out.send((int) (OUT_HEADER + result));
            }
        }
        w.recorder.record(r.opcode, w.payloadSize, System.nanoTime() - start, errno);
        return r.opcode != Opcode.DESTROY || result < 0;
    }

    /** End of the arguments: the header's length less any request extensions. */
    private static long argsEnd(Request r) {
        int extlen = Short.toUnsignedInt(r.in.get(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, H_TOTAL_EXTLEN)) * 8;
        long end = r.totalLength - extlen;
        if (end < IN_HEADER) throw new ProtocolException(Errno.EINVAL, "extensions longer than the request");
        return end;
    }

    private static void need(Request r, long end, int fixed) {
        if (end - IN_HEADER < fixed) throw new ProtocolException(Errno.EINVAL, "short " + Opcode.name(r.opcode));
    }

    /** Offset of the NUL that ends the string starting at {@code from}, within [from, end). */
    private static long nul(MemorySegment in, long from, long end) {
        for (long i = from; i < end; i++) if (in.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i) == 0) return i;
        throw new ProtocolException(Errno.EINVAL, "unterminated string");
    }

    /**
     * Checks a directory entry name starting at {@code from} and ending at the first NUL before
     * {@code end}: non-empty, no '/', at most NAME_MAX bytes, "." and ".." only where allowed.
     * Returns the NUL's offset, or a negative errno.
     */
    public static long checkName(MemorySegment in, long from, long end, boolean dotsAllowed) {
        long nul = -1;
        for (long i = from; i < end; i++) {
            byte b = in.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i);
            if (b == 0) { nul = i; break; }
            if (b == '/') return -Errno.EINVAL;
        }
        if (nul < 0) return -Errno.EINVAL;
        long n = nul - from;
        if (n == 0) return -Errno.EINVAL;
        if (n > NAME_MAX) return -Errno.ENAMETOOLONG;
        if (!dotsAllowed && in.get(java.lang.foreign.ValueLayout.JAVA_BYTE, from) == '.'
                && (n == 1 || (n == 2 && in.get(java.lang.foreign.ValueLayout.JAVA_BYTE, from + 1) == '.'))) {
            return -Errno.EINVAL;
        }
        return nul;
    }

    private static MemorySegment name(MemorySegment in, long from, long nul, boolean dotsAllowed) {
        long checked = checkName(in, from, nul + 1, dotsAllowed);
        if (checked < 0) throw new ProtocolException((int) -checked, "bad name");
        return in.asSlice(from, nul - from + 1);
    }

    private MemorySegment singleName(Request r, long from, long end, boolean dotsAllowed) {
        return name(r.in, from, nul(r.in, from, end), dotsAllowed);
    }

    private void requireInline(Request r) {
        if (r.inLength != r.totalLength) throw new ProtocolException(Errno.EINVAL, "request not contiguous");
    }

    private long dispatch(Worker w, ReplySink out) {
        Request r = w.request;
        MemorySegment in = r.in;
        MemorySegment o = out.buffer();
        final long a = IN_HEADER;
        final int room = (int) Math.min(Integer.MAX_VALUE, o.byteSize() - OUT_HEADER);
        if (r.opcode != Opcode.WRITE) requireInline(r);
        long end = r.opcode == Opcode.WRITE ? r.inLength : argsEnd(r);
        switch (r.opcode) {
            case Opcode.INIT: return init(r, end, o);
            case Opcode.DESTROY:
                if (destroyed.compareAndSet(false, true)) fs.destroy();
                return 0;
            case Opcode.SYNCFS:
                return fs.syncfs(r, r.nodeid);
            case Opcode.LOOKUP: {
                MemorySegment name = singleName(r, a, end, true);
                return fs.lookup(r, r.nodeid, name, o, OUT_HEADER);
            }
            case Opcode.FORGET:
                need(r, end, FORGET_IN);
                fs.forget(r.nodeid, u64(in, a));
                return NO_REPLY;
            case Opcode.BATCH_FORGET: {
                need(r, end, BATCH_FORGET_IN);
                long count = Integer.toUnsignedLong(u32(in, a));
                long fits = (end - a - BATCH_FORGET_IN) / FORGET_ONE;
                long n = Math.min(count, fits);
                for (long i = 0; i < n; i++) {
                    long e = a + BATCH_FORGET_IN + i * FORGET_ONE;
                    fs.forget(u64(in, e), u64(in, e + 8));
                }
                return NO_REPLY;
            }
            case Opcode.INTERRUPT:
                // Requests here run to completion quickly; an interrupt has nothing to cancel.
                return NO_REPLY;
            case Opcode.GETATTR: {
                long fh = -1;
                if (end - a >= GETATTR_IN && (u32(in, a) & GETATTR_FH) != 0) fh = u64(in, a + 8);
                return fs.getattr(r, r.nodeid, fh, o, OUT_HEADER);
            }
            case Opcode.SETATTR:
                need(r, end, SETATTR_IN);
                return fs.setattr(r, r.nodeid, in, a, o, OUT_HEADER);
            case Opcode.READLINK:
                return fs.readlink(r, r.nodeid, o, OUT_HEADER, Math.min(room, 4096));
            case Opcode.SYMLINK: {
                long n1 = nul(in, a, end);
                MemorySegment name = name(in, a, n1, false);
                long n2 = nul(in, n1 + 1, end);
                if (n2 == n1 + 1) throw new ProtocolException(Errno.EINVAL, "empty symlink target");
                if (n2 - n1 - 1 >= 4096) throw new ProtocolException(Errno.ENAMETOOLONG, "symlink target too long");
                return fs.symlink(r, r.nodeid, name, in.asSlice(n1 + 1, n2 - n1), o, OUT_HEADER);
            }
            case Opcode.MKNOD: {
                need(r, end, MKNOD_IN);
                MemorySegment name = singleName(r, a + MKNOD_IN, end, false);
                return fs.mknod(r, r.nodeid, name, u32(in, a), u32(in, a + 4), u32(in, a + 8), o, OUT_HEADER);
            }
            case Opcode.MKDIR: {
                need(r, end, MKDIR_IN);
                MemorySegment name = singleName(r, a + MKDIR_IN, end, false);
                return fs.mkdir(r, r.nodeid, name, u32(in, a), u32(in, a + 4), o, OUT_HEADER);
            }
            case Opcode.UNLINK: return fs.unlink(r, r.nodeid, singleName(r, a, end, false));
            case Opcode.RMDIR: return fs.rmdir(r, r.nodeid, singleName(r, a, end, false));
            case Opcode.RENAME:
            case Opcode.RENAME2: {
                int fixed = r.opcode == Opcode.RENAME ? RENAME_IN : RENAME2_IN;
                need(r, end, fixed);
                long newDir = u64(in, a);
                int flags = r.opcode == Opcode.RENAME ? 0 : u32(in, a + 8);
                long n1 = nul(in, a + fixed, end);
                MemorySegment oldName = name(in, a + fixed, n1, false);
                MemorySegment newName = singleName(r, n1 + 1, end, false);
                return fs.rename(r, r.nodeid, oldName, newDir, newName, flags);
            }
            case Opcode.LINK: {
                need(r, end, LINK_IN);
                MemorySegment name = singleName(r, a + LINK_IN, end, false);
                return fs.link(r, u64(in, a), r.nodeid, name, o, OUT_HEADER);
            }
            case Opcode.OPEN:
                need(r, end, OPEN_IN);
                return fs.open(r, r.nodeid, u32(in, a), u32(in, a + 4), o, OUT_HEADER);
            case Opcode.READ: {
                ReadWriteIn rw = w.readWrite;
                if (!rw.parse(in, end)) return -Errno.EINVAL;
                w.payloadSize = rw.size;
                if (rw.offset < 0) return -Errno.EINVAL;
                IoVecs dst = out.dataTarget(w.data, rw.size);
                long n = fs.read(r, r.nodeid, rw.fh, rw.offset, dst);
                if (n >= 0) w.dataReply = true;
                return n;
            }
            case Opcode.WRITE: {
                ReadWriteIn rw = w.readWrite;
                if (!rw.parse(in, end)) return -Errno.EINVAL;
                long fh = rw.fh, offset = rw.offset, size = rw.size;
                int writeFlags = rw.flags;
                w.payloadSize = size;
                IoVecs src = r.payload;
                if (src.count() == 0) {
                    long inline = r.inLength - a - WRITE_IN;
                    if (inline != size) return -Errno.EINVAL;
                    src.add(in.address() + a + WRITE_IN, inline);
                } else if (src.totalBytes() + (r.inLength - a - WRITE_IN) != size || r.inLength != a + WRITE_IN) {
                    return -Errno.EINVAL;
                }
                if (offset < 0) return -Errno.EINVAL;
                long n = fs.write(r, r.nodeid, fh, offset, src, writeFlags);
                if (n < 0) return n;
                u32(o, OUT_HEADER, (int) n);
                u32(o, OUT_HEADER + 4, 0);
                return WRITE_OUT;
            }
            case Opcode.STATFS: return fs.statfs(r, r.nodeid, o, OUT_HEADER);
            case Opcode.RELEASE:
                need(r, end, RELEASE_IN);
                return fs.release(r, r.nodeid, u64(in, a), u32(in, a + 8));
            case Opcode.RELEASEDIR:
                need(r, end, RELEASE_IN);
                return fs.releasedir(r, r.nodeid, u64(in, a));
            case Opcode.FLUSH:
                need(r, end, FLUSH_IN);
                return fs.flush(r, r.nodeid, u64(in, a));
            case Opcode.FSYNC:
            case Opcode.FSYNCDIR: {
                need(r, end, FSYNC_IN);
                boolean dataOnly = (u32(in, a + 8) & FSYNC_FDATASYNC) != 0;
                return r.opcode == Opcode.FSYNC ? fs.fsync(r, r.nodeid, u64(in, a), dataOnly)
                        : fs.fsyncdir(r, r.nodeid, u64(in, a), dataOnly);
            }
            case Opcode.SETXATTR: {
                boolean ext = (negotiation.reply().flags() & InitFlag.SETXATTR_EXT) != 0;
                int fixed = ext ? SETXATTR_IN_EXT : SETXATTR_IN;
                need(r, end, fixed);
                long size = Integer.toUnsignedLong(u32(in, a));
                int flags = u32(in, a + 4);
                long n1 = nul(in, a + fixed, end);
                if (n1 == a + fixed) return -Errno.EINVAL;
                if (n1 + 1 + size > end) return -Errno.EINVAL;
                return fs.setxattr(r, r.nodeid, in.asSlice(a + fixed, n1 - a - fixed + 1), in.asSlice(n1 + 1, size), flags);
            }
            case Opcode.GETXATTR: {
                need(r, end, GETXATTR_IN);
                long size = Integer.toUnsignedLong(u32(in, a));
                long n1 = nul(in, a + GETXATTR_IN, end);
                if (n1 == a + GETXATTR_IN) return -Errno.EINVAL;
                MemorySegment name = in.asSlice(a + GETXATTR_IN, n1 - a - GETXATTR_IN + 1);
                return xattrReply(fs.getxattr(r, r.nodeid, name, o, OUT_HEADER, (int) Math.min(size, room)), size, o);
            }
            case Opcode.LISTXATTR: {
                need(r, end, GETXATTR_IN);
                long size = Integer.toUnsignedLong(u32(in, a));
                return xattrReply(fs.listxattr(r, r.nodeid, o, OUT_HEADER, (int) Math.min(size, room)), size, o);
            }
            case Opcode.REMOVEXATTR: {
                long n1 = nul(in, a, end);
                if (n1 == a) return -Errno.EINVAL;
                return fs.removexattr(r, r.nodeid, in.asSlice(a, n1 - a + 1));
            }
            case Opcode.OPENDIR:
                need(r, end, OPEN_IN);
                return fs.opendir(r, r.nodeid, u32(in, a), o, OUT_HEADER);
            case Opcode.READDIR:
            case Opcode.READDIRPLUS: {
                need(r, end, READ_IN);
                long size = Integer.toUnsignedLong(u32(in, a + 16));
                w.payloadSize = size;
                return fs.readdir(r, r.nodeid, u64(in, a), u64(in, a + 8), r.opcode == Opcode.READDIRPLUS,
                        o, OUT_HEADER, (int) Math.min(size, room));
            }
            case Opcode.ACCESS:
                need(r, end, ACCESS_IN);
                return fs.access(r, r.nodeid, u32(in, a));
            case Opcode.CREATE: {
                need(r, end, CREATE_IN);
                MemorySegment name = singleName(r, a + CREATE_IN, end, false);
                return fs.create(r, r.nodeid, name, u32(in, a), u32(in, a + 4), u32(in, a + 8), u32(in, a + 12), o, OUT_HEADER);
            }
            case Opcode.FALLOCATE:
                need(r, end, FALLOCATE_IN);
                return fs.fallocate(r, r.nodeid, u64(in, a), u32(in, a + 24), u64(in, a + 8), u64(in, a + 16));
            case Opcode.LSEEK: {
                need(r, end, LSEEK_IN);
                long pos = fs.lseek(r, r.nodeid, u64(in, a), u64(in, a + 8), u32(in, a + 16));
                if (pos < 0) return pos;
                u64(o, OUT_HEADER, pos);
                return LSEEK_OUT;
            }
            case Opcode.COPY_FILE_RANGE: {
                need(r, end, COPY_FILE_RANGE_IN);
                long n = fs.copyFileRange(r, r.nodeid, u64(in, a), u64(in, a + 8), u64(in, a + 16), u64(in, a + 24),
                        u64(in, a + 32), u64(in, a + 40), (int) u64(in, a + 48));
                if (n < 0) return n;
                w.payloadSize = n;
                u32(o, OUT_HEADER, (int) Math.min(n, 0xffffffffL));
                u32(o, OUT_HEADER + 4, 0);
                return WRITE_OUT;
            }
            default:
                return -Errno.ENOSYS;
        }
    }

    /** GETXATTR/LISTXATTR: size 0 asks for the length (fuse_getxattr_out), else the bytes themselves. */
    private static long xattrReply(long n, long askedSize, MemorySegment o) {
        if (n < 0) return n;
        if (askedSize == 0) {
            u32(o, OUT_HEADER, (int) n);
            u32(o, OUT_HEADER + 4, 0);
            return GETXATTR_OUT;
        }
        return n;
    }

    /**
     * INIT starts a session. A second one (the guest unmounted and mounts again, or its kernel was
     * reset without a DESTROY) starts a new session: node ids and handles of the old one are
     * forgotten, as the kernel has forgotten them, and the negotiation is made afresh.
     */
    private long init(Request r, long end, MemorySegment o) {
        InitInArgs args = new InitInArgs();
        if (!args.parse(r.in, IN_HEADER, end - IN_HEADER)) return -Errno.EINVAL;
        if (args.major > 7) {
            // Newer major: answer with ours only; the kernel retries with 7.x (fuse protocol rule).
            InitOut older = new InitOut(7, Negotiation.OUR_MINOR, 0, 0, 0, 0, 0, 0, 0);
            older.encode(o, OUT_HEADER);
            return 8;
        }
        Negotiation n = Negotiation.negotiate(args.toRecord(), settings);
        if (negotiation != null) {
            if (destroyed.compareAndSet(false, true)) fs.destroy();
            sessions.incrementAndGet();
        }
        destroyed.set(false);
        n.reply().encode(o, OUT_HEADER);
        negotiation = n;
        stats.negotiated(n);
        fs.init(n);
        return InitOut.SIZE;
    }
}
