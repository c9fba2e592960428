package dev.fusebench.fuse;

import dev.fusebench.sys.Errno;
import dev.fusebench.testing.RecordingFs;
import dev.fusebench.testing.Requests;
import dev.fusebench.testing.ServerHarness;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The extension points a new opcode goes through, exercised: a file system without the operation
 * answers ENOSYS by default, and an opcode is served once the table has its handler (here FUSE_STATX
 * as a no-op with an empty reply; a real one also decodes fuse_statx_in and encodes fuse_statx_out).
 */
class NewOpcodeTest {
    @Test
    void anOpcodeIsServedOnceTheTableHasItsHandlerAndIsEnosysOtherwise() {
        try (ServerHarness h = new ServerHarness(new RecordingFs(), NegotiationSettings.BASELINE)) {
            h.init(InitFlag.LINUX_6_1_VIRTIOFS_OFFER);
            byte[] statx = Requests.request(Opcode.STATX.code, FileSystem.ROOT, Requests.longs(0, 0), Requests.ints(0, 0));
            assertEquals(-Errno.ENOSYS, h.call(statx).error(), "no handler yet");

            h.server.route(Opcode.STATX, w -> w.outcome.args(0)); // the table line and its handler: an empty reply
            ServerHarness.Reply r = h.call(statx);
            assertEquals(0, r.error());
            assertEquals(0, r.body().length);
            assertEquals(2, h.stats.summary().get("STATX").count(), "counted under its own name, both calls");

            h.server.route(Opcode.STATX, null);
            assertEquals(-Errno.ENOSYS, h.call(statx).error(), "and gone again");
            assertThrows(IllegalArgumentException.class, () -> h.server.route(Opcode.INIT, w -> w.outcome.none()));
        }
    }

    /** A file system that implements nothing still serves: every operation it lacks is ENOSYS. */
    @Test
    void aFileSystemWithoutAnOperationAnswersEnosys() {
        try (ServerHarness h = new ServerHarness(new FileSystem() {}, NegotiationSettings.BASELINE)) {
            h.init(InitFlag.LINUX_6_1_VIRTIOFS_OFFER);
            assertEquals(-Errno.ENOSYS, h.call(Requests.getattr(FileSystem.ROOT)).error());
            assertEquals(-Errno.ENOSYS, h.call(Requests.lookup(FileSystem.ROOT, "x")).error());
            assertEquals(-Errno.ENOSYS, h.call(Requests.syncfs()).error());
        }
    }
}
