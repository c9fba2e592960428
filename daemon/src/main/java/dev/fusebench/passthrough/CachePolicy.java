package dev.fusebench.passthrough;

import dev.fusebench.wire.FuseOut.OpenOut;

import java.util.Locale;

/**
 * How much the guest may cache: the entry/attribute timeouts and the open flags we reply.
 * {@code never} is the peer of virtiofsd's --cache=never (every read and write reaches the daemon);
 * {@code auto} keeps the kernel's page cache with 1 s timeouts; {@code always} trusts it for a day.
 * A variant may add FOPEN flags ({@link #withOpenFlags}).
 *
 * @param openFlags    FOPEN flags of every file open
 * @param dirOpenFlags FOPEN flags of every directory open (CACHE_DIR, KEEP_CACHE)
 */
public record CachePolicy(String name, long timeoutSeconds, int openFlags, int dirOpenFlags) {
    public static final CachePolicy NEVER = new CachePolicy("never", 0, OpenOut.FOPEN_DIRECT_IO, 0);
    public static final CachePolicy AUTO = new CachePolicy("auto", 1, 0, 0);
    public static final CachePolicy ALWAYS = new CachePolicy("always", 86400, OpenOut.FOPEN_KEEP_CACHE, 0);

    private static final int DIR_FLAGS = OpenOut.FOPEN_CACHE_DIR | OpenOut.FOPEN_KEEP_CACHE;

    public static CachePolicy parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "never", "none" -> NEVER;
            case "auto" -> AUTO;
            case "always" -> ALWAYS;
            default -> throw new IllegalArgumentException("cache must be never, auto or always, got '" + s + "'");
        };
    }

    /** The same policy with FOPEN flags added: CACHE_DIR to directory opens, KEEP_CACHE to both, the rest to file opens. */
    public CachePolicy withOpenFlags(int extra) {
        return new CachePolicy(name, timeoutSeconds, openFlags | (extra & ~OpenOut.FOPEN_CACHE_DIR), dirOpenFlags | (extra & DIR_FLAGS));
    }
}
