package dev.fusebench.wire;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.StructLayout;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every wire struct's size and field offsets against the C headers. The numbers are written out
 * from include/uapi/linux/fuse.h 7.45 (Linux 6.18), virtio_ring.h, QEMU's vhost-user.rst and the
 * x86_64 glibc headers, not computed from our layouts: a field added, dropped or resized fails here.
 */
class WireLayoutTest {

    /** Asserts the size and, for each name/offset pair, the field's offset; and that no field is left unchecked. */
    private static void assertStruct(StructLayout s, long size, Object... nameOffset) {
        assertEquals(size, s.byteSize(), s.name().orElse("?") + " size");
        List<String> checked = new ArrayList<>();
        for (int i = 0; i < nameOffset.length; i += 2) {
            String name = (String) nameOffset[i];
            long expected = ((Number) nameOffset[i + 1]).longValue();
            assertEquals(expected, s.byteOffset(PathElement.groupElement(name)), s.name().orElse("?") + "." + name);
            checked.add(name);
        }
        for (MemoryLayout m : s.memberLayouts()) {
            assertEquals(true, checked.contains(m.name().orElseThrow()), s.name().orElse("?") + "." + m.name().orElseThrow() + " not checked");
        }
    }

    @Test
    void fuseRequestStructs() {
        assertStruct(FuseIn.Header.LAYOUT, 40, "len", 0, "opcode", 4, "unique", 8, "nodeid", 16, "uid", 24, "gid", 28,
                "pid", 32, "total_extlen", 36, "padding", 38);
        assertStruct(FuseIn.InitIn.LAYOUT, 64, "major", 0, "minor", 4, "max_readahead", 8, "flags", 12, "flags2", 16, "unused", 20);
        assertEquals(16, FuseIn.InitIn.LEGACY_SIZE); // FUSE_COMPAT_INIT_IN... the 7.35 size
        assertStruct(FuseIn.GetattrIn.LAYOUT, 16, "getattr_flags", 0, "dummy", 4, "fh", 8);
        assertStruct(FuseIn.SetattrIn.LAYOUT, 88, "valid", 0, "padding", 4, "fh", 8, "size", 16, "lock_owner", 24,
                "atime", 32, "mtime", 40, "ctime", 48, "atimensec", 56, "mtimensec", 60, "ctimensec", 64, "mode", 68,
                "unused4", 72, "uid", 76, "gid", 80, "unused5", 84);
        assertStruct(FuseIn.OpenIn.LAYOUT, 8, "flags", 0, "open_flags", 4);
        assertStruct(FuseIn.CreateIn.LAYOUT, 16, "flags", 0, "mode", 4, "umask", 8, "open_flags", 12);
        assertStruct(FuseIn.MknodIn.LAYOUT, 16, "mode", 0, "rdev", 4, "umask", 8, "padding", 12);
        assertStruct(FuseIn.MkdirIn.LAYOUT, 8, "mode", 0, "umask", 4);
        assertStruct(FuseIn.RenameIn.LAYOUT, 8, "newdir", 0);
        assertStruct(FuseIn.RenameIn.LAYOUT2, 16, "newdir", 0, "flags", 8, "padding", 12);
        assertStruct(FuseIn.LinkIn.LAYOUT, 8, "oldnodeid", 0);
        assertStruct(FuseIn.Extension.HEADER, 8, "size", 0, "type", 4);
        assertStruct(FuseIn.Extension.SUPP_GROUPS, 4, "nr_groups", 0);
        assertStruct(FuseIn.ReadIn.LAYOUT, 40, "fh", 0, "offset", 8, "size", 16, "read_flags", 20, "lock_owner", 24, "flags", 32, "padding", 36);
        assertStruct(FuseIn.WriteIn.LAYOUT, 40, "fh", 0, "offset", 8, "size", 16, "write_flags", 20, "lock_owner", 24, "flags", 32, "padding", 36);
        assertStruct(FuseIn.ReleaseIn.LAYOUT, 24, "fh", 0, "flags", 8, "release_flags", 12, "lock_owner", 16);
        assertStruct(FuseIn.FlushIn.LAYOUT, 24, "fh", 0, "unused", 8, "padding", 12, "lock_owner", 16);
        assertStruct(FuseIn.FsyncIn.LAYOUT, 16, "fh", 0, "fsync_flags", 8, "padding", 12);
        assertStruct(FuseIn.SetxattrIn.LAYOUT, 16, "size", 0, "flags", 4, "setxattr_flags", 8, "padding", 12);
        assertEquals(8, FuseIn.SetxattrIn.COMPAT_SIZE); // FUSE_COMPAT_SETXATTR_IN_SIZE
        assertStruct(FuseIn.GetxattrIn.LAYOUT, 8, "size", 0, "padding", 4);
        assertStruct(FuseIn.AccessIn.LAYOUT, 8, "mask", 0, "padding", 4);
        assertStruct(FuseIn.ForgetIn.LAYOUT, 8, "nlookup", 0);
        assertStruct(FuseIn.ForgetIn.BATCH, 8, "count", 0, "dummy", 4);
        assertStruct(FuseIn.ForgetIn.ONE, 16, "nodeid", 0, "nlookup", 8);
        assertStruct(FuseIn.InterruptIn.LAYOUT, 8, "unique", 0);
        assertStruct(FuseIn.FallocateIn.LAYOUT, 32, "fh", 0, "offset", 8, "length", 16, "mode", 24, "padding", 28);
        assertStruct(FuseIn.LseekIn.LAYOUT, 24, "fh", 0, "offset", 8, "whence", 16, "padding", 20);
        assertStruct(FuseIn.CopyFileRangeIn.LAYOUT, 56, "fh_in", 0, "off_in", 8, "nodeid_out", 16, "fh_out", 24,
                "off_out", 32, "len", 40, "flags", 48);
    }

    @Test
    void fuseReplyStructs() {
        assertStruct(FuseOut.Header.LAYOUT, 16, "len", 0, "error", 4, "unique", 8);
        assertStruct(FuseOut.InitOut.LAYOUT, 64, "major", 0, "minor", 4, "max_readahead", 8, "flags", 12,
                "max_background", 16, "congestion_threshold", 18, "max_write", 20, "time_gran", 24, "max_pages", 28,
                "map_alignment", 30, "flags2", 32, "max_stack_depth", 36, "request_timeout", 40, "unused", 42);
        assertStruct(FuseOut.Attr.LAYOUT, 88, "ino", 0, "size", 8, "blocks", 16, "atime", 24, "mtime", 32, "ctime", 40,
                "atimensec", 48, "mtimensec", 52, "ctimensec", 56, "mode", 60, "nlink", 64, "uid", 68, "gid", 72,
                "rdev", 76, "blksize", 80, "flags", 84);
        assertStruct(FuseOut.EntryOut.LAYOUT, 128, "nodeid", 0, "generation", 8, "entry_valid", 16, "attr_valid", 24,
                "entry_valid_nsec", 32, "attr_valid_nsec", 36, "attr", 40);
        assertStruct(FuseOut.AttrOut.LAYOUT, 104, "attr_valid", 0, "attr_valid_nsec", 8, "dummy", 12, "attr", 16);
        assertStruct(FuseOut.OpenOut.LAYOUT, 16, "fh", 0, "open_flags", 8, "backing_id", 12);
        assertStruct(FuseOut.WriteOut.LAYOUT, 8, "size", 0, "padding", 4);
        assertStruct(FuseOut.GetxattrOut.LAYOUT, 8, "size", 0, "padding", 4);
        assertStruct(FuseOut.LseekOut.LAYOUT, 8, "offset", 0);
        assertStruct(FuseOut.StatfsOut.LAYOUT, 80, "blocks", 0, "bfree", 8, "bavail", 16, "files", 24, "ffree", 32,
                "bsize", 40, "namelen", 44, "frsize", 48, "padding", 52, "spare", 56);
        assertStruct(FuseOut.Dirent.LAYOUT, 24, "ino", 0, "off", 8, "namelen", 16, "type", 20); // FUSE_NAME_OFFSET
        assertStruct(FuseOut.Dirent.PLUS, 152, "entry_out", 0, "dirent", 128);                // FUSE_NAME_OFFSET_DIRENTPLUS
        assertEquals(32, FuseOut.Dirent.recordSize(5));                                      // FUSE_DIRENT_SIZE
        assertEquals(24, FuseOut.Dirent.recordSize(0));
    }

    @Test
    void virtioAndVhostUser() {
        assertStruct(VirtioRing.Desc.LAYOUT, 16, "addr", 0, "len", 8, "flags", 12, "next", 14);
        assertStruct(VirtioRing.Avail.HEADER, 4, "flags", 0, "idx", 2);
        assertStruct(VirtioRing.Used.HEADER, 4, "flags", 0, "idx", 2);
        assertStruct(VirtioRing.Used.ELEM, 8, "id", 0, "len", 4);
        assertEquals(6 + 2 * 128, VirtioRing.Avail.bytes(128)); // vring_avail with used_event
        assertEquals(6 + 8 * 128, VirtioRing.Used.bytes(128));  // vring_used with avail_event
        assertStruct(VhostUserMsg.Header.LAYOUT, 12, "request", 0, "flags", 4, "size", 8);
        assertStruct(VhostUserMsg.VringState.LAYOUT, 8, "index", 0, "num", 4);
        assertStruct(VhostUserMsg.VringAddr.LAYOUT, 40, "index", 0, "flags", 4, "desc_user_addr", 8,
                "used_user_addr", 16, "avail_user_addr", 24, "log_guest_addr", 32);
        assertStruct(VhostUserMsg.MemTable.HEADER, 8, "nregions", 0, "padding", 4);
        assertStruct(VhostUserMsg.MemTable.REGION, 32, "guest_phys_addr", 0, "memory_size", 8, "userspace_addr", 16, "mmap_offset", 24);
        assertStruct(VhostUserMsg.MemRegionMsg.LAYOUT, 40, "padding", 0, "region", 8);
    }

    @Test
    void libcStructs() {
        assertStruct(LibcStructs.Iovec.LAYOUT, 16, "iov_base", 0, "iov_len", 8);
        assertStruct(LibcStructs.Capabilities.HEADER, 8, "version", 0, "pid", 4);
        assertStruct(LibcStructs.Capabilities.DATA, 12, "effective", 0, "permitted", 4, "inheritable", 8);
        assertStruct(LibcStructs.Msghdr.LAYOUT, 56, "msg_name", 0, "msg_namelen", 8, "pad0", 12, "msg_iov", 16,
                "msg_iovlen", 24, "msg_control", 32, "msg_controllen", 40, "msg_flags", 48, "pad1", 52);
        assertStruct(LibcStructs.Cmsghdr.LAYOUT, 16, "cmsg_len", 0, "cmsg_level", 8, "cmsg_type", 12);
        assertStruct(LibcStructs.Pollfd.LAYOUT, 8, "fd", 0, "events", 4, "revents", 6);
        assertStruct(LibcStructs.Stat.LAYOUT, 144, "st_dev", 0, "st_ino", 8, "st_nlink", 16, "st_mode", 24, "st_uid", 28,
                "st_gid", 32, "pad0", 36, "st_rdev", 40, "st_size", 48, "st_blksize", 56, "st_blocks", 64, "st_atime", 72,
                "st_atime_nsec", 80, "st_mtime", 88, "st_mtime_nsec", 96, "st_ctime", 104, "st_ctime_nsec", 112, "reserved", 120);
        assertStruct(LibcStructs.Statfs.LAYOUT, 120, "f_type", 0, "f_bsize", 8, "f_blocks", 16, "f_bfree", 24,
                "f_bavail", 32, "f_files", 40, "f_ffree", 48, "f_fsid", 56, "f_namelen", 64, "f_frsize", 72, "f_flags", 80, "f_spare", 88);
        assertStruct(LibcStructs.Dirent64.LAYOUT, 19, "d_ino", 0, "d_off", 8, "d_reclen", 16, "d_type", 18);
        assertStruct(LibcStructs.Timespec.LAYOUT, 16, "tv_sec", 0, "tv_nsec", 8);
        assertStruct(LibcStructs.SockaddrUn.LAYOUT, 110, "sun_family", 0, "sun_path", 2);
    }
}
