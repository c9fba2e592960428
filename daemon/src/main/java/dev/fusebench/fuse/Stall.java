package dev.fusebench.fuse;

import dev.fusebench.stats.DaemonFacts;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fault for checking the harness, not for serving: every {@code every}-th READ or WRITE of more
 * than {@code aboveBytes} waits {@code millis} before its reply. It stands for the failure that got
 * the seed's change reverted: larger requests exhausted a host mapping quota, and each exhausted
 * request was retried after 100 ms. The worker that serves the request waits, as that retry did.
 * Written {@code BYTES:MS[/N]}, e.g. {@code 256K:100ms/50}: sizes take K or M, times ms or s.
 */
public final class Stall {
    private static final Pattern SPEC = Pattern.compile("(\\d+)([kKmM]?)[iI]?[bB]?:(\\d+)(ms|s)?(?:/(\\d+))?");

    private final long aboveBytes, millis;
    private final int every;
    private final AtomicLong seen = new AtomicLong(), stalled = new AtomicLong();

    public Stall(long aboveBytes, long millis, int every) {
        if (aboveBytes < 0 || millis < 1 || millis > 60_000 || every < 1)
            throw new IllegalArgumentException("a stall wants a size >= 0, 1..60000 ms and every N >= 1");
        this.aboveBytes = aboveBytes;
        this.millis = millis;
        this.every = every;
    }

    public static Stall parse(String spec) {
        Matcher m = SPEC.matcher(spec.strip());
        if (!m.matches()) throw new IllegalArgumentException("a stall is BYTES:MS[/N] (e.g. 256K:100ms/50), got '" + spec + "'");
        long bytes = Long.parseLong(m.group(1)) * switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 1024L;
            case "m" -> 1024L * 1024;
            default -> 1L;
        };
        long ms = Long.parseLong(m.group(3)) * ("s".equals(m.group(4)) ? 1000 : 1);
        return new Stall(bytes, ms, m.group(5) == null ? 1 : Integer.parseInt(m.group(5)));
    }

    /** Called before a request's reply: waits when this is one of the requests the fault stalls. */
    public void before(int opcode, long size) {
        if ((opcode != Opcode.READ.code && opcode != Opcode.WRITE.code) || size <= aboveBytes) return;
        if (seen.incrementAndGet() % every != 0) return;
        stalled.incrementAndGet();
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public String spec() { return aboveBytes + ":" + millis + "ms/" + every; }

    /** What the daemon's statistics record of it. */
    public DaemonFacts.InjectedStall describe() {
        return new DaemonFacts.InjectedStall(aboveBytes, millis, every, seen.get(), stalled.get());
    }
}
