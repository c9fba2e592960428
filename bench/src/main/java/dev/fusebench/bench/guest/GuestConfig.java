package dev.fusebench.bench.guest;

import java.util.List;

/** How a guest is booted: all of it is recorded with every result. */
public record GuestConfig(String kernelSeries, int vcpus, int memoryMiB, int queueSize, String kernelArgs,
                          Accel accel, String sizeMiB, int runtimeSeconds, boolean checksum) {
    public GuestConfig {
        if (vcpus < 1 || vcpus > 64) throw new IllegalArgumentException("vcpus must be 1..64");
        if (memoryMiB < 256) throw new IllegalArgumentException("guest memory must be at least 256 MiB");
        if (queueSize < 8 || queueSize > 1024 || Integer.bitCount(queueSize) != 1)
            throw new IllegalArgumentException("queue size must be a power of two in 8..1024, got " + queueSize);
        if (runtimeSeconds < 1) throw new IllegalArgumentException("runtime must be at least 1 s");
        if (kernelArgs != null && kernelArgs.contains("fb.")) throw new IllegalArgumentException("kernel args may not set fb.* (ours)");
    }

    /**
     * Whether the virtio-fs device makes the guest map its buffers through the DMA API
     * (VIRTIO_F_ACCESS_PLATFORM, QEMU's iommu_platform=on). Only then does swiotlb=force reach
     * virtio-fs: without it virtio bypasses the DMA API and the setting changes nothing.
     */
    public boolean dmaApi() {
        return kernelArgs != null && java.util.Arrays.asList(kernelArgs.split("\\s+")).stream().anyMatch(a -> a.startsWith("swiotlb="));
    }

    /**
     * The guest's kernel command line: console, quiet, panic ends QEMU, and the job list for /init.
     * cryptomgr.notests skips the crypto self-tests, which take 0.6-0.8 s of an emulated boot
     * (measured with initcall_debug: crypto_algapi_init was the longest initcall) and touch no I/O path.
     */
    public String cmdline(List<String> jobs, String tag) {
        String base = "console=ttyS0 quiet loglevel=3 panic=-1 oops=panic cryptomgr.notests rdinit=/init fb.tag=" + tag
                + " fb.jobs=" + String.join(",", jobs) + " fb.size=" + sizeMiB + " fb.runtime=" + runtimeSeconds
                + " fb.checksum=" + (checksum ? 1 : 0) + " fb.layout=host";
        return kernelArgs == null || kernelArgs.isBlank() ? base : base + " " + kernelArgs;
    }
}
