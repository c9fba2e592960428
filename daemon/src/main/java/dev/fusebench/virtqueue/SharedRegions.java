package dev.fusebench.virtqueue;

import dev.fusebench.sys.Flags;
import dev.fusebench.sys.Libc;
import dev.fusebench.sys.StatBuf;
import dev.fusebench.wire.VhostUserMsg.MemTable;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The memory regions a vhost-user frontend shares (SET_MEM_TABLE, ADD_MEM_REG), mapped: one
 * place for the backend and the observing proxy. A region is refused when its size or offset are
 * impossible, when it reaches past the end of its file (touching that page would raise SIGBUS and
 * kill the process), or when {@link #MAX_MAPPINGS} are held already (a frontend resending tables
 * cannot exhaust the address space). Mappings stay until {@link #unmapAll}: a worker may still use
 * an older table.
 */
public final class SharedRegions {
    public static final int MAX_MAPPINGS = 256;
    private final List<long[]> mappings = new ArrayList<>();

    /** Maps one region; IllegalArgumentException says why it cannot be. */
    public synchronized GuestMemory.Region map(int fd, long gpa, long size, long uva, long offset) {
        if (size <= 0 || offset < 0 || size + offset < 0) throw new IllegalArgumentException("bad region size");
        long fileSize = fileSize(fd);
        if (fileSize >= 0 && size + offset > fileSize)
            throw new IllegalArgumentException("a region of " + (size + offset) + " bytes is larger than its file (" + fileSize + ")");
        if (mappings.size() >= MAX_MAPPINGS) throw new IllegalArgumentException("too many memory regions mapped");
        long map = Libc.mmap(size + offset, Flags.PROT_READ | Flags.PROT_WRITE, Flags.MAP_SHARED, fd, 0);
        if (map < 0) throw new IllegalArgumentException("mmap of a region: " + Libc.strerror((int) map));
        mappings.add(new long[]{map, size + offset});
        return new GuestMemory.Region(gpa, uva, MemorySegment.ofAddress(map + offset).reinterpret(size));
    }

    /**
     * Maps every region of a SET_MEM_TABLE payload at {@code p} in {@code msg} ({@code payloadSize}
     * bytes of it arrived), region i from {@code fds[i]} ({@code nfds} came); IllegalArgumentException
     * when the table or one of its regions is refused.
     */
    public List<GuestMemory.Region> mapTable(MemorySegment msg, long p, long payloadSize, int[] fds, int nfds) {
        int n = MemTable.nregions(msg, p);
        if (n < 1 || n > MemTable.MAX_REGIONS || n > nfds || payloadSize < MemTable.bytes(n)) throw new IllegalArgumentException("bad memory table");
        List<GuestMemory.Region> regions = new ArrayList<>();
        for (int i = 0; i < n; i++)
            regions.add(map(fds[i], MemTable.guestPhysAddr(msg, p, i), MemTable.memorySize(msg, p, i),
                    MemTable.userspaceAddr(msg, p, i), MemTable.mmapOffset(msg, p, i)));
        return regions;
    }

    public synchronized int count() { return mappings.size(); }

    public synchronized void unmapAll() {
        for (long[] m : mappings) Libc.munmap(m[0], m[1]);
        mappings.clear();
    }

    /** st_size of a regular file (QEMU's memfd or a file backend), or -1 for anything else (device memory). */
    private static long fileSize(int fd) {
        try (Arena a = Arena.ofConfined()) {
            StatBuf st = new StatBuf(a);
            int r = Libc.fstatat(fd, a.allocateFrom(""), st.seg, Flags.AT_EMPTY_PATH);
            if (r < 0) throw new IllegalArgumentException("fstat of a region's fd: " + Libc.strerror(r));
            return (st.mode() & 0xF000) == 0x8000 ? st.size() : -1;
        }
    }
}
