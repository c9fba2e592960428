package dev.fusebench.fuse;

import dev.fusebench.passthrough.CachePolicy;
import dev.fusebench.passthrough.PassthroughFs;
import dev.fusebench.sys.Flags;
import dev.fusebench.testing.MountedFs;
import dev.fusebench.testing.RecordingFs;
import dev.fusebench.testing.Requests;
import dev.fusebench.testing.ServerHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import static dev.fusebench.testing.Requests.KERNEL_FLAGS;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Reply bytes compared with arrays laid out from the kernel's struct definitions
 * (include/uapi/linux/fuse.h, protocol 7.45), not read back through our own decoders: the INIT
 * reply for both presets and a custom variant, and ENTRY, ATTR, OPEN, WRITE and STATFS replies
 * for a file whose attributes come from stat(1).
 */
class GoldenReplyTest {
    @TempDir Path tmp;
    Path share;

    static ByteBuffer le(int size) { return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN); }

    static void assertBytes(byte[] expected, byte[] actual, String what) {
        assertEquals(HexFormat.of().formatHex(expected), HexFormat.of().formatHex(actual), what);
    }

    /**
     * struct fuse_init_out: major u32 @0, minor u32 @4, max_readahead u32 @8, flags u32 @12,
     * max_background u16 @16, congestion_threshold u16 @18, max_write u32 @20, time_gran u32 @24,
     * max_pages u16 @28, map_alignment u16 @30, flags2 u32 @32, max_stack_depth u32 @36,
     * request_timeout u16 @40, unused u16[11] @42; 64 bytes.
     */
    static byte[] initOut(int minor, int readahead, int flags, int background, int congestion, int maxWrite, int maxPages) {
        return le(64).putInt(0, 7).putInt(4, minor).putInt(8, readahead).putInt(12, flags).putShort(16, (short) background)
                .putShort(18, (short) congestion).putInt(20, maxWrite).putInt(24, 1).putShort(28, (short) maxPages).array();
    }

    static byte[] initReply(NegotiationSettings s) {
        try (ServerHarness h = new ServerHarness(new RecordingFs(), s)) {
            ServerHarness.Reply r = h.call(Requests.init(38, KERNEL_FLAGS)); // a 7.38 kernel offering 128 KiB readahead
            assertEquals(0, r.error());
            return r.body();
        }
    }

    // the flags both presets accept, as the 6.1 kernel offers them: ASYNC_READ (1 << 0), ATOMIC_O_TRUNC (1 << 3),
    // BIG_WRITES (1 << 5), AUTO_INVAL_DATA (1 << 12), DO_READDIRPLUS (1 << 13), READDIRPLUS_AUTO (1 << 14),
    // ASYNC_DIO (1 << 15), PARALLEL_DIROPS (1 << 18); MAX_PAGES is 1 << 22
    static final int BASE = 0x0004F029, MAX_PAGES = 1 << 22;

    @Test
    void initRepliesOfBothPresetsAndACustomVariant() {
        assertBytes(initOut(38, 131072, BASE, 0, 0, 128 * 1024, 0), initReply(NegotiationSettings.BASELINE), "baseline");
        assertBytes(initOut(38, 131072, BASE | MAX_PAGES, 0, 0, 1 << 20, 256), initReply(NegotiationSettings.MAX_PAGES), "max-pages");
        NegotiationSettings custom = Variant.parse(
                "mp64:max_pages=64,max_background=64,congestion_threshold=48,-ASYNC_READ,max_readahead=65536").init();
        assertBytes(initOut(38, 65536, (BASE & ~1) | MAX_PAGES, 64, 48, 1 << 20, 64), initReply(custom), "mp64");
    }

    PassthroughFs fs;
    ServerHarness h;

    @AfterEach
    void tearDown() throws Exception {
        if (h != null) h.close();
        if (fs != null) fs.close();
        if (share != null) MountedFs.sh(tmp, "umount", share.toString());
    }

    /** stat(1) of a path: the fields as it prints them for the format. */
    String[] stat(String format, Path p) throws Exception {
        return MountedFs.sh(tmp, "stat", "-c", format, p.toString()).strip().split(" ");
    }

    /**
     * struct fuse_attr: ino u64 @0, size @8, blocks @16, atime @24, mtime @32, ctime @40,
     * atimensec u32 @48, mtimensec @52, ctimensec @56, mode @60, nlink @64, uid @68, gid @72,
     * rdev @76, blksize @80, flags @84; 88 bytes.
     */
    ByteBuffer attr(ByteBuffer b, int at, Path file) throws Exception {
        String[] f = stat("%i %s %b %.9X %.9Y %.9Z %f %h %u %g %o", file);
        b.putLong(at, Long.parseLong(f[0])).putLong(at + 8, Long.parseLong(f[1])).putLong(at + 16, Long.parseLong(f[2]));
        for (int i = 0; i < 3; i++) {
            String[] t = f[3 + i].split("\\.");
            b.putLong(at + 24 + 8 * i, Long.parseLong(t[0]));
            b.putInt(at + 48 + 4 * i, Integer.parseInt(t[1]));
        }
        b.putInt(at + 60, Integer.parseInt(f[6], 16)).putInt(at + 64, Integer.parseInt(f[7])).putInt(at + 68, Integer.parseInt(f[8]))
                .putInt(at + 72, Integer.parseInt(f[9])).putInt(at + 76, 0).putInt(at + 80, Integer.parseInt(f[10])).putInt(at + 84, 0);
        return b;
    }

    @Test
    void entryAttrOpenWriteAndStatfsReplies() throws Exception {
        share = Files.createDirectories(tmp.resolve("share"));
        MountedFs.sh(tmp, "mount", "-t", "tmpfs", "-o", "size=8m,nr_inodes=1000", "golden", share.toString()); // still counts for statfs
        Path file = share.resolve("f");
        Files.writeString(file, "golden");
        MountedFs.sh(tmp, "chown", "1234:2345", file.toString());
        MountedFs.sh(tmp, "chmod", "0640", file.toString());
        fs = new PassthroughFs(share, CachePolicy.AUTO);
        h = new ServerHarness(fs, NegotiationSettings.MAX_PAGES);
        assertEquals(0, h.init(KERNEL_FLAGS).error());

        // struct fuse_entry_out: nodeid u64 @0, generation @8, entry_valid @16, attr_valid @24,
        // entry_valid_nsec u32 @32, attr_valid_nsec @36, attr @40; 128 bytes. --cache auto: 1 s timeouts.
        byte[] entry = h.call(Requests.lookup(1, "f")).body();
        long nodeid = ByteBuffer.wrap(entry).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertNotEquals(0, nodeid);
        assertBytes(attr(le(128).putLong(0, nodeid).putLong(16, 1).putLong(24, 1), 40, file).array(), entry, "fuse_entry_out");

        // struct fuse_attr_out: attr_valid u64 @0, attr_valid_nsec u32 @8, dummy u32 @12, attr @16; 104 bytes
        assertBytes(attr(le(104).putLong(0, 1), 16, file).array(), h.call(Requests.getattr(nodeid)).body(), "fuse_attr_out");

        // struct fuse_open_out: fh u64 @0, open_flags u32 @8, backing_id i32 @12; 16 bytes (--cache auto: no FOPEN flags)
        byte[] open = h.call(Requests.open(nodeid, Flags.O_RDWR)).body();
        long fh = ByteBuffer.wrap(open).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertBytes(le(16).putLong(0, fh).array(), open, "fuse_open_out");

        // struct fuse_write_out: size u32 @0, padding u32 @4; 8 bytes
        assertBytes(le(8).putInt(0, 5).array(), h.call(Requests.write(nodeid, fh, 0, "GOLD!".getBytes())).body(), "fuse_write_out");

        // struct fuse_kstatfs: blocks u64 @0, bfree @8, bavail @16, files @24, ffree @32, bsize u32 @40,
        // namelen @44, frsize @48, padding @52, spare u32[6] @56; 80 bytes (fuse_statfs_out)
        String[] f = MountedFs.sh(tmp, "stat", "-f", "-c", "%b %f %a %c %d %s %l %S", share.toString()).strip().split(" ");
        ByteBuffer k = le(80);
        for (int i = 0; i < 5; i++) k.putLong(8 * i, Long.parseLong(f[i]));
        k.putInt(40, Integer.parseInt(f[5])).putInt(44, Integer.parseInt(f[6])).putInt(48, Integer.parseInt(f[7]));
        assertBytes(k.array(), h.call(Requests.request(Opcode.STATFS.code, 1)).body(), "fuse_kstatfs");
    }
}
