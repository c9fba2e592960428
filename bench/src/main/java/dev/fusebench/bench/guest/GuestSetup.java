package dev.fusebench.bench.guest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One guest's value on every guest axis ({@link GuestAxis#ALL}): what the matrix takes the product of,
 * what names a cell ({@link #label}) and what a {@link GuestConfig} boots. Values are held by axis, so a
 * new axis is one declaration in {@link GuestAxis} and no change here.
 */
public final class GuestSetup {
    /** Every axis at its default: the 6.1 kernel, 1024-entry queues, two vCPUs, one request queue, the kernel's readahead. */
    public static final GuestSetup DEFAULT = new GuestSetup(GuestAxis.ALL.stream().map(a -> (Object) a.defaultValue()).toList());
    /** No guest: the host-fuse transport mounts the daemon on this host. */
    public static final GuestSetup HOST = DEFAULT.with(GuestAxis.KERNEL, "host").with(GuestAxis.QUEUE_SIZE, 0);

    /** One axis at one value: a device's own setting in the interleaved design. */
    public record Setting<T>(GuestAxis<T> axis, T value) {
        public GuestSetup applyTo(GuestSetup guest) { return guest.with(axis, value); }

        /** e.g. q32, rq2, ra1024. */
        public String label() { return axis.label(value); }
    }

    private final List<Object> values;

    private GuestSetup(List<Object> values) { this.values = Collections.unmodifiableList(values); }

    public <T> T get(GuestAxis<T> axis) { return axis.type().cast(values.get(axis.index())); }

    /** The same guest with {@code axis} at {@code value} (unchecked: 0 may stand for "each device's own"). */
    public <T> GuestSetup with(GuestAxis<T> axis, T value) {
        List<Object> v = new ArrayList<>(values);
        v.set(axis.index(), axis.type().cast(value));
        return new GuestSetup(v);
    }

    /** Refuses (IllegalArgumentException) a value no guest can boot with. */
    public GuestSetup checked() {
        for (GuestAxis<?> a : GuestAxis.ALL) check(a);
        return this;
    }

    private <T> void check(GuestAxis<T> axis) { axis.check(get(axis)); }

    public String kernel() { return get(GuestAxis.KERNEL); }

    public int queueSize() { return get(GuestAxis.QUEUE_SIZE); }

    public String kernelArgs() { return get(GuestAxis.KERNEL_ARGS); }

    public int vcpus() { return get(GuestAxis.VCPUS); }

    public int requestQueues() { return get(GuestAxis.REQUEST_QUEUES); }

    /** The guest's read_ahead_kb for the share; 0: the kernel's. */
    public int readaheadKb() { return get(GuestAxis.READAHEAD_KB); }

    /**
     * e.g. 6.12/q1024/4cpu/rq2/ra1024: each axis whose value its label shows (the kernel and queue size
     * always, the others where they differ from the default). A queue size of 0 is one the interleaved
     * design's arms set, each for its own device.
     */
    public String label() {
        if (equals(HOST)) return "host /dev/fuse";
        List<String> parts = new ArrayList<>();
        for (GuestAxis<?> a : GuestAxis.ALL) {
            String p = labelPart(a);
            if (p != null) parts.add(p);
        }
        return String.join("/", parts);
    }

    private <T> String labelPart(GuestAxis<T> axis) {
        T v = get(axis);
        return axis.shownInLabel(v) ? axis.label(v) : null;
    }

    @Override
    public boolean equals(Object o) { return o instanceof GuestSetup g && g.values.equals(values); }

    @Override
    public int hashCode() { return values.hashCode(); }

    @Override
    public String toString() { return label(); }
}
