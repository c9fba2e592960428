package dev.fusebench.proxy;

import dev.fusebench.vhostuser.Message;
import dev.fusebench.vhostuser.MessageChannel;
import dev.fusebench.virtqueue.GuestMemory;
import dev.fusebench.virtqueue.SharedRegions;
import dev.fusebench.wire.VhostUserMsg.Header;
import dev.fusebench.wire.VhostUserMsg.MemRegionMsg;
import dev.fusebench.wire.VhostUserMsg.VringAddr;
import dev.fusebench.wire.VhostUserMsg.VringState;

import java.util.ArrayList;
import java.util.List;

/**
 * What the proxy knows of the guest from the frontend's messages: its memory, mapped as the daemon
 * maps it (the backend's mapper, with its file-size guard and mapping cap), and where each ring lies.
 * Only the frontend-to-daemon thread writes it; the watcher reads {@link #memory} and the rings.
 */
final class GuestView {
    static final int MAX_QUEUES = 16;
    /** The largest ring QEMU gives a virtio-fs device (VIRTQUEUE_MAX_SIZE): what the proxy's chain walks are sized for. */
    static final int MAX_QUEUE_SIZE = 1024;

    private final SharedRegions mapped = new SharedRegions();
    /** The regions as the frontend has shared them so far. */
    private final List<GuestMemory.Region> regions = new ArrayList<>();
    private volatile GuestMemory memory = new GuestMemory(List.of());
    private final ProxyRing[] rings = new ProxyRing[MAX_QUEUES];

    GuestView() {
        for (int i = 0; i < MAX_QUEUES; i++) rings[i] = new ProxyRing();
    }

    GuestMemory memory() { return memory; }

    /** Queue {@code index}, or an IllegalArgumentException (a malformed message) outside the table. */
    ProxyRing ring(int index) {
        if (index < 0 || index >= MAX_QUEUES) throw new IllegalArgumentException("no queue " + index);
        return rings[index];
    }

    /** Notes a frontend message about memory or ring placement; the message and its fds go on to the daemon unchanged. */
    void note(MessageChannel c, int[] fds) {
        long p = Header.SIZE;
        switch (c.request()) {
            case Message.SET_MEM_TABLE -> mapTable(c, fds);
            case Message.ADD_MEM_REG -> addRegion(c, fds);
            case Message.REM_MEM_REG -> {
                if (c.size() >= MemRegionMsg.SIZE) removeRegion(MemRegionMsg.guestPhysAddr(c.msg, p));
            }
            case Message.SET_VRING_NUM -> ring(VringState.index(c.msg, p)).num = VringState.num(c.msg, p);
            case Message.SET_VRING_ADDR -> {
                ProxyRing r = ring(VringAddr.index(c.msg, p));
                r.desc = VringAddr.desc(c.msg, p);
                r.avail = VringAddr.avail(c.msg, p);
                r.used = VringAddr.used(c.msg, p);
            }
            case Message.SET_VRING_BASE -> ring(VringState.index(c.msg, p)).lastAvail = VringState.num(c.msg, p) & 0xffff;
            default -> { }
        }
    }

    /** SET_MEM_TABLE: the whole table, mapped as the backend maps it; a table the daemon refuses too leaves the old one. */
    private void mapTable(MessageChannel c, int[] fds) {
        List<GuestMemory.Region> table;
        try {
            table = mapped.mapTable(c.msg, Header.SIZE, c.size(), fds, fds.length);
        } catch (IllegalArgumentException e) {
            return;
        }
        regions.clear();
        regions.addAll(table);
        memory = new GuestMemory(regions);
    }

    /** ADD_MEM_REG: one more region (QEMU sends these instead of SET_MEM_TABLE to daemons with CONFIGURE_MEM_SLOTS). */
    private void addRegion(MessageChannel c, int[] fds) {
        long p = Header.SIZE;
        if (fds.length < 1 || c.size() < MemRegionMsg.SIZE) return;
        GuestMemory.Region r = map(fds[0], MemRegionMsg.guestPhysAddr(c.msg, p), MemRegionMsg.memorySize(c.msg, p),
                MemRegionMsg.userspaceAddr(c.msg, p), MemRegionMsg.mmapOffset(c.msg, p));
        if (r == null) return;
        regions.add(r);
        memory = new GuestMemory(regions);
    }

    private void removeRegion(long gpa) {
        regions.removeIf(r -> r.guestPhys() == gpa); // the mapping itself stays until close
        memory = new GuestMemory(regions);
    }

    /** A region mapped as the daemon maps it, or null (the daemon refuses it too, and says why). */
    private GuestMemory.Region map(int fd, long gpa, long size, long uva, long offset) {
        try {
            return mapped.map(fd, gpa, size, uva, offset);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Unmaps every region (at close, when no thread reads guest memory any more). */
    void unmapAll() { mapped.unmapAll(); }
}
