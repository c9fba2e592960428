package dev.fusebench.testing;

import dev.fusebench.fuse.Attr;
import dev.fusebench.fuse.Caller;
import dev.fusebench.fuse.DirSink;
import dev.fusebench.fuse.Entry;
import dev.fusebench.fuse.FileSystem;
import dev.fusebench.fuse.FsStat;
import dev.fusebench.fuse.Negotiation;
import dev.fusebench.fuse.Opened;
import dev.fusebench.fuse.SetAttr;
import dev.fusebench.sys.IoVecs;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/** A file system that records each call with its decoded arguments, for decoding tests. */
public final class RecordingFs implements FileSystem {
    public final List<String> calls = new ArrayList<>();
    public byte[] lastWriteData;
    /** Who the last CREATE came from, as {@link Caller#toString} put it during the call. */
    public String lastCreator;

    static String s(MemorySegment cstr) {
        long n = cstr.byteSize();
        if (n == 0 || cstr.get(JAVA_BYTE, n - 1) != 0) throw new AssertionError("name without its NUL");
        return new String(cstr.asSlice(0, n - 1).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
    }

    private static int entry(Entry out) {
        out.stat.seg.fill((byte) 0);
        out.nodeid = 42;
        out.timeoutSeconds = 0;
        return 0;
    }

    private static int attr(Attr out) {
        out.stat.seg.fill((byte) 0);
        out.timeoutSeconds = 0;
        return 0;
    }

    private static int opened(Opened out, long fh) {
        out.fh = fh;
        out.openFlags = 0;
        return 0;
    }

    @Override public void init(Negotiation n, dev.fusebench.fuse.BackingFiles backing) { calls.add("init"); }
    @Override public void destroy() { calls.add("destroy"); }
    @Override public int lookup(Caller c, long parent, MemorySegment name, Entry out) {
        calls.add("lookup " + parent + " " + s(name)); return entry(out); }
    @Override public void forget(long nodeid, long nlookup) { calls.add("forget " + nodeid + " " + nlookup); }
    @Override public int getattr(Caller c, long nodeid, long fh, Attr out) {
        calls.add("getattr " + nodeid + " " + fh); return attr(out); }
    @Override public int setattr(Caller c, long nodeid, SetAttr in, Attr out) {
        calls.add("setattr " + nodeid + " valid=" + in.valid + " mode=" + Integer.toOctalString(in.mode)
                + " uid=" + in.uid + " size=" + in.size);
        return attr(out); }
    @Override public int readlink(Caller c, long nodeid, MemorySegment dst) {
        calls.add("readlink " + nodeid); dst.set(JAVA_BYTE, 0, (byte) 'x'); return 1; }
    @Override public int symlink(Caller c, long parent, MemorySegment name, MemorySegment target, Entry out) {
        calls.add("symlink " + parent + " " + s(name) + " -> " + s(target)); return entry(out); }
    @Override public int mknod(Caller c, long parent, MemorySegment name, int mode, int rdev, int umask, Entry out) {
        calls.add("mknod " + parent + " " + s(name) + " " + Integer.toOctalString(mode) + " umask=" + Integer.toOctalString(umask)); return entry(out); }
    @Override public int mkdir(Caller c, long parent, MemorySegment name, int mode, int umask, Entry out) {
        calls.add("mkdir " + parent + " " + s(name) + " " + Integer.toOctalString(mode)); return entry(out); }
    @Override public int unlink(Caller c, long parent, MemorySegment name) { calls.add("unlink " + parent + " " + s(name)); return 0; }
    @Override public int rmdir(Caller c, long parent, MemorySegment name) { calls.add("rmdir " + parent + " " + s(name)); return 0; }
    @Override public int rename(Caller c, long parent, MemorySegment name, long np, MemorySegment nn, int flags) {
        calls.add("rename " + parent + " " + s(name) + " " + np + " " + s(nn) + " flags=" + flags); return 0; }
    @Override public int link(Caller c, long nodeid, long np, MemorySegment nn, Entry out) {
        calls.add("link " + nodeid + " " + np + " " + s(nn)); return entry(out); }
    @Override public int open(Caller c, long nodeid, int flags, int openFlags, Opened out) {
        calls.add("open " + nodeid + " flags=" + Integer.toOctalString(flags)); return opened(out, 7); }
    @Override public long read(Caller c, long nodeid, long fh, long offset, IoVecs dst) {
        calls.add("read " + nodeid + " fh=" + fh + " off=" + offset + " size=" + dst.totalBytes()); return 0; }
    @Override public long write(Caller c, long nodeid, long fh, long offset, IoVecs src, int writeFlags) {
        calls.add("write " + nodeid + " fh=" + fh + " off=" + offset + " size=" + src.totalBytes());
        lastWriteData = MemorySegment.ofAddress(src.address(0)).reinterpret(src.length(0)).toArray(JAVA_BYTE);
        return src.totalBytes(); }
    @Override public int statfs(Caller c, long nodeid, FsStat out) {
        calls.add("statfs " + nodeid);
        out.blocks = out.bfree = out.bavail = out.files = out.ffree = out.bsize = out.namelen = out.frsize = 0;
        return 0; }
    @Override public int release(Caller c, long nodeid, long fh, int flags) { calls.add("release " + nodeid + " fh=" + fh); return 0; }
    @Override public int flush(Caller c, long nodeid, long fh) { calls.add("flush " + nodeid + " fh=" + fh); return 0; }
    @Override public int fsync(Caller c, long nodeid, long fh, boolean dataOnly) { calls.add("fsync " + nodeid + " fh=" + fh + " data=" + dataOnly); return 0; }
    @Override public int setxattr(Caller c, long nodeid, MemorySegment name, MemorySegment value, int flags) {
        calls.add("setxattr " + nodeid + " " + s(name) + "=" + new String(value.toArray(JAVA_BYTE), StandardCharsets.UTF_8)); return 0; }
    @Override public long getxattr(Caller c, long nodeid, MemorySegment name, MemorySegment dst) {
        calls.add("getxattr " + nodeid + " " + s(name) + " cap=" + dst.byteSize()); return dst.byteSize() == 0 ? 3 : -61; }
    @Override public long listxattr(Caller c, long nodeid, MemorySegment dst) {
        calls.add("listxattr " + nodeid + " cap=" + dst.byteSize()); return 0; }
    @Override public int removexattr(Caller c, long nodeid, MemorySegment name) { calls.add("removexattr " + nodeid + " " + s(name)); return 0; }
    @Override public int opendir(Caller c, long nodeid, int flags, Opened out) {
        calls.add("opendir " + nodeid); return opened(out, 9); }
    @Override public int readdir(Caller c, long nodeid, long fh, long offset, boolean plus, DirSink sink) {
        calls.add((plus ? "readdirplus " : "readdir ") + nodeid + " fh=" + fh + " off=" + offset + " cap=" + sink.capacity()); return 0; }
    @Override public int releasedir(Caller c, long nodeid, long fh) { calls.add("releasedir " + nodeid + " fh=" + fh); return 0; }
    @Override public int fsyncdir(Caller c, long nodeid, long fh, boolean dataOnly) { calls.add("fsyncdir " + nodeid); return 0; }
    @Override public int access(Caller c, long nodeid, int mask) { calls.add("access " + nodeid + " " + mask); return 0; }
    @Override public int create(Caller c, long parent, MemorySegment name, int flags, int mode, int umask, int openFlags, Entry entry, Opened opened) {
        calls.add("create " + parent + " " + s(name) + " flags=" + Integer.toOctalString(flags) + " mode=" + Integer.toOctalString(mode));
        lastCreator = c.toString();
        entry(entry);
        return opened(opened, 7); }
    @Override public int fallocate(Caller c, long nodeid, long fh, int mode, long offset, long length) {
        calls.add("fallocate " + nodeid + " fh=" + fh + " mode=" + mode + " off=" + offset + " len=" + length); return 0; }
    @Override public long lseek(Caller c, long nodeid, long fh, long offset, int whence) {
        calls.add("lseek " + nodeid + " fh=" + fh + " off=" + offset + " whence=" + whence); return offset; }
    @Override public long copyFileRange(Caller c, long nodeIn, long fhIn, long offIn, long nodeOut, long fhOut, long offOut, long len, int flags) {
        calls.add("copy_file_range " + nodeIn + " fh=" + fhIn + " -> " + nodeOut + " fh=" + fhOut + " len=" + len); return len; }
}
