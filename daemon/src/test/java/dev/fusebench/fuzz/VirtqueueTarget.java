package dev.fusebench.fuzz;

import dev.fusebench.virtqueue.DescriptorChain;
import dev.fusebench.virtqueue.GuestMemory;
import dev.fusebench.virtqueue.SplitQueue;
import dev.fusebench.wire.VirtioRing;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;


/**
 * The virtqueue walker over a ring the guest wrote: the input is the guest memory itself
 * (descriptor table, avail ring, indirect tables, all of it hostile). Whatever it holds, popping
 * ends, every buffer handed on lies inside guest memory, and the byte counts add up.
 */
public final class VirtqueueTarget implements AutoCloseable {
    static final long GPA = 0x10000, SIZE = 64 * 1024;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment guest = arena.allocate(SIZE, 4096);
    private final GuestMemory memory = new GuestMemory(List.of(new GuestMemory.Region(GPA, 0x7f0000000000L, guest)));
    private final DescriptorChain chain = new DescriptorChain(arena, 1024 + 8);
    private final StringBuilder why = new StringBuilder();
    public long chains, refused, inputs;

    public void accept(byte[] data) {
        inputs++;
        guest.fill((byte) 0);
        if (data.length < 4) return;
        int queueSize = 1 << (1 + (data[0] & 7));               // 2..256
        boolean eventIdx = (data[1] & 1) != 0;
        int lastAvail = Short.toUnsignedInt((short) ((data[2] << 8) | (data[3] & 0xff)));
        MemorySegment.copy(MemorySegment.ofArray(data), 4, guest, 0, Math.min(data.length - 4, SIZE));
        long desc = 0, avail = SplitQueue.descBytes(queueSize), used = (avail + SplitQueue.availBytes(queueSize) + 2 + 3) & ~3L;
        if (used + SplitQueue.usedBytes(queueSize) + 2 > SIZE) return;
        // the avail index in the input is relative, so inputs reach "some chains available" often
        MemorySegment availRing = guest.asSlice(avail, SplitQueue.availBytes(queueSize));
        int availIdx = (lastAvail + VirtioRing.Avail.idx(availRing) % (queueSize * 2 + 1)) & 0xffff;
        VirtioRing.Avail.idx(availRing, availIdx);
        SplitQueue q = new SplitQueue(memory, queueSize, guest.asSlice(desc, SplitQueue.descBytes(queueSize)),
                guest.asSlice(avail, SplitQueue.availBytes(queueSize)), guest.asSlice(used, SplitQueue.usedBytes(queueSize)), eventIdx, lastAvail);
        int pops = 0;
        why.setLength(0);
        while (q.pop(chain, why)) {
            if (++pops > queueSize) throw new AssertionError("popped more chains than the queue holds");
            chains++;
            if (!why.isEmpty()) {
                refused++;
                if (chain.readable.count() != 0 || chain.writable.count() != 0) throw new AssertionError("a refused chain keeps buffers");
                why.setLength(0);
            } else {
                checkInside(chain.readable, chain.readableBytes);
                checkInside(chain.writable, chain.writableBytes);
            }
            q.push(chain.head, (int) Math.min(chain.writableBytes, Integer.MAX_VALUE));
            q.publish();
        }
        q.armAndRecheck();
    }

    private void checkInside(dev.fusebench.sys.IoVecs v, long total) {
        long sum = 0;
        long lo = guest.address(), hi = lo + SIZE;
        for (int i = 0; i < v.count(); i++) {
            long a = v.address(i), n = v.length(i);
            if (a < lo || n < 0 || a + n > hi) throw new AssertionError("buffer [" + a + ", +" + n + ") outside guest memory");
            sum += n;
        }
        if (sum != total) throw new AssertionError("chain says " + total + " bytes, its buffers hold " + sum);
    }

    @Override
    public void close() { arena.close(); }
}
