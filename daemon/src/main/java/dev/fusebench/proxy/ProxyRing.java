package dev.fusebench.proxy;

/**
 * One virtqueue as the proxy sees it: the ring's place in guest memory (from SET_VRING_NUM/ADDR/BASE),
 * the fds it swapped in place of the guest's (the guest's own kept), and how far it has read the rings.
 */
final class ProxyRing {
    volatile int num;
    volatile long desc, avail, used;
    /** The guest's call fd and the eventfd the daemon got instead (-1: none). */
    volatile int realCall = -1, proxyCall = -1;
    /** Observe: the guest's kick fd and the eventfd the daemon got instead (-1: none). */
    volatile int realKick = -1, proxyKick = -1;
    /** The next avail entry the observer reads. */
    volatile int lastAvail;
    /** The next used entry the INIT rewriter reads (the watcher thread only). */
    int lastUsed;
}
