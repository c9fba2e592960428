package dev.fusebench.bench.guest;

import java.util.Arrays;
import java.util.List;

/**
 * How a guest is booted: its place on every guest axis ({@link GuestSetup}) and the run's own sizes.
 * All of it is recorded with every result.
 */
public record GuestConfig(GuestSetup setup, int memoryMiB, Accel accel, int sizeMiB, int runtimeSeconds, boolean checksum) {
    /** The guest memory the matrix boots with, MiB (run's --memory defaults to the same). */
    public static final int MATRIX_MEMORY_MIB = 1024;

    public GuestConfig {
        setup.checked();
        if (memoryMiB < 256) throw new IllegalArgumentException("guest memory must be at least 256 MiB");
        if (runtimeSeconds < 1) throw new IllegalArgumentException("runtime must be at least 1 s");
    }

    public String kernelSeries() { return setup.kernel(); }

    public int vcpus() { return setup.vcpus(); }

    public int queueSize() { return setup.queueSize(); }

    public String kernelArgs() { return setup.kernelArgs(); }

    public int requestQueues() { return setup.requestQueues(); }

    /** The share's read_ahead_kb; 0: the kernel's. */
    public int readaheadKb() { return setup.readaheadKb(); }

    /**
     * Whether the virtio-fs device makes the guest map its buffers through the DMA API
     * (VIRTIO_F_ACCESS_PLATFORM, QEMU's iommu_platform=on). Only then does swiotlb=force reach
     * virtio-fs: without it virtio bypasses the DMA API and the setting changes nothing.
     */
    public boolean dmaApi() {
        return Arrays.asList(kernelArgs().split("\\s+")).stream().anyMatch(a -> a.startsWith("swiotlb="));
    }

    /**
     * The guest's kernel command line: console, quiet, panic ends QEMU, and the job list for /init.
     * cryptomgr.notests skips the crypto self-tests, which take 0.6-0.8 s of an emulated boot
     * (measured with initcall_debug: crypto_algapi_init was the longest initcall) and touch no I/O path.
     */
    public String cmdline(List<String> jobs, String tag) {
        return commandLine(jobs, "fb.tag=" + tag + (readaheadKb() > 0 ? " fb.readahead=" + readaheadKb() : ""));
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
        return kernelArgs().isBlank() ? base : base + " " + kernelArgs();
    }
}
