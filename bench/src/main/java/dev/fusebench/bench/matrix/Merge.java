package dev.fusebench.bench.matrix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code merge DIR... --out DIR}: the shards of one plan ({@code matrix --shard K/N} on several
 * hosts) combined into one results set. Every shard must hold the same plan (seed, variants,
 * workloads, daemons, guests, iterations, warm-ups, job size and length, transport) and a
 * different K of the same N; a shard whose runs all failed still merges, its failures shown.
 */
public final class Merge {
    private Merge() {}

    /** What makes two results sets the same plan. */
    static final List<String> PLAN = List.of("seed", "variants", "workloads", "guests", "iterations", "warmup", "runtime_s", "size_mib", "transport",
            "threshold_pct", "design", "rounds", "slice_s", "warmup_rounds");

    /**
     * What the shards' hosts ran, which may differ without making another plan (another host has its
     * own QEMU build), but which a reader must be told of: the merged environment lists each difference
     * under {@code versions_differ}, and the report shows them.
     */
    static final List<String> VERSIONS = List.of("git_commit", "qemu", "daemons", "guest_images");

    /** Checks the shards (IllegalArgumentException with the reason) and writes the merged results.jsonl. */
    public static Path merge(List<Path> dirs, Path out) throws IOException {
        if (dirs.size() < 2) throw new IllegalArgumentException("merge wants at least two results directories");
        List<JsonNode> envs = new ArrayList<>();
        List<List<JsonNode>> lines = new ArrayList<>();
        for (Path d : dirs) {
            ResultsStore s = new ResultsStore(d);
            if (!s.exists()) throw new IllegalArgumentException("no " + ResultsStore.FILE + " in " + d);
            List<JsonNode> l = s.read(false);
            lines.add(l);
            envs.add(s.environment());
        }
        JsonNode first = envs.getFirst();
        Set<Integer> ks = new TreeSet<>();
        int n = -1;
        for (int i = 0; i < envs.size(); i++) {
            JsonNode e = envs.get(i);
            for (String key : PLAN) {
                if (!e.path(key).equals(first.path(key)))
                    throw new IllegalArgumentException(dirs.get(i) + " holds another plan than " + dirs.getFirst() + ": " + key + " " + e.path(key) + " vs " + first.path(key));
            }
            if (!e.path("daemons").isObject() || !fieldNames(e.path("daemons")).equals(fieldNames(first.path("daemons"))))
                throw new IllegalArgumentException(dirs.get(i) + " holds another plan than " + dirs.getFirst() + ": daemons differ");
            if (!e.hasNonNull("shard")) throw new IllegalArgumentException(dirs.get(i) + " is not a shard (run it with matrix --shard K/N)");
            Shard sh = Shard.parse(e.get("shard").asText());
            if (n >= 0 && sh.n() != n) throw new IllegalArgumentException(dirs.get(i) + " is shard " + sh + ", another split than " + first.get("shard").asText());
            n = sh.n();
            if (!ks.add(sh.k())) throw new IllegalArgumentException("shard " + sh + " is given twice");
        }
        if (Files.exists(out.resolve(ResultsStore.FILE))) throw new IllegalArgumentException(out.resolve(ResultsStore.FILE) + " exists");
        List<String> differ = new ArrayList<>();
        for (String key : VERSIONS)
            for (int i = 1; i < envs.size(); i++)
                if (!envs.get(i).path(key).equals(first.path(key)))
                    differ.add(key + ": " + dirs.getFirst() + " " + first.path(key) + ", " + dirs.get(i) + " " + envs.get(i).path(key));
        for (String d : differ) System.err.println("fusebench merge: the shards ran different versions: " + d);
        ObjectMapper json = new ObjectMapper();
        ObjectNode env = ((ObjectNode) first).deepCopy();
        env.remove("shard");
        if (!differ.isEmpty()) {
            var v = env.putArray("versions_differ");
            differ.forEach(v::add);
        }
        var shards = env.putArray("shards");
        for (int i = 0; i < envs.size(); i++) {
            ObjectNode sh = shards.addObject();
            sh.put("shard", envs.get(i).get("shard").asText());
            sh.put("dir", dirs.get(i).toAbsolutePath().toString());
            sh.set("host", envs.get(i).path("host"));
            sh.put("started", envs.get(i).path("started").asText());
            sh.put("git_commit", envs.get(i).path("git_commit").asText());
        }
        ResultsStore store = new ResultsStore(out);
        Map<String, Object> envMap = json.convertValue(env, LinkedHashMap.class);
        envMap.remove("type");
        store.create(envMap);
        for (int i = 0; i < lines.size(); i++) {
            List<Map<String, Object>> runs = new ArrayList<>();
            String k = envs.get(i).get("shard").asText();
            for (JsonNode l : lines.get(i)) {
                if (!"run".equals(l.path("type").asText())) continue;
                @SuppressWarnings("unchecked") Map<String, Object> m = json.convertValue(l, LinkedHashMap.class);
                m.put("shard", k);
                // every shard runs the warm-ups itself: keep their ids apart
                if (l.path("warmup").asBoolean()) m.put("unit", "s" + k.replace("/", "of") + "-" + l.path("unit").asText());
                runs.add(m);
            }
            store.append(runs);
        }
        return store.file();
    }

    private static Set<String> fieldNames(JsonNode n) {
        Set<String> s = new TreeSet<>();
        n.fieldNames().forEachRemaining(s::add);
        return s;
    }
}
