package dev.fusebench.bench.guest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The private apt asks the machine's own Debian mirrors for other suites; third-party repositories are left out. */
class AptSourcesTest {
    @TempDir Path tmp;

    Path etc(String sourcesList, String... files) throws IOException {
        Path apt = Files.createDirectories(tmp.resolve("apt/sources.list.d"));
        if (sourcesList != null) Files.writeString(tmp.resolve("apt/sources.list"), sourcesList);
        for (int i = 0; i < files.length; i += 2) Files.writeString(apt.resolve(files[i]), files[i + 1]);
        Files.writeString(tmp.resolve("os-release"), "PRETTY_NAME=\"Debian GNU/Linux 12\"\nVERSION_CODENAME=bookworm\n");
        return tmp.resolve("apt");
    }

    AptSources read(Path etcApt) throws IOException { return AptSources.read(etcApt, tmp.resolve("os-release")); }

    @Test
    void deb822SourcesGiveTheMirrorAndKeyringForAnotherSuite() throws IOException {
        Path apt = etc(null, "debian.sources", """
                Types: deb
                URIs: http://mirror.example/debian
                Suites: bookworm bookworm-updates
                Components: main
                Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

                Types: deb
                URIs: http://mirror.example/debian-security
                Suites: bookworm-security
                Components: main
                Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
                """,
                "nodesource.sources", "Types: deb\nURIs: https://thirdparty.example/node_20.x\nSuites: nodistro\nComponents: main\n",
                "other.list", "deb https://thirdparty.example/apt cloud-sdk-bookworm main\n");
        assertEquals("deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://mirror.example/debian trixie main\n"
                        + "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://mirror.example/debian-security trixie-security main\n",
                read(apt).linesFor(List.of("trixie", "trixie-security"), "/default.gpg"));
    }

    @Test
    void oneLineSourcesWithOptionsCommentsAndNoKeyring() throws IOException {
        Path apt = etc("""
                # the local mirror
                deb [arch=amd64 signed-by=/etc/apt/keys/local.gpg] http://local.example/debian bookworm main contrib
                deb-src http://local.example/debian bookworm main
                deb http://other.example/debian/ bookworm-backports main # backports
                """);
        assertEquals("deb [signed-by=/etc/apt/keys/local.gpg] http://local.example/debian bookworm-backports main\n"
                        + "deb [signed-by=/default.gpg] http://other.example/debian/ bookworm-backports main\n",
                read(apt).linesFor(List.of("bookworm-backports"), "/default.gpg"));
    }

    @Test
    void disabledStanzasAndMissingMirrorsAreClear() throws IOException {
        Path apt = etc(null, "debian.sources", "Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm\nEnabled: no\n");
        IOException e = assertThrows(IOException.class, () -> read(apt).linesFor(List.of("trixie"), null));
        assertTrue(e.getMessage().contains("name no Debian mirror to fetch trixie"), e.getMessage());
    }

    @Test
    void thisMachinesSourcesNameAMirror() throws IOException {
        String lines = AptSources.ofThisMachine().linesFor(List.of("trixie"), null);
        assertTrue(lines.startsWith("deb ") && lines.contains(" trixie main"), lines);
    }
}
