package dev.fusebench.bench.guest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The accelerator. {@code auto} takes KVM only where the CPU shows vmx or svm: on these machines
 * /dev/kvm is a paravirtual KVM (no vmx/svm) under which a stock kernel crawls, so auto picks TCG.
 */
public enum Accel {
    KVM, TCG;

    public static Accel choose(String requested) throws IOException {
        return switch (requested) {
            case "kvm" -> KVM;
            case "tcg" -> TCG;
            case "auto" -> hardwareVirtualization() && Files.exists(Path.of("/dev/kvm")) ? KVM : TCG;
            default -> throw new IllegalArgumentException("--accel must be auto, kvm or tcg, got '" + requested + "'");
        };
    }

    static boolean hardwareVirtualization() throws IOException {
        Pattern flags = Pattern.compile("^flags\\s*:.*\\b(vmx|svm)\\b.*", Pattern.MULTILINE);
        return flags.matcher(Files.readString(Path.of("/proc/cpuinfo"))).find();
    }

    public List<String> qemuArgs() {
        return this == KVM ? List.of("-enable-kvm", "-cpu", "host,-arch-capabilities")
                : List.of("-accel", "tcg,thread=multi", "-cpu", "max");
    }

    public String label() { return this == KVM ? "kvm" : "tcg (emulated)"; }
}
