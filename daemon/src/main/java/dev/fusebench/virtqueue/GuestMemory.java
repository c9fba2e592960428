package dev.fusebench.virtqueue;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The guest's memory as the frontend shared it: one bounded segment per region, mapped into our
 * address space. Translation checks that a whole range lies inside one region, and every access
 * the daemon makes itself (rings, indirect tables, request headers, reply headers) goes through a
 * region's segment, so FFM's bounds checks stand behind that check: nothing the guest names can
 * make us touch memory outside the mappings. (File data moves by preadv/pwritev to the translated
 * addresses; the kernel does those accesses.)
 */
public final class GuestMemory {
    /** One region: guest-physical base, the frontend's virtual base, and the mapping as a segment of the region's size. */
    public record Region(long guestPhys, long frontendVirt, MemorySegment segment) {
        public long size() { return segment.byteSize(); }
        public long host() { return segment.address(); }

        boolean containsGuest(long gpa, long len) {
            return gpa >= guestPhys && len >= 0 && gpa - guestPhys <= size() && len <= size() - (gpa - guestPhys);
        }

        boolean containsFrontend(long uva, long len) {
            return uva >= frontendVirt && len >= 0 && uva - frontendVirt <= size() && len <= size() - (uva - frontendVirt);
        }

        /** Whether a host address lies in this region (its end is left to the segment's bounds checks). */
        boolean holdsHost(long address) {
            return address >= host() && address - host() < size();
        }
    }

    private final Region[] regions;

    public GuestMemory(List<Region> regions) { this.regions = regions.toArray(Region[]::new); }

    public static final long INVALID = -1;

    /** The region holding guest-physical [gpa, gpa+len) whole, or null. */
    public Region region(long gpa, long len) {
        for (Region r : regions) if (r.containsGuest(gpa, len)) return r;
        return null;
    }

    /** Host address of guest-physical [gpa, gpa+len), or INVALID when it does not lie inside one region. */
    public long translate(long gpa, long len) {
        Region r = region(gpa, len);
        return r == null ? INVALID : r.host() + (gpa - r.guestPhys);
    }

    /** A bounded slice of frontend-virtual [uva, uva+len) (vring addresses arrive this way), or null. */
    public MemorySegment sliceFrontend(long uva, long len) {
        for (Region r : regions) if (r.containsFrontend(uva, len)) return r.segment.asSlice(uva - r.frontendVirt, len);
        return null;
    }

    /**
     * The region whose segment holds host address {@code address}; an access running past its
     * end fails there with IndexOutOfBoundsException.
     */
    Region regionOfHost(long address) {
        for (Region r : regions) if (r.holdsHost(address)) return r;
        throw new IndexOutOfBoundsException("host address 0x" + Long.toHexString(address) + " lies in no guest memory region");
    }
}
