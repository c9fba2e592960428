package dev.fusebench.bench.guest;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A guest axis, declared once: its options (shared by {@code run}, one value, and {@code matrix}, a
 * list whose product the matrix takes: {@link GuestAxisOptions}), its default, its check, how a cell's
 * label shows it, and whether the interleaved design can make it a device's own setting (an arm). A
 * new axis is one declaration in {@link #ALL}, plus where it takes effect ({@link Qemu} or the guest's
 * kernel command line in {@link GuestConfig}) and its field in the results' {@code GuestInfo}.
 */
public final class GuestAxis<T> {
    /** The most request queues QEMU and our daemon serve (vhost-user-fs-pci's num-request-queues). */
    public static final int MAX_REQUEST_QUEUES = 8;

    public static final GuestAxis<String> KERNEL = text("kernel series", "6.1", "--guest-kernels", "--guest-kernel")
            .param("K", "Guest kernel series: 6.1 or 6.12 (matrix: an axis, a list) (default: 6.1).")
            .check(GuestKernel::suitesFor)
            .label(k -> k, k -> true);
    public static final GuestAxis<Integer> QUEUE_SIZE = number("queue size", 1024, "--queue-sizes", "--queue-size")
            .param("N", "virtqueue size, a power of two in 8..1024 (matrix: an axis, a list; interleaved: several are each a device's own, arms) (default: 1024).")
            .check(q -> q >= 8 && q <= 1024 && Integer.bitCount(q) == 1, "a power of two in 8..1024")
            .label(q -> "q" + q, q -> q > 0)
            .perDevice(0);
    public static final GuestAxis<String> KERNEL_ARGS = text("kernel arguments", "", "--kernel-args")
            .param("ARGS", "Extra guest kernel arguments, e.g. swiotlb=force (matrix: sets separated by ';', e.g. ';swiotlb=force').")
            .split(";")
            .check(a -> !a.contains("fb."), "free of fb.* (ours)")
            .label(a -> a.replace(' ', '+'), a -> !a.isBlank());
    public static final GuestAxis<Integer> VCPUS = number("vcpus", 2, "--vcpus")
            .param("N", "Guest vCPUs, 1..64 (matrix: an axis, a list) (default: 2).")
            .check(c -> c >= 1 && c <= 64, "1..64")
            .label(c -> c + "cpu", c -> c != 2);
    public static final GuestAxis<Integer> REQUEST_QUEUES = number("request queues", 1, "--request-queues")
            .param("N", "virtio-fs request queues, 1.." + MAX_REQUEST_QUEUES + " (QEMU num-request-queues); Linux 6.11+ guests use them, "
                    + "6.1 uses one (matrix: an axis, a list; interleaved: arms) (default: 1).")
            .check(rq -> rq >= 1 && rq <= MAX_REQUEST_QUEUES, "1.." + MAX_REQUEST_QUEUES + " (QEMU's num-request-queues)")
            .label(rq -> "rq" + rq, rq -> rq > 1)
            .perDevice(0);
    public static final GuestAxis<Integer> READAHEAD_KB = number("readahead", 0, "--readahead-kb")
            .param("KB", "The guest's read_ahead_kb for the share (its FUSE bdi) (matrix: an axis, a list; interleaved: arms) "
                    + "(default: the kernel's, 128).")
            .given(kb -> kb > 0, "KiB above 0")
            .check(kb -> kb >= 0 && kb <= 1 << 20, "0 (the kernel's) .. 1048576 KiB")
            .label(kb -> "ra" + kb, kb -> kb > 0)
            .perDevice(0);

    /** Every guest axis, in the order cell labels name them. */
    public static final List<GuestAxis<?>> ALL = List.of(KERNEL, QUEUE_SIZE, KERNEL_ARGS, VCPUS, REQUEST_QUEUES, READAHEAD_KB);

    private final String name;
    private final Class<T> type;
    private final T defaultValue;
    private final Function<String, T> parse;
    private final List<String> options;
    private String paramLabel = "V", help = "", split = ",";
    private Predicate<T> givenOk = v -> true, checkOk = v -> true;
    private String givenRule = "", checkRule = "";
    private Consumer<T> checker;
    private Function<T, String> label = String::valueOf;
    private Predicate<T> shown = v -> true;
    private T perDevice;

    private GuestAxis(String name, Class<T> type, T defaultValue, Function<String, T> parse, String... options) {
        this.name = name;
        this.type = type;
        this.defaultValue = defaultValue;
        this.parse = parse;
        this.options = List.of(options);
    }

    private static GuestAxis<String> text(String name, String defaultValue, String... options) {
        return new GuestAxis<>(name, String.class, defaultValue, String::strip, options);
    }

    private static GuestAxis<Integer> number(String name, int defaultValue, String... options) {
        return new GuestAxis<>(name, Integer.class, defaultValue, s -> {
            try {
                return Integer.parseInt(s.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(options[0] + " wants whole numbers, got '" + s.strip() + "'");
            }
        }, options);
    }

    private GuestAxis<T> param(String paramLabel, String help) { this.paramLabel = paramLabel; this.help = help; return this; }

    private GuestAxis<T> split(String split) { this.split = split; return this; }

    /** What a value given on the command line must be, beyond what a guest can boot with (say, above 0 for a default of 0). */
    private GuestAxis<T> given(Predicate<T> ok, String rule) { this.givenOk = ok; this.givenRule = rule; return this; }

    private GuestAxis<T> check(Predicate<T> ok, String rule) { this.checkOk = ok; this.checkRule = rule; return this; }

    /** A check that throws its own IllegalArgumentException. */
    private GuestAxis<T> check(Consumer<T> checker) { this.checker = checker; return this; }

    private GuestAxis<T> label(Function<T, String> label, Predicate<T> shown) { this.label = label; this.shown = shown; return this; }

    private GuestAxis<T> perDevice(T placeholder) { this.perDevice = placeholder; return this; }

    public String name() { return name; }

    Class<T> type() { return type; }

    int index() { return ALL.indexOf(this); }

    public T defaultValue() { return defaultValue; }

    /** The option names: the first is the matrix's (a list), the last the one a single guest reads best with. */
    public List<String> options() { return options; }

    public String paramLabel() { return paramLabel; }

    public String help() { return help; }

    /** What separates the values of one option, a character no regular expression reads specially: "," (kernel argument sets: ";"). */
    public String split() { return split; }

    /** A value as given on the command line, parsed and checked; IllegalArgumentException names the option. */
    public T parse(String given) {
        T v = parse.apply(given);
        if (!givenOk.test(v)) throw new IllegalArgumentException(options.getFirst() + " wants " + givenRule + ", got " + given.strip());
        try {
            check(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(options.getFirst() + ": " + e.getMessage());
        }
        return v;
    }

    /** Refuses (IllegalArgumentException) a value no guest can boot with. */
    public void check(T value) {
        if (checker != null) checker.accept(value);
        if (!checkOk.test(value)) throw new IllegalArgumentException(name + " must be " + checkRule + ", got " + value);
    }

    /** The value as a cell's label or an arm's name shows it: q32, 4cpu, rq2, ra1024. */
    public String label(T value) { return label.apply(value); }

    /** Whether a guest's label shows this value (the kernel and queue size always; others where not the default). */
    public boolean shownInLabel(T value) { return shown.test(value); }

    /**
     * Whether the interleaved design can give each arm's device its own value of this axis (queue size,
     * request queues, readahead: each device has its own), rather than one per guest.
     */
    public boolean perDevice() { return perDevice != null; }

    /** The guest's value while each device has its own (its label then shows none). */
    public T perDevicePlaceholder() { return perDevice; }

    @Override
    public String toString() { return name; }
}
