package dev.fusebench.vhostuser;

/** vhost-user message types and flags (QEMU docs/interop/vhost-user.rst). */
public final class Message {
    private Message() {}
    public static final int GET_FEATURES = 1, SET_FEATURES = 2, SET_OWNER = 3, RESET_OWNER = 4, SET_MEM_TABLE = 5,
            SET_LOG_BASE = 6, SET_LOG_FD = 7, SET_VRING_NUM = 8, SET_VRING_ADDR = 9, SET_VRING_BASE = 10,
            GET_VRING_BASE = 11, SET_VRING_KICK = 12, SET_VRING_CALL = 13, SET_VRING_ERR = 14,
            GET_PROTOCOL_FEATURES = 15, SET_PROTOCOL_FEATURES = 16, GET_QUEUE_NUM = 17, SET_VRING_ENABLE = 18,
            SET_BACKEND_REQ_FD = 21,
            // with the CONFIGURE_MEM_SLOTS protocol feature (the Rust virtiofsd offers it; we do not)
            GET_MAX_MEM_SLOTS = 36, ADD_MEM_REG = 37, REM_MEM_REG = 38;
    public static final int VERSION = 1, FLAG_REPLY = 0x4, FLAG_NEED_REPLY = 0x8;

    public static final long F_VERSION_1 = 1L << 32, F_INDIRECT_DESC = 1L << 28, F_EVENT_IDX = 1L << 29,
            F_PROTOCOL_FEATURES = 1L << 30,
            // the guest maps buffers through its DMA API (swiotlb=force bounces them); with no
            // vIOMMU in QEMU the addresses stay guest-physical, so nothing changes here
            F_ACCESS_PLATFORM = 1L << 33;
    /**
     * BACKEND_REQ (the backend-to-frontend channel) is offered because QEMU wants it, with
     * REPLY_ACK, from any backend that offers ACCESS_PLATFORM; we never send on it.
     */
    public static final long PROTOCOL_MQ = 1L, PROTOCOL_REPLY_ACK = 1L << 3, PROTOCOL_BACKEND_REQ = 1L << 5;

    /** Largest payload we accept: SET_MEM_TABLE with 8 regions is 264 bytes. */
    public static final int MAX_PAYLOAD = 4096;
    public static final int MAX_FDS = 8;
}
