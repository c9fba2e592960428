package dev.fusebench.bench.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.io.IOException;
import java.util.List;

/**
 * A run line of the matrix's results.jsonl: where the run sat in the plan (unit, block, position,
 * the block's order of arms), then its {@link RunResult}, flattened into the same object.
 *
 * @param type     always "run"
 * @param guestKey the guest configuration's label (kernel series, queue size, ...)
 * @param shard    which shard of the plan ran it, in a merged result set ("K/N"); null otherwise
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunLine(String type, String unit, int iteration, boolean warmup, int position, List<String> blockOrder,
                      Double unitWallS, String hostName, String guestKey, String shard,
                      String cellDaemon,
                      @JsonUnwrapped RunResult result) {
    public static final String TYPE = "run";

    /** A run whose cell is its own daemon's (the arms are variants). */
    public RunLine(String type, String unit, int iteration, boolean warmup, int position, List<String> blockOrder,
                   Double unitWallS, String hostName, String guestKey, String shard, RunResult result) {
        this(type, unit, iteration, warmup, position, blockOrder, unitWallS, hostName, guestKey, shard, null, result);
    }

    /** Reads result lines: fields this version does not know are skipped, so older and newer files both read. */
    public static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public static RunLine of(JsonNode line) {
        try {
            return JSON.treeToValue(line, RunLine.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable run line: " + e.getMessage(), e);
        }
    }

    public static boolean isRun(JsonNode line) { return TYPE.equals(line.path("type").asText()); }

    public String arm() { return result.arm(); }
    public String workload() { return result.workload(); }
    public boolean ok() { return result.ok(); }
}
