package dev.fusebench.bench.guest;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The guest axes, declared once: the options run and matrix share, the matrix's product, the labels cells are named by. */
class GuestAxisTest {
    @Command(name = "probe", modelTransformer = GuestAxisOptions.class)
    static final class Probe {
        @Spec CommandSpec spec;
    }

    private static GuestAxisValues given(String... args) {
        Probe p = new Probe();
        new CommandLine(p).parseArgs(args);
        return GuestAxisOptions.given(p.spec);
    }

    private static List<String> labels(List<GuestSetup> guests) { return guests.stream().map(GuestSetup::label).toList(); }

    @Test
    void theProductRunsInDeclarationOrderFirstAxisOutermostAndLabelsShowWhatDiffers() {
        GuestAxisValues v = given("--guest-kernels", "6.1,6.12", "--queue-sizes", "1024,32", "--kernel-args", ";swiotlb=force", "--vcpus", "2,4");
        assertEquals(List.of(
                "6.1/q1024", "6.1/q1024/4cpu", "6.1/q1024/swiotlb=force", "6.1/q1024/swiotlb=force/4cpu",
                "6.1/q32", "6.1/q32/4cpu", "6.1/q32/swiotlb=force", "6.1/q32/swiotlb=force/4cpu",
                "6.12/q1024", "6.12/q1024/4cpu", "6.12/q1024/swiotlb=force", "6.12/q1024/swiotlb=force/4cpu",
                "6.12/q32", "6.12/q32/4cpu", "6.12/q32/swiotlb=force", "6.12/q32/swiotlb=force/4cpu"), labels(v.product(a -> false)));
        assertEquals(List.of(List.of()), v.devices(a -> false), "no device arms: one device of the guest's settings");
        assertEquals(List.of("6.12/q1024/rq2/ra1024"), labels(given("--guest-kernel", "6.12", "--request-queues", "2", "--readahead-kb", "1024").product(a -> false)));
    }

    @Test
    void perDeviceAxesBecomeEachDevicesOwnSettingsAndLeaveTheGuestAtItsPlaceholder() {
        GuestAxisValues v = given("--queue-sizes", "1024,32", "--readahead-kb", "128,1024", "--vcpus", "4");
        List<GuestSetup> guests = v.product(a -> a.perDevice() && v.values(a).size() > 1);
        assertEquals(List.of("6.1/4cpu"), labels(guests), "the queue size is each device's own: the guest's label shows none");
        var devices = v.devices(a -> a.perDevice() && v.values(a).size() > 1);
        assertEquals(List.of("q1024/ra128", "q1024/ra1024", "q32/ra128", "q32/ra1024"),
                devices.stream().map(d -> String.join("/", d.stream().map(GuestSetup.Setting::label).toList())).toList());
        GuestSetup second = guests.getFirst();
        for (GuestSetup.Setting<?> s : devices.get(1)) second = s.applyTo(second);
        assertEquals(1024, second.queueSize());
        assertEquals(1024, second.readaheadKb());
        assertEquals(4, second.vcpus());
        new GuestConfig(second, 1024, Accel.TCG, 64, 1, false); // a device's configuration boots
    }

    @Test
    void oneGuestTakesOneValueOfEachAxisAndDefaultsTheRest() {
        GuestSetup one = given("--guest-kernel", "6.12", "--queue-size", "32", "--kernel-args", "swiotlb=force iommu=pt").single();
        assertEquals("6.12", one.kernel());
        assertEquals(32, one.queueSize());
        assertEquals("swiotlb=force iommu=pt", one.kernelArgs());
        assertEquals(2, one.vcpus());
        assertEquals(1, one.requestQueues());
        assertEquals(0, one.readaheadKb(), "the kernel's");
        assertEquals(GuestSetup.DEFAULT, given().single());
        assertEquals(List.of(GuestAxis.QUEUE_SIZE), given("--queue-size", "32").changed());
        var two = assertThrows(IllegalArgumentException.class, () -> given("--vcpus", "2,4").single());
        assertEquals("--vcpus takes one value for one guest, got 2", two.getMessage());
    }

    @Test
    void badValuesAreRefusedNamingTheOption() {
        assertEquals("--queue-sizes: queue size must be a power of two in 8..1024, got 48",
                assertThrows(IllegalArgumentException.class, () -> given("--queue-sizes", "1024,48")).getMessage());
        assertEquals("--readahead-kb wants KiB above 0, got 0",
                assertThrows(IllegalArgumentException.class, () -> given("--readahead-kb", "0")).getMessage());
        assertEquals("--vcpus wants whole numbers, got 'two'",
                assertThrows(IllegalArgumentException.class, () -> given("--vcpus", "two")).getMessage());
        assertEquals("--request-queues: request queues must be 1..8 (QEMU's num-request-queues), got 9",
                assertThrows(IllegalArgumentException.class, () -> given("--request-queues", "1,9")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> given("--guest-kernels", "5.10"), "no such series");
        assertThrows(IllegalArgumentException.class, () -> given("--kernel-args", "fb.tag=x"), "fb.* is ours");
        assertThrows(IllegalArgumentException.class, () -> given("--vcpus", "2,2"), "a value twice");
        assertThrows(IllegalArgumentException.class, () -> new GuestConfig(GuestSetup.HOST, 1024, Accel.TCG, 64, 1, false),
                "the host stand-in is no guest to boot");
    }
}
