package dev.fusebench.bench.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.io.IOException;

/**
 * A decision of the matrix's precision rule (iterations auto), a line of results.jsonl of type
 * "extension": after {@code blocks} measured blocks, "extend" to {@code blocksPlanned} or "stop", and why.
 *
 * @param widestHalfWidthPct the widest 95% interval's half width then, % (null while none is finite)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExtensionLine(String type, int blocks, String decision, int blocksPlanned, String reason, Double widestHalfWidthPct,
                            String widestCell, double elapsedS, String time) {
    public static final String TYPE = "extension";

    public boolean stops() { return "stop".equals(decision); }

    public static boolean isExtension(JsonNode line) { return TYPE.equals(line.path("type").asText()); }

    public static ExtensionLine of(JsonNode line) {
        try {
            return RunLine.JSON.treeToValue(line, ExtensionLine.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable extension line: " + e.getMessage(), e);
        }
    }
}
