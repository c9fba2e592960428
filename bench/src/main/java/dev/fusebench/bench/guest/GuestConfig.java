package dev.fusebench.bench.guest;

import java.util.Arrays;
import java.util.List;

/** How a guest is booted: all of it is recorded with every result. */
public record GuestConfig(String kernelSeries, int vcpus, int memoryMiB, int queueSize, String kernelArgs,
                          Accel accel, int sizeMiB, int runtimeSeconds, boolean checksum, int requestQueues, int readaheadKb) {
    /** The guest memory the matrix boots with, MiB (run's --memory defaults to the same). */
    public static final int MATRIX_MEMORY_MIB = 1024;

    /** The most request queues QEMU and our daemon serve (vhost-user-fs-pci's num-request-queues). */
    public static final int MAX_REQUEST_QUEUES = 8;

    /** One request queue, the kernel's readahead. */
    public GuestConfig(String kernelSeries, int vcpus, int memoryMiB, int queueSize, String kernelArgs,
                       Accel accel, int sizeMiB, int runtimeSeconds, boolean checksum) {
        this(kernelSeries, vcpus, memoryMiB, queueSize, kernelArgs, accel, sizeMiB, runtimeSeconds, checksum, 1, 0);
    }

    /** The readahead a --readahead-kb option gives: 0 (the kernel's) when absent; refused unless above 0. */
    public static int readaheadOption(Integer kb) {
        if (kb == null) return 0;
        if (kb < 1) throw new IllegalArgumentException("--readahead-kb wants KiB above 0, got " + kb);
        return kb;
    }

    public GuestConfig {
        if (requestQueues < 1 || requestQueues > MAX_REQUEST_QUEUES)
            throw new IllegalArgumentException("request queues must be 1.." + MAX_REQUEST_QUEUES + " (QEMU's num-request-queues), got " + requestQueues);
        if (readaheadKb < 0 || readaheadKb > 1 << 20) throw new IllegalArgumentException("readahead must be 0 (the kernel's) .. 1048576 KiB, got " + readaheadKb);
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
        return kernelArgs != null && Arrays.asList(kernelArgs.split("\\s+")).stream().anyMatch(a -> a.startsWith("swiotlb="));
    }

    /**
     * The guest's kernel command line: console, quiet, panic ends QEMU, and the job list for /init.
     * cryptomgr.notests skips the crypto self-tests, which take 0.6-0.8 s of an emulated boot
     * (measured with initcall_debug: crypto_algapi_init was the longest initcall) and touch no I/O path.
     */
    public String cmdline(List<String> jobs, String tag) {
        return commandLine(jobs, "fb.tag=" + tag + (readaheadKb > 0 ? " fb.readahead=" + readaheadKb : ""));
    }

    /**
     * The command line of an interleaved guest: one share per arm (tags in device order), each with its
     * own read_ahead_kb (0: the kernel's), the jobs run as slice files; with {@code pin}, fio and every
     * virtio interrupt on vCPU 0 (fb.pin=1), so that no arm's device is nearer to fio than another's.
     */
    public String cmdline(List<String> jobs, List<String> tags, List<Integer> readaheads, boolean pin) {
        String ra = readaheads.stream().allMatch(r -> r == 0) ? ""
                : " fb.readaheads=" + String.join(",", readaheads.stream().map(String::valueOf).toList());
        return commandLine(jobs, "fb.tags=" + String.join(",", tags) + " fb.slices=1" + ra + (pin ? " fb.pin=1" : ""));
    }

    private String commandLine(List<String> jobs, String shares) {
        String base = "console=ttyS0 quiet loglevel=3 panic=-1 oops=panic cryptomgr.notests rdinit=/init " + shares
                + " fb.jobs=" + String.join(",", jobs) + " fb.size=" + sizeMiB + "M fb.runtime=" + runtimeSeconds
                + " fb.checksum=" + (checksum ? 1 : 0) + " fb.layout=host";
        return kernelArgs == null || kernelArgs.isBlank() ? base : base + " " + kernelArgs;
    }
}
