package dev.fusebench.virtqueue;

import java.util.List;

/**
 * The guest's memory as the frontend shared it: regions mapped into our address space. Translation
 * checks that a whole range lies inside one region, so nothing the guest names can make us touch
 * memory outside the mappings.
 */
public final class GuestMemory {
    /** One region: guest-physical base, size, the frontend's virtual base, and where we mapped it. */
    public record Region(long guestPhys, long size, long frontendVirt, long host) {
        boolean containsGuest(long gpa, long len) {
            return gpa >= guestPhys && len >= 0 && gpa - guestPhys <= size && len <= size - (gpa - guestPhys);
        }

        boolean containsFrontend(long uva, long len) {
            return uva >= frontendVirt && len >= 0 && uva - frontendVirt <= size && len <= size - (uva - frontendVirt);
        }
    }

    private final Region[] regions;

    public GuestMemory(List<Region> regions) { this.regions = regions.toArray(Region[]::new); }

    public static final long INVALID = -1;

    /** Host address of guest-physical [gpa, gpa+len), or INVALID when it does not lie inside one region. */
    public long translate(long gpa, long len) {
        for (Region r : regions) if (r.containsGuest(gpa, len)) return r.host + (gpa - r.guestPhys);
        return INVALID;
    }

    /** Host address of a frontend virtual address range (vring addresses arrive this way). */
    public long translateFrontend(long uva, long len) {
        for (Region r : regions) if (r.containsFrontend(uva, len)) return r.host + (uva - r.frontendVirt);
        return INVALID;
    }

}
