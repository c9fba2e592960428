package dev.fusebench.bench.guest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** The values a command line gave each guest axis, in {@link GuestAxis#ALL}'s order: one guest, or the matrix's product. */
public record GuestAxisValues(Map<GuestAxis<?>, List<?>> given) {
    @SuppressWarnings("unchecked") // put by GuestAxisOptions.given, a List<T> for each GuestAxis<T>
    public <T> List<T> values(GuestAxis<T> axis) { return (List<T>) given.get(axis); }

    /** Whether the command line left {@code axis} at its default. */
    public boolean isDefault(GuestAxis<?> axis) { return given.get(axis).equals(List.of(axis.defaultValue())); }

    /** The axes given other values than their defaults. */
    public List<GuestAxis<?>> changed() { return GuestAxis.ALL.stream().filter(a -> !isDefault(a)).toList(); }

    /** The one guest of a single boot; refuses an axis given several values. */
    public GuestSetup single() {
        GuestSetup g = GuestSetup.DEFAULT;
        for (GuestAxis<?> a : GuestAxis.ALL) g = setOne(g, a);
        return g;
    }

    private <T> GuestSetup setOne(GuestSetup g, GuestAxis<T> axis) {
        List<T> v = values(axis);
        if (v.size() != 1) throw new IllegalArgumentException(axis.options().getLast() + " takes one value for one guest, got " + v.size());
        return g.with(axis, v.getFirst());
    }

    /**
     * Every guest configuration: the product of the axes' values, the first axis outermost. An axis
     * {@code perDevice} holds is left at its placeholder: each arm's device carries its value instead
     * ({@link #devices}).
     */
    public List<GuestSetup> product(Predicate<GuestAxis<?>> perDevice) {
        List<GuestSetup> out = List.of(GuestSetup.DEFAULT);
        for (GuestAxis<?> a : GuestAxis.ALL) out = perDevice.test(a) ? placeholder(out, a) : everyValue(out, a);
        return out;
    }

    /**
     * The devices' own settings, one list per device, the product of the axes {@code perDevice} holds in
     * {@link GuestAxis#ALL}'s order; a list of one empty list when it holds none.
     */
    public List<List<GuestSetup.Setting<?>>> devices(Predicate<GuestAxis<?>> perDevice) {
        List<List<GuestSetup.Setting<?>>> out = List.of(List.of());
        for (GuestAxis<?> a : GuestAxis.ALL) if (perDevice.test(a)) out = settingsTimes(out, a);
        return out;
    }

    private static <T> List<GuestSetup> times(List<GuestSetup> guests, GuestAxis<T> axis, List<T> values) {
        List<GuestSetup> out = new ArrayList<>();
        for (GuestSetup g : guests) for (T v : values) out.add(g.with(axis, v));
        return out;
    }

    private <T> List<GuestSetup> everyValue(List<GuestSetup> guests, GuestAxis<T> axis) { return times(guests, axis, values(axis)); }

    private static <T> List<GuestSetup> placeholder(List<GuestSetup> guests, GuestAxis<T> axis) {
        return times(guests, axis, List.of(axis.perDevicePlaceholder()));
    }

    private <T> List<List<GuestSetup.Setting<?>>> settingsTimes(List<List<GuestSetup.Setting<?>>> devices, GuestAxis<T> axis) {
        List<List<GuestSetup.Setting<?>>> out = new ArrayList<>();
        for (List<GuestSetup.Setting<?>> d : devices)
            for (T v : values(axis)) {
                List<GuestSetup.Setting<?>> more = new ArrayList<>(d);
                more.add(new GuestSetup.Setting<>(axis, v));
                out.add(List.copyOf(more));
            }
        return out;
    }
}
