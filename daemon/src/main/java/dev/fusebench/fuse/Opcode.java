package dev.fusebench.fuse;

/**
 * FUSE opcodes (include/uapi/linux/fuse.h), declared once: each constant's {@link #code} is its
 * number on the wire and its name is what statistics call it. Requests carry the number; the
 * dispatch table and the statistics are indexed by it ({@link #slot}).
 */
public enum Opcode {
    LOOKUP(1), FORGET(2), GETATTR(3), SETATTR(4), READLINK(5), SYMLINK(6), MKNOD(8), MKDIR(9), UNLINK(10),
    RMDIR(11), RENAME(12), LINK(13), OPEN(14), READ(15), WRITE(16), STATFS(17), RELEASE(18), FSYNC(20),
    SETXATTR(21), GETXATTR(22), LISTXATTR(23), REMOVEXATTR(24), FLUSH(25), INIT(26), OPENDIR(27), READDIR(28),
    RELEASEDIR(29), FSYNCDIR(30), GETLK(31), SETLK(32), SETLKW(33), ACCESS(34), CREATE(35), INTERRUPT(36),
    BMAP(37), DESTROY(38), IOCTL(39), POLL(40), NOTIFY_REPLY(41), BATCH_FORGET(42), FALLOCATE(43),
    READDIRPLUS(44), RENAME2(45), LSEEK(46), COPY_FILE_RANGE(47), SETUPMAPPING(48), REMOVEMAPPING(49),
    SYNCFS(50), TMPFILE(51), STATX(52);

    /** The opcode's number in fuse_in_header. */
    public final int code;

    Opcode(int code) { this.code = code; }

    /** Opcodes at or above this share one statistics slot, "OTHER". */
    public static final int TABLE_SIZE = 64;
    public static final int OTHER = TABLE_SIZE - 1;

    private static final String[] NAMES = new String[TABLE_SIZE];
    static {
        for (int i = 0; i < TABLE_SIZE; i++) NAMES[i] = "OP_" + i;
        for (Opcode o : values()) NAMES[o.code] = o.name();
        NAMES[OTHER] = "OTHER";
    }

    /** The statistics slot of an opcode number. */
    public static int slot(int opcode) { return opcode > 0 && opcode < OTHER ? opcode : OTHER; }

    /** The name of an opcode number ("OP_n" for one this version does not know, "OTHER" past the table). */
    public static String name(int opcode) { return NAMES[slot(opcode)]; }
}
