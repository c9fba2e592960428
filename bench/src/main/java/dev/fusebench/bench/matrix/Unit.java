package dev.fusebench.bench.matrix;

/**
 * One guest boot of the matrix: a daemon, a variant (the arm), a guest configuration and an
 * iteration; it runs all the matrix's workloads in a row. Warm-up units are recorded but never
 * enter the statistics.
 */
public record Unit(String id, int iteration, boolean warmup, String daemon, String variant, GuestKey guest) {
    /** The guest axes: kernel series, virtqueue size, extra kernel arguments. */
    public record GuestKey(String kernel, int queueSize, String kernelArgs) {
        /** No guest: the host-fuse transport mounts the daemon on this host. */
        public static final GuestKey HOST = new GuestKey("host", 0, "");

        public String label() {
            if (equals(HOST)) return "host /dev/fuse";
            return kernel + "/q" + queueSize + (kernelArgs.isBlank() ? "" : "/" + kernelArgs.replace(' ', '+'));
        }
    }

    static Unit of(int iteration, boolean warmup, String daemon, String variant, GuestKey g) {
        String id = (warmup ? "w" : "i") + iteration + "/" + daemon + "/" + g.label() + "/" + variant;
        return new Unit(id, iteration, warmup, daemon, variant, g);
    }
}
