package dev.fusebench.testing;

import dev.fusebench.fuse.Attr;
import dev.fusebench.fuse.DirSink;
import dev.fusebench.fuse.Entry;
import dev.fusebench.fuse.FileSystem;
import dev.fusebench.fuse.FsStat;
import dev.fusebench.fuse.Negotiation;
import dev.fusebench.fuse.Opened;
import dev.fusebench.fuse.Request;
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
    @Override public int lookup(Request c, long parent, MemorySegment name, Entry out) {
        calls.add("lookup " + parent + " " + s(name)); return entry(out); }
    @Override public void forget(long nodeid, long nlookup) { calls.add("forget " + nodeid + " " + nlookup); }
    @Override public int getattr(Request c, long nodeid, long fh, Attr out) {
        calls.add("getattr " + nodeid + " " + fh); return attr(out); }
    @Override public int setattr(Request c, long nodeid, SetAttr in, Attr out) {
        calls.add("setattr " + nodeid + " valid=" + in.valid + " mode=" + Integer.toOctalString(in.mode)
                + " uid=" + in.uid + " size=" + in.size);
        return attr(out); }
    @Override public int readlink(Request c, long nodeid, MemorySegment dst) {
        calls.add("readlink " + nodeid); dst.set(JAVA_BYTE, 0, (byte) 'x'); return 1; }
    @Override public int symlink(Request c, long parent, MemorySegment name, MemorySegment target, Entry out) {
        calls.add("symlink " + parent + " " + s(name) + " -> " + s(target)); return entry(out); }
    @Override public int mknod(Request c, long parent, MemorySegment name, int mode, int rdev, int umask, Entry out) {
        calls.add("mknod " + parent + " " + s(name) + " " + Integer.toOctalString(mode) + " umask=" + Integer.toOctalString(umask)); return entry(out); }
    @Override public int mkdir(Request c, long parent, MemorySegment name, int mode, int umask, Entry out) {
        calls.add("mkdir " + parent + " " + s(name) + " " + Integer.toOctalString(mode)); return entry(out); }
    @Override public int unlink(Request c, long parent, MemorySegment name) { calls.add("unlink " + parent + " " + s(name)); return 0; }
    @Override public int rmdir(Request c, long parent, MemorySegment name) { calls.add("rmdir " + parent + " " + s(name)); return 0; }
    @Override public int rename(Request c, long parent, MemorySegment name, long np, MemorySegment nn, int flags) {
        calls.add("rename " + parent + " " + s(name) + " " + np + " " + s(nn) + " flags=" + flags); return 0; }
    @Override public int link(Request c, long nodeid, long np, MemorySegment nn, Entry out) {
        calls.add("link " + nodeid + " " + np + " " + s(nn)); return entry(out); }
    @Override public int open(Request c, long nodeid, int flags, int openFlags, Opened out) {
        calls.add("open " + nodeid + " flags=" + Integer.toOctalString(flags)); return opened(out, 7); }
    @Override public long read(Request c, long nodeid, long fh, long offset, IoVecs dst) {
        calls.add("read " + nodeid + " fh=" + fh + " off=" + offset + " size=" + dst.totalBytes()); return 0; }
    @Override public long write(Request c, long nodeid, long fh, long offset, IoVecs src, int writeFlags) {
        calls.add("write " + nodeid + " fh=" + fh + " off=" + offset + " size=" + src.totalBytes());
        lastWriteData = MemorySegment.ofAddress(src.address(0)).reinterpret(src.length(0)).toArray(JAVA_BYTE);
        return src.totalBytes(); }
    @Override public int statfs(Request c, long nodeid, FsStat out) {
        calls.add("statfs " + nodeid);
        out.blocks = out.bfree = out.bavail = out.files = out.ffree = out.bsize = out.namelen = out.frsize = 0;
        return 0; }
    @Override public int release(Request c, long nodeid, long fh, int flags) { calls.add("release " + nodeid + " fh=" + fh); return 0; }
    @Override public int flush(Request c, long nodeid, long fh) { calls.add("flush " + nodeid + " fh=" + fh); return 0; }
    @Override public int fsync(Request c, long nodeid, long fh, boolean dataOnly) { calls.add("fsync " + nodeid + " fh=" + fh + " data=" + dataOnly); return 0; }
    @Override public int setxattr(Request c, long nodeid, MemorySegment name, MemorySegment value, int flags) {
        calls.add("setxattr " + nodeid + " " + s(name) + "=" + new String(value.toArray(JAVA_BYTE), StandardCharsets.UTF_8)); return 0; }
    @Override public long getxattr(Request c, long nodeid, MemorySegment name, MemorySegment dst) {
        calls.add("getxattr " + nodeid + " " + s(name) + " cap=" + dst.byteSize()); return dst.byteSize() == 0 ? 3 : -61; }
    @Override public long listxattr(Request c, long nodeid, MemorySegment dst) {
        calls.add("listxattr " + nodeid + " cap=" + dst.byteSize()); return 0; }
    @Override public int removexattr(Request c, long nodeid, MemorySegment name) { calls.add("removexattr " + nodeid + " " + s(name)); return 0; }
    @Override public int opendir(Request c, long nodeid, int flags, Opened out) {
        calls.add("opendir " + nodeid); return opened(out, 9); }
    @Override public int readdir(Request c, long nodeid, long fh, long offset, boolean plus, DirSink sink) {
        calls.add((plus ? "readdirplus " : "readdir ") + nodeid + " fh=" + fh + " off=" + offset + " cap=" + sink.capacity()); return 0; }
    @Override public int releasedir(Request c, long nodeid, long fh) { calls.add("releasedir " + nodeid + " fh=" + fh); return 0; }
    @Override public int fsyncdir(Request c, long nodeid, long fh, boolean dataOnly) { calls.add("fsyncdir " + nodeid); return 0; }
    @Override public int access(Request c, long nodeid, int mask) { calls.add("access " + nodeid + " " + mask); return 0; }
    @Override public int create(Request c, long parent, MemorySegment name, int flags, int mode, int umask, int openFlags, Entry entry, Opened opened) {
        calls.add("create " + parent + " " + s(name) + " flags=" + Integer.toOctalString(flags) + " mode=" + Integer.toOctalString(mode));
        entry(entry);
        return opened(opened, 7); }
    @Override public int fallocate(Request c, long nodeid, long fh, int mode, long offset, long length) {
        calls.add("fallocate " + nodeid + " fh=" + fh + " mode=" + mode + " off=" + offset + " len=" + length); return 0; }
    @Override public long lseek(Request c, long nodeid, long fh, long offset, int whence) {
        calls.add("lseek " + nodeid + " fh=" + fh + " off=" + offset + " whence=" + whence); return offset; }
    @Override public long copyFileRange(Request c, long nodeIn, long fhIn, long offIn, long nodeOut, long fhOut, long offOut, long len, int flags) {
        calls.add("copy_file_range " + nodeIn + " fh=" + fhIn + " -> " + nodeOut + " fh=" + fhOut + " len=" + len); return len; }
}
