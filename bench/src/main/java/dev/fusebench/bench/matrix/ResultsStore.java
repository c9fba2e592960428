package dev.fusebench.bench.matrix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The append-only results file, one JSON object per line: first the environment, then one line per
 * workload run. Each guest boot's lines are written together and forced to disk before the next
 * boot starts, so a killed matrix loses at most the boot in progress; a torn last line is dropped
 * on resume.
 */
public final class ResultsStore {
    public static final String FILE = "results.jsonl";
    static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;

    public ResultsStore(Path dir) { this.file = dir.resolve(FILE); }

    public Path file() { return file; }

    public boolean exists() { return Files.exists(file); }

    /** Starts a new results file with its environment line. */
    public void create(Map<String, Object> environment) throws IOException {
        Files.createDirectories(file.getParent());
        if (Files.exists(file)) throw new IOException(file + " exists: use --resume " + file.getParent());
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("type", "environment");
        env.putAll(environment);
        append(List.of(env));
    }

    /** Appends lines and forces them to disk. */
    public synchronized void append(List<?> lines) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Object l : lines) sb.append(JSON.writeValueAsString(l)).append('\n');
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer b = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) ch.write(b);
            ch.force(true);
        }
    }

    /** Every complete line; a torn last line (killed mid-write) is cut off the file. */
    public List<JsonNode> read(boolean repair) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') end--;
        if (repair && end != bytes.length) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(end);
            }
        }
        List<JsonNode> out = new ArrayList<>();
        for (String line : new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) continue;
            out.add(JSON.readTree(line));
        }
        return out;
    }

    /** Units (guest boots) already recorded. */
    public Set<String> doneUnits() throws IOException { return units(read(true)); }

    /** The units (guest boots) these lines record. */
    static Set<String> units(List<JsonNode> lines) {
        Set<String> done = new LinkedHashSet<>();
        for (JsonNode n : lines) if ("run".equals(n.path("type").asText())) done.add(n.path("unit").asText());
        return done;
    }

    public JsonNode environment() throws IOException {
        for (JsonNode n : read(false)) if ("environment".equals(n.path("type").asText())) return n;
        throw new IOException(file + " has no environment line");
    }
}
