package dev.fusebench.reports;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A report of six counterbalanced blocks with block drift: the paired verdict, q-values and the
 * family size, CV and MDE columns, the stop reason, the run-order charts and the steal warnings.
 */
class SixBlockReportTest {
    @TempDir Path dir;

    static Map<String, Object> run(int block, int position, String arm, String workload, double value, double steal) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("type", "run");
        r.put("unit", "i" + block + "/java/6.1/q1024/" + arm);
        r.put("iteration", block);
        r.put("warmup", false);
        r.put("position", position);
        r.put("block_order", position == 1 ? List.of("java/" + arm) : List.of());
        r.put("host_name", "host-a");
        r.put("arm", arm);
        r.put("guest_key", "6.1/q1024");
        r.put("workload", workload);
        r.put("daemon", Map.of("name", "java"));
        r.put("status", "ok");
        r.put("fio", Map.of("read", Map.of("ioBytes", 1, "bandwidthBytesPerSec", value * 1048576, "iops", value)));
        r.put("host_noise", Map.of("steal", steal, "iowait", 0.01, "load_avg", 2.1));
        r.put("variant", arm);
        return r;
    }

    @Test
    void pairedVerdictsAndTheNoise() throws Exception {
        ObjectMapper json = new ObjectMapper();
        StringBuilder sb = new StringBuilder();
        sb.append(json.writeValueAsString(Map.of("type", "environment", "reference_variant", "baseline", "iterations", "auto", "seed", 5,
                "threshold_pct", 3.0, "warmup", 1, "accel", "tcg", "emulated", true))).append('\n');
        SplittableRandom r = new SplittableRandom(3);
        for (int b = 1; b <= 6; b++) {
            double drift = 1 + 1.0 * (b % 3); // strong boot-to-boot drift, shared by both arms of a block
            boolean baseFirst = b % 2 == 1;
            for (String w : List.of("seq-read", "rand-read")) {
                double base = (w.equals("seq-read") ? 100 : 2000) * drift;
                double effect = w.equals("seq-read") ? 1.5 : 1.0;
                sb.append(json.writeValueAsString(run(b, baseFirst ? 1 : 2, "baseline", w, base * (1 + 0.03 * r.nextGaussian()), 0.02))).append('\n');
                sb.append(json.writeValueAsString(run(b, baseFirst ? 2 : 1, "max-pages", w, base * effect * (1 + 0.03 * r.nextGaussian()),
                        b == 4 && w.equals("seq-read") ? 0.14 : 0.03))).append('\n');
            }
        }
        sb.append(json.writeValueAsString(Map.of("type", "extension", "blocks", 6, "decision", "stop", "blocks_planned", 6,
                "reason", "precision reached: the widest 95% CI is ±4.0%"))).append('\n');
        Files.writeString(dir.resolve("results.jsonl"), sb.toString());
        Document doc = Jsoup.parse(ReportBuilder.build(dir).toFile());

        var rows = doc.select("#summary table tr");
        assertEquals(3, rows.size());
        List<String> head = rows.getFirst().select("th").eachText();
        for (String col : List.of("Δ", "95% CI", "p", "q", "arm ahead", "MDE", "SD log-ratio", "verdict", "pairs")) assertTrue(head.contains(col), "column " + col + " in " + head);
        Element seq = rows.get(1), rand = rows.get(2);
        assertEquals("faster", seq.select("td").get(head.indexOf("verdict")).text(), seq.text());
        assertEquals("6", seq.select("td").get(head.indexOf("pairs")).text());
        double q = Double.parseDouble(seq.select("td").get(head.indexOf("q")).text().replace("<", ""));
        assertTrue(q < 0.05, "q " + q);
        assertTrue(seq.select("td").get(head.indexOf("Δ")).text().startsWith("+4") || seq.select("td").get(head.indexOf("Δ")).text().startsWith("+5"), seq.text());
        assertTrue(seq.select("td").get(head.indexOf("MDE")).text().matches("-\\d+\\.\\d% / \\+\\d+\\.\\d%"), seq.text());
        String randVerdict = rand.select("td").get(head.indexOf("verdict")).text();
        assertFalse(randVerdict.equals("faster") || randVerdict.equals("slower"), rand.text());
        // the pairs say the same as the verdict: the arm ahead in every block, and the noise pairing leaves is small
        assertEquals("6 of 6", seq.select("td").get(head.indexOf("arm ahead")).text(), seq.text());
        assertTrue(Double.parseDouble(seq.select("td").get(head.indexOf("SD log-ratio")).text()) < 0.1, seq.text());
        // every pair the statistics took, in pairs.csv: 6 blocks x 2 cells, each seq-read log-ratio near log 1.5
        List<String> pairs = Files.readAllLines(dir.resolve("pairs.csv"));
        assertEquals("workload,daemon,guest,arm,reference,block,round,log_ratio", pairs.getFirst());
        assertEquals(1 + 12, pairs.size(), String.join("\n", pairs));
        assertEquals(2, doc.select("#pairs img").size(), "a chart of the pairs per comparison");
        assertTrue(pairs.stream().filter(l -> l.startsWith("seq-read,")).allMatch(l -> Math.abs(Double.parseDouble(l.substring(l.lastIndexOf(',') + 1)) - Math.log(1.5)) < 0.2), String.join("\n", pairs));
        assertTrue(doc.getElementById("family").text().contains("2 comparison(s)"), doc.getElementById("family").text());
        // the MDE at the level BH applied in this family: seq-read found, rand-read not, so 0.05 x 1 / 2
        assertTrue(doc.getElementById("method").text().contains("at 0.05 × 1 / 2 = 0.025"), doc.getElementById("method").text());
        assertTrue(doc.getElementById("stop").text().contains("precision reached"), doc.getElementById("stop").text());
        // each arm's CV, min and max
        assertTrue(doc.select("#arms th").eachText().containsAll(List.of("CV", "min", "max")));
        assertEquals(4, doc.select("#arms tr").size() - 1);
        // the run-order charts, one per cell, embedded and decodable
        var order = doc.select("#order img");
        assertEquals(2, order.size());
        for (Element img : order) {
            String src = img.attr("src");
            assertNotNull(ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(src.substring(src.indexOf(',') + 1)))));
        }
        // steal per job, and the warning
        assertEquals(1, doc.select("#noise tr.stealwarn").size());
        assertTrue(doc.select("#noise tr.stealwarn").text().contains("14.0%"));
        assertTrue(doc.select("#noise .warn").text().contains("1 job(s)"));
        String md = Files.readString(dir.resolve("summary.md"));
        assertTrue(md.contains("**faster**") && md.contains("Benjamini-Hochberg over the 2 comparison(s)"), md);
        assertTrue(md.contains("1 job(s) ran with host steal above 10.0%"), md);
        List<String> csv = Files.readAllLines(dir.resolve("results.csv"));
        assertTrue(csv.getFirst().contains(",position,") && csv.getFirst().contains(",host_steal,host_iowait,host_load_avg,"));
        assertTrue(csv.stream().anyMatch(l -> l.contains(",0.140,0.010,2.100,")), "steal of the noisy job");
    }
}
