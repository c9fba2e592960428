package dev.fusebench.fuse;

import java.io.IOException;

/** A transport serving the FUSE core: /dev/fuse on the host, or vhost-user for a guest. */
public interface Session extends AutoCloseable {
    /** Sets up (mount, or listen) and starts serving in the background. */
    void start() throws IOException;

    /** Blocks until serving ended (unmounted, frontend gone, or closed). */
    void awaitTermination() throws InterruptedException;

    /** Stops serving; safe to call twice and from a signal handler. */
    @Override
    void close() throws IOException;

    /** Where it serves, for messages. */
    String where();
}
