package dev.fusebench.passthrough;

import dev.fusebench.fuse.Caller;
import dev.fusebench.sys.Errno;
import dev.fusebench.sys.Libc;
import dev.fusebench.sys.LibcProcess;
import dev.fusebench.wire.LibcStructs.Capabilities;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The serving thread's own credentials, changed for one call and changed back, as virtiofsd's
 * credentials.rs does, every change checked:
 * <ul>
 * <li>a creation runs as its caller: file-system uid and gid, and as supplementary groups only the
 * one the kernel sent (FUSE_EXT_GROUPS), set with the raw per-thread setgroups (glibc's would
 * change every thread). The host then checks the caller's rights, ACLs included, and the new
 * file is the caller's from the start: there is never a second try as root, and never a chown.</li>
 * <li>a write, truncate or open the kernel flagged KILL_SUIDGID runs without CAP_FSETID, so the host
 * kernel clears the set-id bits itself, under its inode lock, as it would for the caller.</li>
 * </ul>
 * A thread that cannot get root's credentials back must not serve again: that is an Error.
 */
final class ThreadCredentials {
    private ThreadCredentials() {}

    private static final int CAP_FSETID = 4;
    /** The groups the daemon runs with (none in the sandbox, which clears them), restored after each creation. */
    private static final MemorySegment OWN_GROUPS;
    private static final int OWN_GROUP_COUNT;

    static {
        int n = LibcProcess.getgroups(0, MemorySegment.NULL);
        MemorySegment list = Arena.global().allocate(JAVA_INT, Math.max(1, n));
        OWN_GROUP_COUNT = n <= 0 ? 0 : LibcProcess.getgroups(n, list);
        OWN_GROUPS = list;
    }

    /** Per-thread native state (part of {@link SharedDir.Scratch}). */
    static final class State {
        final MemorySegment group;
        final MemorySegment capHeader;
        final MemorySegment capData;
        long effective = -1;

        State(Arena arena) {
            group = arena.allocate(JAVA_INT);
            capHeader = arena.allocate(Capabilities.HEADER);
            capData = arena.allocate(Capabilities.DATA, 2);
        }
    }

    /** A daemon that is not root cannot change its credentials, and serves every request as itself. */
    private static final boolean PRIVILEGED = LibcProcess.geteuid() == 0;
    /** Unsigned -1: the "no change" value of set*id, which would leave the thread root. */
    private static final int NO_ID = -1;

    /**
     * Makes this thread the caller for a creation. Returns 1 when the credentials changed (give them
     * back with {@link #becomeRoot}), 0 when the caller is root, or a negative errno (EINVAL for an
     * id of -1; the thread is unchanged then).
     */
    static int becomeCaller(Caller caller) {
        if (caller == null) return 0;
        if (caller.uid() == NO_ID || caller.gid() == NO_ID) return -Errno.EINVAL;
        if (!PRIVILEGED || (caller.uid() == 0 && caller.gid() == 0)) return 0;
        State s = SharedDir.scratch().credentials;
        long supp = caller.suppGroup();
        int r;
        if (supp >= 0 && supp != Integer.toUnsignedLong(NO_ID)) {
            s.group.set(JAVA_INT, 0, (int) supp);
            r = LibcProcess.setgroupsThisThread(1, s.group);
        } else {
            r = LibcProcess.setgroupsThisThread(0, s.group);
        }
        if (r < 0) { becomeRoot(); return r; }
        LibcProcess.setfsgid(caller.gid());
        if (LibcProcess.setfsgid(NO_ID) != caller.gid()) { becomeRoot(); return -Errno.EPERM; }
        LibcProcess.setfsuid(caller.uid());
        if (LibcProcess.setfsuid(NO_ID) != caller.uid()) { becomeRoot(); return -Errno.EPERM; }
        return 1;
    }

    /** Gives this thread its own credentials back; fails the thread (an Error) if it cannot. */
    static void becomeRoot() {
        LibcProcess.setfsuid(0);
        LibcProcess.setfsgid(0);
        int r = LibcProcess.setgroupsThisThread(OWN_GROUP_COUNT, OWN_GROUPS);
        if (LibcProcess.setfsuid(NO_ID) != 0 || LibcProcess.setfsgid(NO_ID) != 0 || r < 0)
            throw new InternalError("cannot restore the serving thread's credentials: " + (r < 0 ? Libc.strerror(r) : "fsuid/fsgid"));
    }

    /**
     * Drops CAP_FSETID from this thread's effective set for a call the kernel flagged KILL_SUIDGID.
     * Returns whether it was dropped (then {@link #raiseFsetid} after the call), or a negative errno.
     */
    static int dropFsetid() {
        State s = SharedDir.scratch().credentials;
        if (s.effective < 0) {
            Capabilities.header(s.capHeader);
            int r = LibcProcess.capget(s.capHeader, s.capData);
            if (r < 0) return r;
            s.effective = Capabilities.effective(s.capData);
        }
        if ((s.effective & (1L << CAP_FSETID)) == 0) return 0; // not ours to drop: the kernel clears the bits already
        Capabilities.header(s.capHeader);
        Capabilities.effective(s.capData, s.effective & ~(1L << CAP_FSETID));
        int r = LibcProcess.capset(s.capHeader, s.capData);
        return r < 0 ? r : 1;
    }

    /** Raises CAP_FSETID again after {@link #dropFsetid} dropped it. */
    static void raiseFsetid() {
        State s = SharedDir.scratch().credentials;
        Capabilities.header(s.capHeader);
        Capabilities.effective(s.capData, s.effective);
        int r = LibcProcess.capset(s.capHeader, s.capData);
        if (r < 0) throw new InternalError("cannot raise CAP_FSETID again: " + Libc.strerror(r));
    }
}
