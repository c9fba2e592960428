package dev.fusebench.bench.daemons;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Command templates: split as a shell splits, placeholders replaced, bad ones refused in one line. */
class CustomDaemonTest {
    @Test
    void wordsPlaceholdersAndCommasSurvive() {
        CustomDaemon d = CustomDaemon.parse("mine=/opt/my daemon/virtiofsd --socket-path={socket} -o 'source={shared},cache=none' --x=\"a b\" c\\ d", null);
        assertEquals("mine", d.name());
        assertEquals(List.of("/opt/my", "daemon/virtiofsd", "--socket-path=/run/s.sock", "-o", "source=/srv/share,cache=none", "--x=a b", "c d"),
                d.command(Path.of("/srv/share"), Path.of("/run/s.sock"), "max-pages", null));
        assertFalse(d.takesVariants());
        assertEquals("v9", CustomDaemon.parse("mine=/d --socket-path={socket}", "v9").label());
    }

    @Test
    void badTemplatesAreRefused() {
        for (String[] bad : new String[][]{
                {"mine", "NAME=TEMPLATE"},
                {"mine=/d --shared-dir={shared}", "has no {socket}"},
                {"mine=/d {socket} {sharde}", "unknown placeholder {sharde}"},
                {"Mine=/d {socket}", "lower-case"},
                {"java=/d {socket}", "built-in"},
                {"mine=/d '{socket}", "unterminated"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CustomDaemon.parse(bad[0], null), bad[0]);
            assertTrue(e.getMessage().contains(bad[1]), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
    }

    /** The built-in daemons: one table behind the names, the refusal of their names and the help text. */
    @Test
    void theBuiltInsAreOneTable() {
        assertEquals(BuiltInDaemons.NAMES, BuiltInDaemons.list(), "the option descriptions' constant names the table's daemons");
        for (String name : BuiltInDaemons.names()) {
            assertEquals(name, VirtioFsDaemon.named(name, java.nio.file.Path.of("/nonexistent")).name());
            assertThrows(IllegalArgumentException.class, () -> CustomDaemon.parse(name + "=/d {socket}", null));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VirtioFsDaemon.named("nope", java.nio.file.Path.of("/")));
        assertTrue(e.getMessage().contains("known: " + BuiltInDaemons.list()), e.getMessage());
    }
}
