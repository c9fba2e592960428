package dev.fusebench.fuse;

import dev.fusebench.stats.JobMarks;
import dev.fusebench.sys.Errno;
import dev.fusebench.sys.IoVecs;
import dev.fusebench.wire.FuseIn;
import dev.fusebench.wire.FuseIn.*;
import dev.fusebench.wire.FuseIn.Header;
import dev.fusebench.wire.FuseOut;

import java.lang.foreign.MemorySegment;

/**
 * One handler per opcode, each in three steps: decode the arguments (through {@link FuseIn}),
 * call the file system with plain values, encode its answer ({@link Replies}). A handler returns
 * the {@link Outcome} it made: encoded arguments, data in place, an errno, or no reply.
 */
final class Handlers {
    /** The arguments start right after fuse_in_header; replies right after fuse_out_header. */
    static final int ARGS = Header.SIZE, OUT = FuseOut.Header.SIZE;

    @FunctionalInterface
    interface Handler { Outcome serve(RequestScratch w); }

    private final FileSystem fs;
    private final FuseServer server;

    Handlers(FileSystem fs, FuseServer server) {
        this.fs = fs;
        this.server = server;
    }

    /** Fills the server's table, one opcode a line ({@link FuseServer#route}); INIT and DESTROY are the server's own. */
    void register() {
        server.route(Opcode.LOOKUP, this::lookup);
        server.route(Opcode.FORGET, this::forget);
        server.route(Opcode.BATCH_FORGET, this::batchForget);
        server.route(Opcode.INTERRUPT, w -> w.outcome.none()); // requests here run to completion quickly: nothing to cancel
        server.route(Opcode.GETATTR, this::getattr);
        server.route(Opcode.SETATTR, this::setattr);
        server.route(Opcode.READLINK, this::readlink);
        server.route(Opcode.SYMLINK, this::symlink);
        server.route(Opcode.MKNOD, this::mknod);
        server.route(Opcode.MKDIR, this::mkdir);
        server.route(Opcode.UNLINK, w -> w.outcome.argsOrError(fs.unlink(w.request.caller, w.request.nodeid, Names.single(w.request.in, ARGS, w.end, false))));
        server.route(Opcode.RMDIR, w -> w.outcome.argsOrError(fs.rmdir(w.request.caller, w.request.nodeid, Names.single(w.request.in, ARGS, w.end, false))));
        server.route(Opcode.RENAME, this::rename);
        server.route(Opcode.RENAME2, this::rename);
        server.route(Opcode.LINK, this::link);
        server.route(Opcode.OPEN, this::open);
        server.route(Opcode.READ, this::read);
        server.route(Opcode.WRITE, this::write);
        server.route(Opcode.STATFS, this::statfs);
        server.route(Opcode.RELEASE, this::release);
        server.route(Opcode.RELEASEDIR, this::releasedir);
        server.route(Opcode.FLUSH, this::flush);
        server.route(Opcode.FSYNC, this::fsync);
        server.route(Opcode.FSYNCDIR, this::fsync);
        server.route(Opcode.SETXATTR, this::setxattr);
        server.route(Opcode.GETXATTR, this::getxattr);
        server.route(Opcode.LISTXATTR, this::listxattr);
        server.route(Opcode.REMOVEXATTR, w -> w.outcome.argsOrError(fs.removexattr(w.request.caller, w.request.nodeid, Names.nonEmpty(w.request.in, ARGS, w.end))));
        server.route(Opcode.OPENDIR, this::opendir);
        server.route(Opcode.READDIR, this::readdir);
        server.route(Opcode.READDIRPLUS, this::readdir);
        server.route(Opcode.ACCESS, this::access);
        server.route(Opcode.CREATE, this::create);
        server.route(Opcode.FALLOCATE, this::fallocate);
        server.route(Opcode.LSEEK, this::lseek);
        server.route(Opcode.COPY_FILE_RANGE, this::copyFileRange);
        server.route(Opcode.SYNCFS, w -> w.outcome.argsOrError(fs.syncfs(w.request.caller, w.request.nodeid)));
    }

    /** Refuses a request whose fixed arguments did not all arrive. */
    private static void need(RequestScratch w, int fixed) {
        if (w.end - ARGS < fixed) throw new ProtocolException(Errno.EINVAL, "short " + Opcode.name(w.request.opcode));
    }

    /** Bytes the reply buffer holds after the out header. */
    private static int room(RequestScratch w) { return (int) Math.min(Integer.MAX_VALUE, w.out.byteSize() - OUT); }

    private Outcome entryReply(RequestScratch w, int r) { return w.outcome.argsOrError(r < 0 ? r : Replies.entry(w.out, OUT, w.entry)); }

    private Outcome lookup(RequestScratch w) {
        MemorySegment name = Names.single(w.request.in, ARGS, w.end, true);
        if (w.request.nodeid == FileSystem.ROOT) {
            String mark = JobMarks.label(name, 0, name.byteSize() - 1);
            if (mark != null) server.stats().mark(mark);
        }
        return entryReply(w, fs.lookup(w.request.caller, w.request.nodeid, name, w.entry));
    }

    private Outcome forget(RequestScratch w) {
        need(w, ForgetIn.SIZE);
        fs.forget(w.request.nodeid, ForgetIn.nlookup(w.request.in, ARGS));
        return w.outcome.none();
    }

    private Outcome batchForget(RequestScratch w) {
        need(w, ForgetIn.BATCH_SIZE);
        MemorySegment in = w.request.in;
        long fits = (w.end - ARGS - ForgetIn.BATCH_SIZE) / ForgetIn.ONE_SIZE;
        long n = Math.min(ForgetIn.batchCount(in, ARGS), fits);
        for (long i = 0; i < n; i++) {
            long e = ARGS + ForgetIn.BATCH_SIZE + i * ForgetIn.ONE_SIZE;
            fs.forget(ForgetIn.oneNodeid(in, e), ForgetIn.oneNlookup(in, e));
        }
        return w.outcome.none();
    }

    private Outcome getattr(RequestScratch w) {
        MemorySegment in = w.request.in;
        long fh = w.end - ARGS >= GetattrIn.SIZE && (GetattrIn.getattrFlags(in, ARGS) & GetattrIn.GETATTR_FH) != 0
                ? GetattrIn.fh(in, ARGS) : -1;
        int r = fs.getattr(w.request.caller, w.request.nodeid, fh, w.attr);
        return w.outcome.argsOrError(r < 0 ? r : Replies.attrOut(w.out, OUT, w.attr));
    }

    private Outcome setattr(RequestScratch w) {
        need(w, SetattrIn.SIZE);
        w.setAttr.decode(w.request.in, ARGS);
        int r = fs.setattr(w.request.caller, w.request.nodeid, w.setAttr, w.attr);
        return w.outcome.argsOrError(r < 0 ? r : Replies.attrOut(w.out, OUT, w.attr));
    }

    private Outcome readlink(RequestScratch w) {
        return w.outcome.argsOrError(fs.readlink(w.request.caller, w.request.nodeid, w.out.asSlice(OUT, Math.min(room(w), Names.PATH_MAX))));
    }

    private Outcome symlink(RequestScratch w) {
        MemorySegment in = w.request.in;
        long n1 = Names.nul(in, ARGS, w.end);
        MemorySegment name = Names.name(in, ARGS, n1, false);
        long n2 = Names.nul(in, n1 + 1, w.end);
        if (n2 == n1 + 1) throw new ProtocolException(Errno.EINVAL, "empty symlink target");
        if (n2 - n1 - 1 >= Names.PATH_MAX) throw new ProtocolException(Errno.ENAMETOOLONG, "symlink target too long");
        return entryReply(w, fs.symlink(w.request.caller, w.request.nodeid, name, in.asSlice(n1 + 1, n2 - n1), w.entry));
    }

    private Outcome mknod(RequestScratch w) {
        need(w, MknodIn.SIZE);
        MemorySegment in = w.request.in;
        MemorySegment name = Names.single(in, ARGS + MknodIn.SIZE, w.end, false);
        return entryReply(w, fs.mknod(w.request.caller, w.request.nodeid, name, MknodIn.mode(in, ARGS), MknodIn.rdev(in, ARGS),
                MknodIn.umask(in, ARGS), w.entry));
    }

    private Outcome mkdir(RequestScratch w) {
        need(w, MkdirIn.SIZE);
        MemorySegment in = w.request.in;
        MemorySegment name = Names.single(in, ARGS + MkdirIn.SIZE, w.end, false);
        return entryReply(w, fs.mkdir(w.request.caller, w.request.nodeid, name, MkdirIn.mode(in, ARGS), MkdirIn.umask(in, ARGS), w.entry));
    }

    private Outcome rename(RequestScratch w) {
        boolean two = w.request.opcode == Opcode.RENAME2.code;
        int fixed = two ? RenameIn.SIZE2 : RenameIn.SIZE;
        need(w, fixed);
        MemorySegment in = w.request.in;
        long n1 = Names.nul(in, ARGS + fixed, w.end);
        MemorySegment oldName = Names.name(in, ARGS + fixed, n1, false);
        MemorySegment newName = Names.single(in, n1 + 1, w.end, false);
        return w.outcome.argsOrError(fs.rename(w.request.caller, w.request.nodeid, oldName, RenameIn.newdir(in, ARGS), newName,
                two ? RenameIn.flags(in, ARGS) : 0));
    }

    private Outcome link(RequestScratch w) {
        need(w, LinkIn.SIZE);
        MemorySegment in = w.request.in;
        MemorySegment name = Names.single(in, ARGS + LinkIn.SIZE, w.end, false);
        // LINK's header names the new parent; the argument names the existing inode
        return entryReply(w, fs.link(w.request.caller, LinkIn.oldnodeid(in, ARGS), w.request.nodeid, name, w.entry));
    }

    private Outcome open(RequestScratch w) {
        need(w, OpenIn.SIZE);
        MemorySegment in = w.request.in;
        int r = fs.open(w.request.caller, w.request.nodeid, OpenIn.flags(in, ARGS), OpenIn.openFlags(in, ARGS), w.opened);
        return w.outcome.argsOrError(r < 0 ? r : Replies.openOut(w.out, OUT, w.opened));
    }

    private Outcome read(RequestScratch w) {
        need(w, ReadIn.SIZE);
        MemorySegment in = w.request.in;
        long fh = ReadIn.fh(in, ARGS), offset = ReadIn.offset(in, ARGS), size = ReadIn.size(in, ARGS);
        w.payloadSize = size;
        if (offset < 0) return w.outcome.error(Errno.EINVAL);
        IoVecs dst = w.sink.dataTarget(w.data, size);
        long n = fs.read(w.request.caller, w.request.nodeid, fh, offset, dst);
        // the data is already in place after the out header
        return n < 0 ? w.outcome.error((int) -n) : w.outcome.data(n);
    }

    private Outcome write(RequestScratch w) {
        need(w, WriteIn.SIZE);
        Request r = w.request;
        MemorySegment in = r.in;
        long fh = WriteIn.fh(in, ARGS), offset = WriteIn.offset(in, ARGS), size = WriteIn.size(in, ARGS);
        int writeFlags = WriteIn.writeFlags(in, ARGS);
        w.payloadSize = size;
        long data = ARGS + WriteIn.SIZE;
        IoVecs src = r.payload;
        if (src.count() == 0) {
            // the data follows the arguments in the same buffer
            if (r.inLength - data != size) return w.outcome.error(Errno.EINVAL);
            src.add(in.address() + data, size);
        } else if (src.totalBytes() != size || r.inLength != data) {
            return w.outcome.error(Errno.EINVAL);
        }
        if (offset < 0) return w.outcome.error(Errno.EINVAL);
        long n = fs.write(r.caller, r.nodeid, fh, offset, src, writeFlags);
        return w.outcome.argsOrError(n < 0 ? n : Replies.writeOut(w.out, OUT, n));
    }

    private Outcome statfs(RequestScratch w) {
        int r = fs.statfs(w.request.caller, w.request.nodeid, w.fsStat);
        return w.outcome.argsOrError(r < 0 ? r : Replies.statfs(w.out, OUT, w.fsStat));
    }

    private Outcome release(RequestScratch w) {
        need(w, ReleaseIn.SIZE);
        return w.outcome.argsOrError(fs.release(w.request.caller, w.request.nodeid, ReleaseIn.fh(w.request.in, ARGS), ReleaseIn.flags(w.request.in, ARGS)));
    }

    private Outcome releasedir(RequestScratch w) {
        need(w, ReleaseIn.SIZE);
        return w.outcome.argsOrError(fs.releasedir(w.request.caller, w.request.nodeid, ReleaseIn.fh(w.request.in, ARGS)));
    }

    private Outcome flush(RequestScratch w) {
        need(w, FlushIn.SIZE);
        return w.outcome.argsOrError(fs.flush(w.request.caller, w.request.nodeid, FlushIn.fh(w.request.in, ARGS)));
    }

    private Outcome fsync(RequestScratch w) {
        need(w, FsyncIn.SIZE);
        MemorySegment in = w.request.in;
        long fh = FsyncIn.fh(in, ARGS);
        boolean dataOnly = (FsyncIn.fsyncFlags(in, ARGS) & FsyncIn.FSYNC_FDATASYNC) != 0;
        return w.outcome.argsOrError(w.request.opcode == Opcode.FSYNC.code ? fs.fsync(w.request.caller, w.request.nodeid, fh, dataOnly)
                : fs.fsyncdir(w.request.caller, w.request.nodeid, fh, dataOnly));
    }

    private Outcome setxattr(RequestScratch w) {
        // the argument grew with FUSE_SETXATTR_EXT; its size is the negotiated one
        boolean ext = (server.negotiation().reply().flags() & InitFlag.SETXATTR_EXT.mask) != 0;
        int fixed = ext ? SetxattrIn.SIZE : SetxattrIn.COMPAT_SIZE;
        need(w, fixed);
        MemorySegment in = w.request.in;
        long size = SetxattrIn.size(in, ARGS);
        MemorySegment name = Names.nonEmpty(in, ARGS + fixed, w.end);
        long valueAt = ARGS + fixed + name.byteSize();
        if (valueAt + size > w.end) return w.outcome.error(Errno.EINVAL);
        return w.outcome.argsOrError(fs.setxattr(w.request.caller, w.request.nodeid, name, in.asSlice(valueAt, size), SetxattrIn.flags(in, ARGS)));
    }

    /** GETXATTR/LISTXATTR: size 0 asks for the length (fuse_getxattr_out), else the bytes themselves. */
    private Outcome xattrReply(RequestScratch w, long n, long askedSize) {
        if (n < 0 || askedSize != 0) return w.outcome.argsOrError(n);
        return w.outcome.args(Replies.getxattrOut(w.out, OUT, n));
    }

    private MemorySegment xattrTarget(RequestScratch w, long askedSize) {
        return w.out.asSlice(OUT, Math.min(askedSize, room(w)));
    }

    private Outcome getxattr(RequestScratch w) {
        need(w, GetxattrIn.SIZE);
        MemorySegment in = w.request.in;
        long size = GetxattrIn.size(in, ARGS);
        MemorySegment name = Names.nonEmpty(in, ARGS + GetxattrIn.SIZE, w.end);
        return xattrReply(w, fs.getxattr(w.request.caller, w.request.nodeid, name, xattrTarget(w, size)), size);
    }

    private Outcome listxattr(RequestScratch w) {
        need(w, GetxattrIn.SIZE);
        long size = GetxattrIn.size(w.request.in, ARGS);
        return xattrReply(w, fs.listxattr(w.request.caller, w.request.nodeid, xattrTarget(w, size)), size);
    }

    private Outcome opendir(RequestScratch w) {
        need(w, OpenIn.SIZE);
        int r = fs.opendir(w.request.caller, w.request.nodeid, OpenIn.flags(w.request.in, ARGS), w.opened);
        return w.outcome.argsOrError(r < 0 ? r : Replies.openOut(w.out, OUT, w.opened));
    }

    private Outcome readdir(RequestScratch w) {
        need(w, ReadIn.SIZE);
        MemorySegment in = w.request.in;
        long size = ReadIn.size(in, ARGS);
        w.payloadSize = size;
        boolean plus = w.request.opcode == Opcode.READDIRPLUS.code;
        DirentWriter sink = w.dirents.reset(w.out, OUT, (int) Math.min(size, room(w)), plus);
        int r = fs.readdir(w.request.caller, w.request.nodeid, ReadIn.fh(in, ARGS), ReadIn.offset(in, ARGS), plus, sink);
        // entries already encoded stand even when reading further failed
        return w.outcome.argsOrError(sink.written() > 0 || r >= 0 ? sink.written() : r);
    }

    private Outcome access(RequestScratch w) {
        need(w, AccessIn.SIZE);
        return w.outcome.argsOrError(fs.access(w.request.caller, w.request.nodeid, AccessIn.mask(w.request.in, ARGS)));
    }

    private Outcome create(RequestScratch w) {
        need(w, CreateIn.SIZE);
        MemorySegment in = w.request.in;
        MemorySegment name = Names.single(in, ARGS + CreateIn.SIZE, w.end, false);
        int r = fs.create(w.request.caller, w.request.nodeid, name, CreateIn.flags(in, ARGS), CreateIn.mode(in, ARGS),
                CreateIn.umask(in, ARGS), CreateIn.openFlags(in, ARGS), w.entry, w.opened);
        if (r < 0) return w.outcome.argsOrError(r);
        int n = Replies.entry(w.out, OUT, w.entry);
        return w.outcome.args(n + Replies.openOut(w.out, OUT + n, w.opened));
    }

    private Outcome fallocate(RequestScratch w) {
        need(w, FallocateIn.SIZE);
        MemorySegment in = w.request.in;
        return w.outcome.argsOrError(fs.fallocate(w.request.caller, w.request.nodeid, FallocateIn.fh(in, ARGS), FallocateIn.mode(in, ARGS),
                FallocateIn.offset(in, ARGS), FallocateIn.length(in, ARGS)));
    }

    private Outcome lseek(RequestScratch w) {
        need(w, LseekIn.SIZE);
        MemorySegment in = w.request.in;
        long pos = fs.lseek(w.request.caller, w.request.nodeid, LseekIn.fh(in, ARGS), LseekIn.offset(in, ARGS), LseekIn.whence(in, ARGS));
        return w.outcome.argsOrError(pos < 0 ? pos : Replies.lseekOut(w.out, OUT, pos));
    }

    private Outcome copyFileRange(RequestScratch w) {
        need(w, CopyFileRangeIn.SIZE);
        MemorySegment in = w.request.in;
        long n = fs.copyFileRange(w.request.caller, w.request.nodeid, CopyFileRangeIn.fhIn(in, ARGS), CopyFileRangeIn.offIn(in, ARGS),
                CopyFileRangeIn.nodeidOut(in, ARGS), CopyFileRangeIn.fhOut(in, ARGS), CopyFileRangeIn.offOut(in, ARGS),
                CopyFileRangeIn.len(in, ARGS), (int) CopyFileRangeIn.flags(in, ARGS));
        if (n < 0) return w.outcome.argsOrError(n);
        w.payloadSize = n;
        return w.outcome.args(Replies.writeOut(w.out, OUT, n));
    }
}
