package dev.fusebench.fuse;

/**
 * Who made a request: the ids the kernel put in its header and, for a creation, the supplementary
 * group it carries (FUSE_EXT_GROUPS). One per serving thread, refilled for each request so that
 * serving allocates nothing: read it during the call it is passed to, do not keep it.
 */
public final class Caller {
    private int uid, gid, pid;
    private long suppGroup = -1;

    /** A caller with these ids and no supplementary group (for callers outside a transport, and tests). */
    public static Caller of(int uid, int gid, int pid) {
        Caller c = new Caller();
        c.set(uid, gid, pid, -1);
        return c;
    }

    void set(int uid, int gid, int pid, long suppGroup) {
        this.uid = uid;
        this.gid = gid;
        this.pid = pid;
        this.suppGroup = suppGroup;
    }

    public int uid() { return uid; }

    public int gid() { return gid; }

    public int pid() { return pid; }

    /**
     * The parent directory's group when the caller is in it only as a supplementary one (the
     * kernel sends it with MKNOD, MKDIR, SYMLINK and CREATE under FUSE_CREATE_SUPP_GROUP), or -1.
     */
    public long suppGroup() { return suppGroup; }

    @Override
    public String toString() { return "uid " + uid + " gid " + gid + " pid " + pid + (suppGroup >= 0 ? " group " + suppGroup : ""); }
}
