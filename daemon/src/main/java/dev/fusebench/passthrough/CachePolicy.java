package dev.fusebench.passthrough;

import dev.fusebench.wire.FuseOut.OpenOut;

/**
 * How much the guest may cache: the entry/attribute timeouts and the open flags we reply.
 * {@code never} is the peer of virtiofsd's --cache=never (every read and write reaches the daemon);
 * {@code auto} keeps the kernel's page cache with 1 s timeouts; {@code always} trusts it for a day.
 */
public enum CachePolicy {
    NEVER(0, OpenOut.FOPEN_DIRECT_IO),
    AUTO(1, 0),
    ALWAYS(86400, OpenOut.FOPEN_KEEP_CACHE);

    final long timeoutSeconds;
    final int openFlags;

    CachePolicy(long timeoutSeconds, int openFlags) {
        this.timeoutSeconds = timeoutSeconds;
        this.openFlags = openFlags;
    }

    public static CachePolicy parse(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "never", "none" -> NEVER;
            case "auto" -> AUTO;
            case "always" -> ALWAYS;
            default -> throw new IllegalArgumentException("cache must be never, auto or always, got '" + s + "'");
        };
    }
}
