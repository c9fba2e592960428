package dev.fusebench.jmh;

import dev.fusebench.virtqueue.DescriptorChain;
import dev.fusebench.wire.VirtioRing.Desc;
import dev.fusebench.virtqueue.GuestMemory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.TimeUnit;


/**
 * Walking descriptor chains as a guest lays out a READ: one readable descriptor for the request,
 * then writable ones (a 16-byte header and 4 KiB pages), 1, 17 or 257 in all, in the ring or
 * through an indirect table; every buffer translated and bounds-checked against guest memory.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ChainBenchmark {
    @Param({"1", "17", "257"}) int descriptors;
    @Param({"false", "true"}) boolean indirect;

    static final int QUEUE = 1024;
    Arena arena;
    GuestMemory mem;
    DescriptorChain chain;
    MemorySegment ring;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        MemorySegment guest = arena.allocate(4L << 20, 4096);
        long base = guest.address();
        // guest-physical = frontend-virtual = host address here: one region covering the allocation
        mem = new GuestMemory(List.of(new GuestMemory.Region(base, base, guest)));
        ring = mem.sliceFrontend(base, Desc.tableBytes(QUEUE));  // descriptor table of QUEUE entries
        long table = Desc.tableBytes(QUEUE);                      // indirect table, as an offset into guest
        long data = base + (1L << 20);                            // buffers
        MemorySegment t = indirect ? guest.asSlice(table) : ring;
        for (int i = 0; i < descriptors; i++) {
            int len = i == 0 ? 80 : i == 1 ? 16 : 4096;
            int flags = (i == 0 ? 0 : Desc.F_WRITE) | (i + 1 < descriptors ? Desc.F_NEXT : 0);
            Desc.write(t, (long) Desc.SIZE * i, data + 4096L * i, len, flags, i + 1);
        }
        if (indirect) Desc.write(ring, 0, base + table, Desc.SIZE * descriptors, Desc.F_INDIRECT, 0);
        chain = new DescriptorChain(arena, QUEUE + 8);
    }

    @TearDown(Level.Trial)
    public void tearDown() { arena.close(); }

    @Benchmark
    public void walk(Blackhole bh) {
        String why = chain.walk(mem, ring, QUEUE, 0);
        bh.consume(why);
        bh.consume(chain.readableBytes);
        bh.consume(chain.writableBytes);
        bh.consume(chain.writable.count());
    }
}
