package dev.fusebench.virtqueue;

/** Split-ring descriptor layout and flags (virtio 1.x, section 2.7.5). */
public final class Descriptor {
    private Descriptor() {}
    public static final int SIZE = 16;
    public static final int F_NEXT = 1, F_WRITE = 2, F_INDIRECT = 4;
}
