package dev.fusebench.stats;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.fusebench.files.PrivateFiles;
import dev.fusebench.fuse.InitFlag;
import dev.fusebench.fuse.InitOut;
import dev.fusebench.fuse.Negotiation;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The statistics file a daemon writes with --stats, as one record tree: the daemon writes it and the
 * controller and the reports read it with these same types. Fields a newer daemon adds are null in an
 * older file, and fields this version does not know are skipped, so old result files still read.
 *
 * @param daemon           facts about the run (transport, settings, sandbox, ...)
 * @param negotiation      the INIT exchange, or null when none happened
 * @param opcodes          per opcode, all phases
 * @param phases           per phase between job marks; null without marks
 * @param requestsPerQueue per virtqueue ("queue-N"), or per io_uring queue ("uring-N") beside "dev-fuse"; null when empty
 * @param marksIgnored     marks past {@link JobMarks#MAX_PHASES}; null when none
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record StatsFile(DaemonFacts daemon, double uptimeS, Negotiated negotiation, Map<String, OpcodeFigures> opcodes,
                        List<Phase> phases, Map<String, Long> requestsPerQueue, long droppedRequests, Long marksIgnored) {

    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** A statistics file as read into a JSON tree (a result line's {@code daemon_stats}), or null for none. */
    public static StatsFile of(JsonNode tree) {
        return tree == null || tree.isNull() || tree.isMissingNode() ? null : JSON.convertValue(tree, StatsFile.class);
    }

    public static StatsFile read(Path file) throws IOException { return JSON.readValue(file.toFile(), StatsFile.class); }

    /** Writes the file atomically (temp file + rename), owner-only, so a reader never sees half a file. */
    public void write(Path file) throws IOException {
        PrivateFiles.write(file, JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(this));
    }

    public JsonNode toTree() { return JSON.valueToTree(this); }

    /**
     * The same without the per-phase part, which a controller's slice results carry each for itself
     * (a boot of hundreds of slices would otherwise repeat them in every result).
     */
    public StatsFile withoutPhases() {
        return new StatsFile(daemon, uptimeS, negotiation, opcodes, null, requestsPerQueue, droppedRequests, marksIgnored);
    }

    /** The phase a job mark started, or null. */
    public Phase phase(String mark) {
        if (phases == null) return null;
        for (Phase p : phases) if (p.mark().equals(mark)) return p;
        return null;
    }

    /** Requests served through FUSE-over-io_uring rings. */
    public long requestsOnRings() {
        if (requestsPerQueue == null) return 0;
        return requestsPerQueue.entrySet().stream().filter(e -> e.getKey().startsWith("uring-")).mapToLong(Map.Entry::getValue).sum();
    }

    /**
     * The INIT exchange: what the kernel offered, what the daemon replied, and the request size that
     * follows from it, computed once: the replied max_pages as the kernel takes it (without
     * FUSE_MAX_PAGES its default; capped by fs.fuse.max_pages_limit), and under virtio-fs capped again
     * by the queue size ({@code virtqueueMaxPages}).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Negotiated(String settings, int protocolMajor, int protocolMinor, int replyMinor,
                             long kernelFlags, List<String> kernelFlagNames, int kernelMaxReadahead,
                             long replyFlags, List<String> replyFlagNames, int maxPages, int maxWrite, int maxReadahead,
                             int maxBackground, int congestionThreshold, int timeGran, Integer virtqueueMaxPages,
                             int maxPagesLimit, int effectiveMaxPages, int effectiveMaxWrite) {

        /** @param queueSize the virtqueue size under virtio-fs, null over /dev/fuse */
        public static Negotiated of(Negotiation n, Integer queueSize) {
            Integer queuePages = queueSize == null ? null : InitOut.virtqueueMaxPages(queueSize);
            int pages = n.effectiveMaxPagesOver(queueSize);
            InitOut r = n.reply();
            return new Negotiated(n.settingsName(), n.offered().major(), n.offered().minor(), r.minor(),
                    n.offered().flags(), InitFlag.names(n.offered().flags()), n.offered().maxReadahead(),
                    r.flags(), InitFlag.names(r.flags()), r.maxPages(), r.maxWrite(), r.maxReadahead(),
                    r.maxBackground(), r.congestionThreshold(), r.timeGran(), queuePages,
                    n.pagesLimit(), pages, n.effectiveMaxWrite());
        }

        public boolean replied(String flag) { return replyFlagNames != null && replyFlagNames.contains(flag); }
    }

    /** One opcode's requests: how many, how many failed, their sizes, and how long serving took. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record OpcodeFigures(long count, long errors, Sizes size, Latency latencyUs) {}

    /**
     * Request sizes of one opcode: exact unless more than {@link SizeCounts#DISTINCT} distinct sizes
     * came (then the rest are counted in 3-digit histogram buckets).
     * @param histogram count per size, ascending
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Sizes(long max, long p50, long p99, double mean, boolean exact, Map<Long, Long> histogram) {}

    /** Service time in µs. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Latency(double p50, double p99, double max) {}

    /** The requests between one job mark and the next. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Phase(String mark, Map<String, OpcodeFigures> opcodes) {}
}
