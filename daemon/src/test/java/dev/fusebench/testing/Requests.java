package dev.fusebench.testing;

import dev.fusebench.fuse.InitFlag;
import dev.fusebench.fuse.Opcode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds FUSE requests as the kernel lays them out, for tests that talk to the server directly. */
public final class Requests {
    private Requests() {}

    private static long nextUnique = 2;

    /** header + the given argument bytes; len is set to the total. */
    public static byte[] request(int opcode, long nodeid, byte[]... parts) {
        int len = 40;
        for (byte[] p : parts) len += p.length;
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.nativeOrder());
        b.putInt(len).putInt(opcode).putLong(nextUnique += 2).putLong(nodeid).putInt(0).putInt(0).putInt(1234).putInt(0);
        for (byte[] p : parts) b.put(p);
        return b.array();
    }

    /** The same request as sent on behalf of uid/gid (fuse_in_header.uid and gid). */
    public static byte[] asUser(byte[] request, int uid, int gid) {
        ByteBuffer.wrap(request).order(ByteOrder.nativeOrder()).putInt(24, uid).putInt(28, gid);
        return request;
    }

    /**
     * The same creation with a FUSE_EXT_GROUPS extension holding {@code gid}, as a kernel that
     * negotiated CREATE_SUPP_GROUP sends it: after the arguments, counted in total_extlen.
     */
    public static byte[] withSuppGroup(byte[] request, int gid) {
        ByteBuffer b = ByteBuffer.allocate(request.length + 16).order(ByteOrder.nativeOrder());
        b.put(request).putInt(16).putInt(32).putInt(1).putInt(gid);
        b.putInt(0, request.length + 16).putShort(36, (short) 2);
        return b.array();
    }

    public static byte[] cstr(String s) {
        byte[] u = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[u.length + 1];
        System.arraycopy(u, 0, out, 0, u.length);
        return out;
    }

    public static byte[] ints(int... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.nativeOrder());
        for (int x : v) b.putInt(x);
        return b.array();
    }

    public static byte[] longs(long... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.nativeOrder());
        for (long x : v) b.putLong(x);
        return b.array();
    }

    /** FUSE_INIT as a 6.1 guest kernel sends it (7.38 with FUSE_INIT_EXT). */
    public static byte[] init(int minor, long flags) {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.nativeOrder());
        b.putInt(7).putInt(minor).putInt(128 * 1024).putInt((int) flags).putInt((int) (flags >>> 32));
        return request(Opcode.INIT.code, 0, b.array());
    }

    /** The offer of a real 6.1 guest kernel. */
    public static final long KERNEL_FLAGS = InitFlag.LINUX_6_1_VIRTIOFS_OFFER;

    public static byte[] lookup(long parent, String name) { return request(Opcode.LOOKUP.code, parent, cstr(name)); }

    public static byte[] open(long nodeid, int flags) { return request(Opcode.OPEN.code, nodeid, ints(flags, 0)); }

    public static byte[] read(long nodeid, long fh, long offset, int size) {
        return request(Opcode.READ.code, nodeid, longs(fh, offset), ints(size, 0), longs(0), ints(0, 0));
    }

    public static byte[] write(long nodeid, long fh, long offset, byte[] data) {
        return request(Opcode.WRITE.code, nodeid, longs(fh, offset), ints(data.length, 0), longs(0), ints(0, 0), data);
    }

    /** A WRITE carrying fuse_write_in.write_flags (FUSE_WRITE_KILL_SUIDGID = 4 from a caller without CAP_FSETID). */
    public static byte[] write(long nodeid, long fh, long offset, byte[] data, int writeFlags) {
        return request(Opcode.WRITE.code, nodeid, longs(fh, offset), ints(data.length, writeFlags), longs(0), ints(0, 0), data);
    }

    /** OPEN with fuse_open_in.open_flags (FUSE_OPEN_KILL_SUIDGID = 1). */
    public static byte[] open(long nodeid, int flags, int openFlags) { return request(Opcode.OPEN.code, nodeid, ints(flags, openFlags)); }

    /** SETATTR (fuse_setattr_in, 88 bytes): valid, fh, size and mode; times, uid and gid zero. */
    public static byte[] setattr(long nodeid, int valid, long fh, long size, int mode) {
        return request(Opcode.SETATTR.code, nodeid, ints(valid, 0), longs(fh, size, 0, 0, 0, 0), ints(0, 0, 0, mode, 0, 0, 0, 0));
    }

    public static byte[] create(long parent, String name, int flags, int mode) {
        return request(Opcode.CREATE.code, parent, ints(flags, mode, 0, 0), cstr(name));
    }

    public static byte[] symlink(long parent, String name, String target) {
        return request(Opcode.SYMLINK.code, parent, cstr(name), cstr(target));
    }

    public static byte[] mkdir(long parent, String name, int mode) {
        return request(Opcode.MKDIR.code, parent, ints(mode, 0), cstr(name));
    }

    public static byte[] rename(long parent, String name, long newParent, String newName) {
        return request(Opcode.RENAME.code, parent, longs(newParent), cstr(name), cstr(newName));
    }

    public static byte[] link(long nodeid, long newParent, String newName) {
        return request(Opcode.LINK.code, newParent, longs(nodeid), cstr(newName));
    }

    public static byte[] opendir(long nodeid) { return request(Opcode.OPENDIR.code, nodeid, ints(0, 0)); }

    public static byte[] readdir(int opcode, long nodeid, long fh, long offset, int size) {
        return request(opcode, nodeid, longs(fh, offset), ints(size, 0), longs(0), ints(0, 0));
    }

    public static byte[] forget(long nodeid, long n) { return request(Opcode.FORGET.code, nodeid, longs(n)); }

    public static byte[] release(long nodeid, long fh) { return request(Opcode.RELEASE.code, nodeid, longs(fh), ints(0, 0), longs(0)); }

    public static byte[] getattr(long nodeid) { return request(Opcode.GETATTR.code, nodeid, ints(0, 0), longs(0)); }

    public static byte[] flush(long nodeid, long fh) { return request(Opcode.FLUSH.code, nodeid, longs(fh), ints(0, 0), longs(0)); }

    public static byte[] syncfs() { return request(Opcode.SYNCFS.code, 1, longs(0)); }

    public static byte[] destroy() { return request(Opcode.DESTROY.code, 0); }

    /** CREATE with fuse_create_in.umask (applied by us only when DONT_MASK was negotiated). */
    public static byte[] create(long parent, String name, int flags, int mode, int umask) {
        return request(Opcode.CREATE.code, parent, ints(flags, mode, umask, 0), cstr(name));
    }

    public static byte[] mkdir(long parent, String name, int mode, int umask) {
        return request(Opcode.MKDIR.code, parent, ints(mode, umask), cstr(name));
    }

    public static byte[] mknod(long parent, String name, int mode, int umask) {
        return request(Opcode.MKNOD.code, parent, ints(mode, 0, umask, 0), cstr(name));
    }

    /** SETXATTR without SETXATTR_EXT (fuse_setxattr_in: size, flags). */
    public static byte[] setxattr(long nodeid, String name, byte[] value) {
        return request(Opcode.SETXATTR.code, nodeid, ints(value.length, 0), cstr(name), value);
    }

    public static byte[] getxattr(long nodeid, String name, int size) {
        return request(Opcode.GETXATTR.code, nodeid, ints(size, 0), cstr(name));
    }

    public static byte[] listxattr(long nodeid, int size) { return request(Opcode.LISTXATTR.code, nodeid, ints(size, 0)); }

    public static byte[] removexattr(long nodeid, String name) { return request(Opcode.REMOVEXATTR.code, nodeid, cstr(name)); }
}
