package dev.fusebench.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fusebench.bench.matrix.ResultsStore;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/** matrix --shard K/N on "two hosts", merged, equals the same plan run whole; bad shards and merges are one-line errors. */
@Timeout(600)
class ShardMergeTest {
    @TempDir Path tmp;

    /** A quick host-fuse plan; {@code extra} options (pairs) are added or replace the defaults. */
    static int matrix(Path out, String... extra) {
        java.util.Map<String, String> opts = new java.util.LinkedHashMap<>();
        String[] defaults = {"--transport", "host-fuse", "--design", "boots", "--workloads", "direct-read-1m", "--iterations", "2", "--warmup", "0", "--runtime", "1",
                "--size", "16", "--seed", "3", "--out", out.toString(), "--workloads-dir", Path.of("..", "guest-workloads").toString()};
        for (int i = 0; i < defaults.length; i += 2) opts.put(defaults[i], defaults[i + 1]);
        for (int i = 0; i < extra.length; i += 2) opts.put(extra[i], extra[i + 1]);
        List<String> args = new ArrayList<>();
        opts.forEach((k, v) -> { args.add(k); args.add(v); });
        return Main.execute(prepend("matrix", args)); // as run-bench.sh calls it (builds the report too)
    }

    /** unit, block, position and block order of every run: what a plan decides. */
    static Set<String> planOf(Path dir) throws Exception {
        Set<String> s = new TreeSet<>();
        for (JsonNode n : new ResultsStore(dir).read(false)) {
            if (!"run".equals(n.path("type").asText())) continue;
            s.add(n.get("unit").asText() + "|" + n.get("arm").asText() + "|b" + n.get("iteration").asInt() + "|p" + n.get("position").asInt()
                    + "|" + n.get("block_order"));
        }
        return s;
    }

    @Test
    void twoShardsMergedEqualThePlanRunWhole() throws Exception {
        Path whole = tmp.resolve("whole"), s1 = tmp.resolve("s1"), s2 = tmp.resolve("s2"), merged = tmp.resolve("merged");
        // two arms: Latin squares of 2 blocks, one square to each shard, so each host runs AB and BA
        assertEquals(0, matrix(whole, "--iterations", "4"));
        assertTrue(new ResultsStore(whole).environment().get("command_line").asText().startsWith("run-bench.sh matrix --transport host-fuse"),
                "the command line as the user typed it");
        assertEquals(0, matrix(s1, "--shard", "1/2", "--iterations", "4"));
        assertEquals(0, matrix(s2, "--shard", "2/2", "--iterations", "4"));
        assertEquals(Set.of("b1", "b2"), blocksOf(s1));
        assertEquals(Set.of("b3", "b4"), blocksOf(s2));
        assertEquals(2, matrix(tmp.resolve("empty"), "--shard", "2/2"), "2 iterations are one square: shard 2 would hold none");
        assertEquals(0, Main.execute("merge", s1.toString(), s2.toString(), "--out", merged.toString()));
        assertEquals(planOf(whole), planOf(merged), "same blocks, same arms, same order");
        JsonNode env = new ResultsStore(merged).environment();
        assertEquals(2, env.get("shards").size());
        assertTrue(new ResultsStore(merged).read(false).stream().filter(n -> n.path("type").asText().equals("run"))
                .allMatch(n -> n.hasNonNull("shard") && n.hasNonNull("host_name")), "each run says which shard and host");
        assertTrue(Files.exists(merged.resolve("report.html")));

        // a shard whose runs all failed still merges, its failures shown
        Path failed = tmp.resolve("failed"), merged2 = tmp.resolve("merged2");
        Files.createDirectories(failed);
        ObjectMapper json = new ObjectMapper();
        StringBuilder sb = new StringBuilder();
        for (JsonNode n : new ResultsStore(s2).read(false)) {
            ObjectNode o = (ObjectNode) n.deepCopy();
            if (o.path("type").asText().equals("run")) {
                o.put("status", "failed");
                o.put("failure", "the daemon was killed by signal 9 (SIGKILL) while running direct-read-1m");
                o.remove("fio");
            }
            sb.append(json.writeValueAsString(o)).append('\n');
        }
        Files.writeString(failed.resolve("results.jsonl"), sb.toString());
        assertEquals(0, Main.execute("merge", s1.toString(), failed.toString(), "--out", merged2.toString()));
        var doc = Jsoup.parse(merged2.resolve("report.html").toFile());
        assertTrue(doc.select("#failures").text().contains("SIGKILL"), doc.select("#failures").text());

        // shards of another commit merge, and the report says so
        Path otherCommit = tmp.resolve("otherCommit"), merged3 = tmp.resolve("merged3");
        Files.createDirectories(otherCommit);
        StringBuilder oc = new StringBuilder();
        for (JsonNode n : new ResultsStore(s2).read(false)) {
            ObjectNode o = (ObjectNode) n.deepCopy();
            if (o.path("type").asText().equals("environment")) o.put("git_commit", "0123abc");
            oc.append(json.writeValueAsString(o)).append('\n');
        }
        Files.writeString(otherCommit.resolve("results.jsonl"), oc.toString());
        assertEquals(0, Main.execute("merge", s1.toString(), otherCommit.toString(), "--out", merged3.toString()));
        assertTrue(new ResultsStore(merged3).environment().path("versions_differ").toString().contains("git_commit"));
        assertTrue(Files.readString(merged3.resolve("summary.md")).contains("The merged shards ran different versions"));

        // bad merges: one line, exit 2, nothing written
        Path bad = tmp.resolve("bad");
        assertEquals(2, Main.execute("merge", s1.toString(), s1.toString(), "--out", bad.toString()), "the same shard twice");
        assertEquals(2, Main.execute("merge", s1.toString(), whole.toString(), "--out", bad.toString()), "not a shard");
        Path other = tmp.resolve("other");
        assertEquals(0, matrix(other, "--shard", "2/2", "--seed", "4", "--iterations", "4"));
        assertEquals(2, Main.execute("merge", s1.toString(), other.toString(), "--out", bad.toString()), "another seed: another plan");
        assertFalse(Files.exists(bad), "nothing written");
        assertTrue(ProcessHandle.current().descendants().noneMatch(ProcessHandle::isAlive), "nothing left running");
    }

    static Set<String> blocksOf(Path dir) throws Exception {
        Set<String> s = new TreeSet<>();
        for (String p : planOf(dir)) s.add(p.split("\\|")[2]);
        return s;
    }

    @Test
    void badPrecisionAndShardOptionsAreOneLineErrors() {
        for (String[] bad : List.of(new String[]{"--target-ci", "0"}, new String[]{"--target-ci", "100"}, new String[]{"--target-ci", "-3"},
                new String[]{"--max-iterations", "2"}, new String[]{"--design", "boots", "--max-iterations", "4"}, new String[]{"--shard", "3/2"}, new String[]{"--shard", "0/2"}, new String[]{"--shard", "1of2"},
                new String[]{"--shard", "1/2", "--iterations", "auto"}, new String[]{"--iterations", "many"}, new String[]{"--max-minutes", "0"})) {
            Path out = tmp.resolve("never");
            List<String> args = new ArrayList<>(List.of("--transport", "host-fuse", "--out", out.toString(),
                    "--workloads-dir", Path.of("..", "guest-workloads").toString()));
            if (!List.of(bad).contains("--iterations")) args.addAll(List.of("--iterations", "auto"));
            args.addAll(List.of(bad));
            assertEquals(2, Main.execute(prepend("matrix", args)), String.join(" ", bad));
            assertFalse(Files.exists(out), "nothing written for " + String.join(" ", bad));
        }
    }

    static String[] prepend(String first, List<String> rest) {
        List<String> l = new ArrayList<>(rest);
        l.addFirst(first);
        return l.toArray(String[]::new);
    }
}
