package dev.fusebench.bench.matrix;

import dev.fusebench.bench.guest.GuestAxis;
import dev.fusebench.bench.guest.GuestSetup;

import java.util.List;

/**
 * One guest boot (over host-fuse, one mount set) of the matrix's plan: a daemon, a variant (the
 * arm), a guest configuration (its place on every guest axis) and an iteration (its block); it runs
 * all the matrix's workloads in a row. {@code position} is its place in the block (1-based) and
 * {@code blockOrder} the block's arms in the order they run. Warm-up boots are recorded but never
 * enter the statistics. In the interleaved design a boot holds every arm of its group, one device
 * each: {@code arms} in device order (null in the boots design, whose boot is one arm), {@code daemon}
 * and {@code variant} then name no single arm. (Results files call it a unit.)
 */
public record PlannedBoot(String id, int iteration, boolean warmup, String daemon, String variant, GuestSetup guest,
                          int position, List<String> blockOrder, List<Arm> arms) {
    public boolean interleaved() { return arms != null; }

    /**
     * An arm of a block: a daemon with one of its variants, and in the interleaved design its device's
     * own settings where those are arms too (null: the guest configuration's).
     */
    public record Arm(String daemon, String variant, Device device) {
        public Arm(String daemon, String variant) { this(daemon, variant, null); }

        /** The arm's name in the results: its variant, and its device settings when they are arms ("max-pages@q32"). */
        public String name() { return device == null ? variant : variant + "@" + device.label(); }

        public String label() { return daemon + "/" + name(); }
    }

    /**
     * A virtio-fs device's own settings as arms of an interleaved design: the values of the per-device
     * axes given several (the others the guest configuration carries), in {@link GuestAxis#ALL}'s order.
     */
    public record Device(List<GuestSetup.Setting<?>> settings) {
        /** e.g. q32, rq2, q32/ra1024. */
        public String label() { return String.join("/", settings.stream().map(GuestSetup.Setting::label).toList()); }

        /** The device's place on the guest axes: the guest's, with this device's own settings. */
        public GuestSetup on(GuestSetup guest) {
            GuestSetup g = guest;
            for (GuestSetup.Setting<?> s : settings) g = s.applyTo(g);
            return g;
        }
    }

    static PlannedBoot of(int iteration, boolean warmup, Arm arm, GuestSetup g, int position, List<String> blockOrder) {
        String id = (warmup ? "w" : "i") + iteration + "/" + arm.daemon() + "/" + g.label() + "/" + arm.variant();
        return new PlannedBoot(id, iteration, warmup, arm.daemon(), arm.variant(), g, position, blockOrder, null);
    }

    /** An interleaved boot: every arm of the group, devices in {@code arms}' order. */
    static PlannedBoot interleaved(int iteration, boolean warmup, List<Arm> arms, GuestSetup g) {
        String id = (warmup ? "w" : "i") + iteration + "/" + g.label() + "/interleaved";
        return new PlannedBoot(id, iteration, warmup, "*", "*", g, 1, arms.stream().map(Arm::label).toList(), List.copyOf(arms));
    }
}
