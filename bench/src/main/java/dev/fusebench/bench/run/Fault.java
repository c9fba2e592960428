package dev.fusebench.bench.run;

import java.util.Locale;

/**
 * A fault the controller injects into one guest boot, to show that the harness survives it: the
 * boot becomes failed results with the reason, and the matrix goes on. The time counts from the
 * start of the boot's first fio job, so the fault lands in the middle of a job.
 */
public sealed interface Fault {
    double afterSeconds();

    /** SIGKILL to the virtio-fs daemon. */
    record KillDaemon(double afterSeconds) implements Fault {
        @Override public String toString() { return "kill-daemon@" + afterSeconds; }
    }

    /** SIGKILL to QEMU. */
    record KillQemu(double afterSeconds) implements Fault {
        @Override public String toString() { return "kill-qemu@" + afterSeconds; }
    }

    /** "kill-daemon@SECONDS" or "kill-qemu@SECONDS". */
    public static Fault parse(String s) {
        String[] p = s.strip().toLowerCase(Locale.ROOT).split("@", 2);
        double after;
        try {
            after = p.length == 2 ? Double.parseDouble(p[1]) : 2;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a fault's time is seconds into the first job, e.g. kill-daemon@5, got '" + s + "'");
        }
        if (!(after >= 0) || after > 86_400) throw new IllegalArgumentException("a fault's time must be 0..86400 s, got '" + s + "'");
        return switch (p[0]) {
            case "kill-daemon" -> new KillDaemon(after);
            case "kill-qemu" -> new KillQemu(after);
            default -> throw new IllegalArgumentException("unknown fault '" + p[0] + "' (known: kill-daemon@S, kill-qemu@S)");
        };
    }
}
