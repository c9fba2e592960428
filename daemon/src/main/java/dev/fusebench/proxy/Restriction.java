package dev.fusebench.proxy;

import dev.fusebench.fuse.InitFlag;
import dev.fusebench.fuse.InitOut;
import dev.fusebench.fuse.NegotiationSettings;

/**
 * What a variant asks of a daemon we cannot rebuild, as a change to its own FUSE_INIT reply,
 * measured against the max-pages preset (a peer's reply is its max-pages): flags the variant turns
 * off are cleared, max_pages, max_write and max_readahead set below the preset are lowered, a
 * max_background or congestion_threshold is set. Anything more (a flag the daemon did not reply,
 * a number above the daemon's) cannot be done by rewriting and is refused.
 */
public record Restriction(String name, long clearFlags, long requireFlags, int maxPages, int maxWrite, int maxReadahead,
                          int maxBackground, int congestionThreshold) {

    /** No change: the daemon's reply as it is. */
    public static final Restriction NONE = new Restriction("own", 0, 0, -1, -1, -1, 0, 0);

    public static Restriction of(NegotiationSettings v) {
        NegotiationSettings ref = NegotiationSettings.MAX_PAGES;
        long clear = ref.flags() & ~v.flags();
        long require = v.flags() & ~ref.flags();
        int pages = v.offersMaxPages() && v.maxPages() != ref.maxPages() ? v.maxPages() : -1;
        int write = v.maxWrite() != ref.maxWrite() ? v.maxWrite() : -1;
        return new Restriction(v.name(), clear, require, pages, write, v.maxReadahead(), v.maxBackground(), v.congestionThreshold());
    }

    /** The outcome: the reply to give the guest, or why none can be given. */
    public record Rewrite(InitOut reply, String refusal) {}

    public Rewrite apply(InitOut daemon) {
        long missing = requireFlags & ~daemon.flags();
        if (missing != 0) {
            return refuse("variant " + name + " turns on " + String.join(", ", InitFlag.names(missing))
                    + ", which the daemon did not reply: a proxy can only take away");
        }
        int pages = daemon.maxPages();
        if (maxPages >= 0) {
            if ((daemon.flags() & InitFlag.MAX_PAGES.mask) == 0 || maxPages > daemon.maxPages())
                return refuse("variant " + name + " asks max_pages=" + maxPages + ", above the daemon's " + daemon.effectiveMaxPages());
            pages = maxPages;
        }
        int write = daemon.maxWrite();
        if (maxWrite >= 0) {
            if (maxWrite > daemon.maxWrite()) return refuse("variant " + name + " asks max_write=" + maxWrite + ", above the daemon's " + daemon.maxWrite());
            write = maxWrite;
        }
        int readahead = daemon.maxReadahead();
        if (maxReadahead >= 0) {
            if (maxReadahead > daemon.maxReadahead())
                return refuse("variant " + name + " asks max_readahead=" + maxReadahead + ", above the daemon's " + daemon.maxReadahead());
            readahead = maxReadahead;
        }
        int background = maxBackground > 0 ? maxBackground : daemon.maxBackground();
        int congestion = congestionThreshold > 0 ? congestionThreshold : daemon.congestionThreshold();
        return new Rewrite(new InitOut(daemon.major(), daemon.minor(), readahead, daemon.flags() & ~clearFlags, background, congestion,
                write, daemon.timeGran(), pages), null);
    }

    private static Rewrite refuse(String why) { return new Rewrite(null, why); }
}
