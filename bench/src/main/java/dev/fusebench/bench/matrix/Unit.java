package dev.fusebench.bench.matrix;

import java.util.ArrayList;
import java.util.List;

/**
 * One guest boot of the matrix: a daemon, a variant (the arm), a guest configuration and an
 * iteration (its block); it runs all the matrix's workloads in a row. {@code position} is its place
 * in the block (1-based) and {@code blockOrder} the block's arms in the order they run. Warm-up
 * units are recorded but never enter the statistics. In the interleaved design a unit is a boot
 * holding every arm of its group, one device each: {@code arms} in device order (null in the boots
 * design, whose unit is one arm), {@code daemon} and {@code variant} then name no single arm.
 */
public record Unit(String id, int iteration, boolean warmup, String daemon, String variant, GuestKey guest,
                   int position, List<String> blockOrder, List<Arm> arms) {
    public boolean interleaved() { return arms != null; }

    /** The guest axes: kernel series, virtqueue size, extra kernel arguments, vCPUs, request queues and read_ahead_kb (0: the kernel's). */
    public record GuestKey(String kernel, int queueSize, String kernelArgs, int vcpus, int requestQueues, int readaheadKb) {
        /** No guest: the host-fuse transport mounts the daemon on this host. */
        public static final GuestKey HOST = new GuestKey("host", 0, "");

        /** Two vCPUs, one request queue, the kernel's readahead. */
        public GuestKey(String kernel, int queueSize, String kernelArgs) { this(kernel, queueSize, kernelArgs, 2, 1, 0); }

        /**
         * e.g. 6.12/q1024/4cpu/rq2/ra1024: only what differs from 2 vCPUs, one request queue and the kernel's
         * readahead. A queue size of 0 is one the interleaved design's arms set, each for its own device.
         */
        public String label() {
            if (equals(HOST)) return "host /dev/fuse";
            return kernel + (queueSize > 0 ? "/q" + queueSize : "") + (kernelArgs.isBlank() ? "" : "/" + kernelArgs.replace(' ', '+'))
                    + (vcpus != 2 ? "/" + vcpus + "cpu" : "") + (requestQueues > 1 ? "/rq" + requestQueues : "")
                    + (readaheadKb > 0 ? "/ra" + readaheadKb : "");
        }
    }

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
     * A virtio-fs device's own settings as arms of an interleaved design: those of the device axes given
     * several values (null where the axis has one, which the guest configuration then carries).
     */
    public record Device(Integer queueSize, Integer requestQueues, Integer readaheadKb) {
        /** e.g. q32, rq2, q32/ra1024. */
        public String label() {
            List<String> parts = new ArrayList<>();
            if (queueSize != null) parts.add("q" + queueSize);
            if (requestQueues != null) parts.add("rq" + requestQueues);
            if (readaheadKb != null) parts.add("ra" + readaheadKb);
            return String.join("/", parts);
        }
    }

    static Unit of(int iteration, boolean warmup, Arm arm, GuestKey g, int position, List<String> blockOrder) {
        String id = (warmup ? "w" : "i") + iteration + "/" + arm.daemon() + "/" + g.label() + "/" + arm.variant();
        return new Unit(id, iteration, warmup, arm.daemon(), arm.variant(), g, position, blockOrder, null);
    }

    /** An interleaved boot: every arm of the group, devices in {@code arms}' order. */
    static Unit interleaved(int iteration, boolean warmup, List<Arm> arms, GuestKey g) {
        String id = (warmup ? "w" : "i") + iteration + "/" + g.label() + "/interleaved";
        return new Unit(id, iteration, warmup, "*", "*", g, 1, arms.stream().map(Arm::label).toList(), List.copyOf(arms));
    }
}
