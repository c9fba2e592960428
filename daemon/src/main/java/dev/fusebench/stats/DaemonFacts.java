package dev.fusebench.stats;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.fusebench.sandbox.SandboxFacts;

import java.util.List;
import java.util.Map;

/**
 * Facts about a daemon's run, the "daemon" object of its statistics file. Each is set where it
 * becomes known (the command line, the transport, the backend, the shutdown), so this is the one
 * mutable part of the tree; unset facts are left out of the file. Written from several threads, read
 * once at the end: every field is volatile.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public final class DaemonFacts {
    /** "vhost-user" or "dev-fuse". */
    public volatile String transport;
    /** vhost-user: the socket; /dev/fuse: the mount point. */
    public volatile String socketPath, mountPoint;
    /** /dev/fuse: serving threads. */
    public volatile Integer threads;
    /** The negotiation settings' name, the shared directory, the cache policy and the xattr mode. */
    public volatile String settings, sharedDir, cache, xattr;
    /** Open flags the cache policy sets on files and directories. */
    public volatile List<String> openFlags;
    /** The sandbox as configured, or as read back from the process inside it. */
    public volatile SandboxFacts sandbox;
    /** vhost-user: the last request queue's size, the queues started and the guest memory regions mapped. */
    public volatile Integer queueSize, queuesStarted, guestMemoryRegions;
    /** FUSE over io_uring: its queues, and why one failed (null: none did). */
    public volatile Uring uring;
    public volatile String uringFailure;
    /** The warm-up before serving (--warm-up). */
    public volatile WarmUp warmUp;
    /** JIT compilation over the whole run, seconds. */
    public volatile Double jitCompileS;
    /** FUSE passthrough: opens passed through, and why others were not, by errno. */
    public volatile Passthrough passthrough;
    /** The stall injected into large requests (--inject-fault): its settings, and the requests it saw and stalled. */
    public volatile InjectedStall injectedStall;
    /** The guest's descriptor budget and how many it held at the end. */
    public volatile Descriptors guestDescriptors;

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Uring(int queues, int depth, long payloadBytes) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record WarmUp(long requests, double seconds, double jitCompileS) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record InjectedStall(long aboveBytes, long ms, long every, long eligible, long stalled) {}

    public record Passthrough(long opens, Map<String, Long> refused) {}

    public record Descriptors(long limit, long held) {}
}
