package dev.fusebench.bench.daemons;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The daemons the controller knows by name: one table read by {@link VirtioFsDaemon#named}, by the
 * names a {@code --daemon-command} may not take, and by the help text. A new peer is its class and one
 * line here.
 */
public final class BuiltInDaemons {
    private BuiltInDaemons() {}

    /** Name to constructor (from the cache directory that holds downloaded peers). */
    private static final Map<String, Function<Path, VirtioFsDaemon>> ALL = new LinkedHashMap<>();
    static {
        ALL.put("java", cache -> new JavaDaemon());
        ALL.put("virtiofsd-rust", VirtiofsdRust::new);
        ALL.put("virtiofsd-c", cache -> new VirtiofsdC());
    }

    public static List<String> names() { return List.copyOf(ALL.keySet()); }

    public static boolean has(String name) { return ALL.containsKey(name); }

    /** The built-in daemon {@code name}, or null. */
    static VirtioFsDaemon of(String name, Path cache) {
        Function<Path, VirtioFsDaemon> make = ALL.get(name);
        return make == null ? null : make.apply(cache);
    }

    /** "java, virtiofsd-rust, virtiofsd-c", for help texts and errors. */
    public static String list() { return String.join(", ", ALL.keySet()); }

    /** The same as a constant, for option descriptions (annotations take constants); a test holds it to {@link #list}. */
    public static final String NAMES = "java, virtiofsd-rust, virtiofsd-c";
}
