package dev.fusebench.bench.guest;

import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The guest axes' options, the same for {@code run} (one value each) and {@code matrix} (lists): one
 * option per {@link GuestAxis#ALL} entry, added to a command that names this class as its picocli
 * {@code modelTransformer}, and read back, parsed and checked, by {@link #given}.
 */
public final class GuestAxisOptions implements IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec spec) {
        for (GuestAxis<?> a : GuestAxis.ALL)
            spec.addOption(OptionSpec.builder(a.options().toArray(String[]::new))
                    .type(List.class).auxiliaryTypes(String.class).splitRegex(a.split())
                    .paramLabel(a.paramLabel()).description(a.help()).build());
        return spec;
    }

    /** The values {@code spec}'s command line gave each axis (its default alone where none), parsed and checked. */
    public static GuestAxisValues given(CommandSpec spec) {
        Map<GuestAxis<?>, List<?>> values = new LinkedHashMap<>();
        for (GuestAxis<?> a : GuestAxis.ALL) values.put(a, parsed(a, spec.findOption(a.options().getFirst()).getValue()));
        return new GuestAxisValues(values);
    }

    private static <T> List<T> parsed(GuestAxis<T> axis, List<String> given) {
        if (given == null || given.isEmpty()) return List.of(axis.defaultValue());
        List<T> out = new ArrayList<>();
        for (String g : given) {
            T v = axis.parse(g);
            if (out.contains(v)) throw new IllegalArgumentException(axis.options().getFirst() + " gives " + g.strip() + " twice");
            out.add(v);
        }
        return List.copyOf(out);
    }
}
