package dev.fusebench.fuse;

/** What the kernel offers in FUSE_INIT, as values; the wire form is {@link dev.fusebench.wire.FuseIn.InitIn}. */
public record InitIn(int major, int minor, int maxReadahead, long flags) {
}
