package dev.fusebench.reports;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The report built from raw results of a real quick matrix (plus one failed run) has every section. */
class ReportTest {
    @TempDir Path dir;

    @BeforeEach
    void fixture() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/matrix-quick/results.jsonl")) {
            Files.copy(in, dir.resolve("results.jsonl"));
        }
        Files.writeString(dir.resolve("results.jsonl"), """
                {"type":"run","unit":"i3/java/6.1/q1024/max-pages","iteration":3,"warmup":false,"arm":"max-pages","guest_key":"6.1/q1024","workload":"seq-read","daemon":{"name":"java"},"status":"failed","failure":"guest killed at its deadline of 90 s while running seq-read","variant":"max-pages"}
                """, StandardOpenOption.APPEND);
    }

    @Test
    void everySectionAndDecodableCharts() throws Exception {
        Path html = ReportBuilder.build(dir);
        Document doc = Jsoup.parse(html.toFile());
        for (String id : List.of("summary", "method", "family", "stop", "arms", "order", "noise", "charts", "deltas", "latency", "negotiation", "failures", "environment")) {
            assertNotNull(doc.getElementById(id), "section " + id);
        }
        var summaryRows = doc.select("#summary table tr");
        assertEquals(1 + 2, summaryRows.size(), "header + seq-read + rand-read");
        String seqRow = summaryRows.get(1).text();
        assertTrue(seqRow.contains("seq-read") && seqRow.contains("max-pages") && seqRow.contains("%"), seqRow);
        assertTrue(seqRow.contains("2 (1 dropped)"), "the block whose run failed drops out of the pairs and is counted: " + seqRow);
        assertTrue(seqRow.contains("no verdict"), "two blocks: no verdict: " + seqRow);
        assertTrue(doc.select(".warn").text().contains("no verdict can be reached"), "a smoke run says so");
        assertTrue(doc.select("#stop").text().contains("--iterations 2"), doc.select("#stop").text());
        assertTrue(doc.select("#failures").text().contains("deadline"));
        assertTrue(doc.select("#negotiation table").text().contains("MAX_PAGES"));
        assertTrue(doc.select("#negotiation table").text().contains("128 KiB"), "READ size max per arm");
        assertTrue(doc.select("#negotiation th").text().contains("pages per request (kernel)"));
        assertTrue(doc.select("#negotiation td").eachText().containsAll(List.of("256", "32")), "the computed page counts of both arms");
        assertFalse(doc.select("#negotiation table").text().contains("⚠"), "observed sizes within the computed limits");
        var imgs = doc.select("img");
        assertTrue(imgs.size() >= 7, "charts: 2 workloads, deltas, 2 run-order charts, READ and WRITE sizes");
        for (Element img : imgs) {
            String src = img.attr("src");
            assertTrue(src.startsWith("data:image/png;base64,"), "embedded, self-contained");
            BufferedImage im = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(src.substring(src.indexOf(',') + 1))));
            assertNotNull(im);
            assertEquals(Charts.WIDTH, im.getWidth());
        }
        assertTrue(doc.select("link[href], script[src]").isEmpty(), "no external resources");
        try (var s = Files.list(dir.resolve("charts"))) {
            for (Path png : s.toList()) assertNotNull(ImageIO.read(png.toFile()), png + " decodes");
        }
        String md = Files.readString(dir.resolve("summary.md"));
        assertTrue(md.contains("| workload | daemon · guest | metric | baseline | arm |"), md);
        assertTrue(md.contains("emulated"));
        List<String> csv = Files.readAllLines(dir.resolve("results.csv"));
        assertEquals(1 + 13, csv.size(), "header + 12 runs + the failed one");
        assertTrue(csv.getLast().contains("failed"));
    }

    @Test
    void cpuSecondsOfEachJobReachTheCsvAndTheHtml() throws Exception {
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        String okLine = Files.readAllLines(dir.resolve("results.jsonl")).stream()
                .filter(l -> l.contains("\"type\":\"run\"") && l.contains("\"status\":\"ok\"") && l.contains("\"warmup\":false")).findFirst().orElseThrow();
        var ok = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(okLine);
        ok.putObject("cpu_s").put("daemon_s", 2.5).put("qemu_s", 11.5);
        Files.writeString(dir.resolve("results.jsonl"), mapper.writeValueAsString(ok) + "\n", StandardOpenOption.APPEND);
        Files.writeString(dir.resolve("results.jsonl"), """
                {"type":"run","unit":"i4/java/6.1/q1024/max-pages","iteration":4,"warmup":false,"arm":"max-pages","guest_key":"6.1/q1024","workload":"seq-read","daemon":{"name":"java"},"status":"failed","failure":"the daemon was killed by signal 9 (SIGKILL) while running seq-read","cpu_s":{"daemon_s":1.5,"qemu_s":12.25},"variant":"max-pages"}
                """, StandardOpenOption.APPEND);
        ReportBuilder.build(dir);
        List<String> csv = Files.readAllLines(dir.resolve("results.csv"));
        assertTrue(csv.getFirst().contains(",daemon_cpu_s,qemu_cpu_s,"), csv.getFirst());
        assertTrue(csv.getLast().contains(",1.500,12.250,"), csv.getLast());
        assertTrue(csv.stream().anyMatch(l -> l.contains(",,,guest killed")), "no cpu_s, empty columns");
        assertTrue(csv.stream().anyMatch(l -> l.contains(",2.500,11.500,")), "the ok run's CPU seconds");
        var doc = org.jsoup.Jsoup.parse(Files.readString(dir.resolve("report.html")));
        assertTrue(doc.select("#latency th").text().contains("daemon CPU s/job"));
        String arm = ok.path("arm").asText(), workload = ok.path("workload").asText();
        // the only run of its cell and arm that carries CPU seconds: its values are the medians
        assertTrue(doc.select("#latency tr").stream().anyMatch(tr -> tr.text().startsWith(workload + " ") && tr.text().contains(" " + arm + " ")
                && tr.select("td").get(5).text().equals("2.5") && tr.select("td").get(6).text().equals("11.5")), doc.select("#latency").text());
    }

    /** A reviewer reads the headline first: one line per cell before the table, Δ [CI], verdict and the requests' evidence. */
    @Test
    void theHeadlineComesFirst() throws Exception {
        Document doc = Jsoup.parse(ReportBuilder.build(dir).toFile());
        String md = Files.readString(dir.resolve("summary.md"));
        int headline = md.indexOf("\n- **seq-read** ("), table = md.indexOf("| workload |");
        assertTrue(headline > 0 && headline < table, md);
        String line = md.substring(headline + 1, md.indexOf('\n', headline + 1));
        assertTrue(line.contains("max-pages against baseline: ") && line.contains("% [") && line.contains("**no verdict"), line);
        assertTrue(line.contains(", I/O errors in the arm: 1 failed"), "the failed run, in the same line: " + line);
        assertEquals(2, doc.select("#headline li").size(), "seq-read and rand-read");
        assertTrue(doc.select("#headline li b").first().text().equals("seq-read"));
        assertTrue(doc.select("#headline").first().siblingIndex() < doc.getElementById("summary").siblingIndex(), "before the table");
        // the deltas as a Mermaid chart GitHub draws: a bar per comparison, CI ends and the band as lines
        int chart = md.indexOf("```mermaid\nxychart-beta\n");
        assertTrue(chart > table, md);
        String mermaid = md.substring(chart, md.indexOf("```\n", chart + 3));
        assertTrue(mermaid.contains("x-axis [\"seq-read max-pages\", \"rand-read max-pages\"]"), mermaid);
        assertEquals(1, mermaid.lines().filter(l -> l.strip().startsWith("bar [")).count());
        assertEquals(4, mermaid.lines().filter(l -> l.strip().startsWith("line [")).count());
    }

    @Test
    void compareTwoResultSets() throws Exception {
        Path b = Files.createDirectories(dir.resolve("b"));
        Files.copy(dir.resolve("results.jsonl"), b.resolve("results.jsonl"));
        String md = Files.readString(Compare.write(dir, b));
        assertTrue(md.contains("| seq-read | java · 6.1/q1024 | baseline |"), md);
        assertTrue(md.contains("+0.0%"), "identical sets: no change");
        assertFalse(md.contains("**faster**") || md.contains("**slower**"), "separate sittings: no verdict on a direct difference");
        // the shared reference is the anchor: each arm's gain compared between the runs, here identical
        assertTrue(md.contains("### Gains over the anchor (baseline)"), md);
        assertTrue(md.contains("| seq-read | java · 6.1/q1024 | max-pages |") && md.contains("**no change shown**"), md);
        assertFalse(md.contains("gain larger in B") || md.contains("gain smaller in B"));
        // another plan is refused
        Path c = Files.createDirectories(dir.resolve("c"));
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(dir.resolve("results.jsonl")));
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var env = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(lines.getFirst());
        env.put("runtime_s", env.path("runtime_s").asInt() + 5);
        lines.set(0, json.writeValueAsString(env));
        Files.write(c.resolve("results.jsonl"), lines);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Compare.write(dir, c));
        assertTrue(e.getMessage().contains("runtime_s"), e.getMessage());
    }

    @Test
    void ratioOfRatiosCombinesTheTwoIntervals() {
        java.util.Map<Integer, Double> ref = new java.util.TreeMap<>(), arm = new java.util.TreeMap<>(), arm2 = new java.util.TreeMap<>();
        for (int i = 1; i <= 8; i++) {
            ref.put(i, 100.0);
            arm.put(i, 150.0 * (i % 2 == 0 ? 1.02 : 0.98));
            arm2.put(i, 120.0 * (i % 2 == 0 ? 1.02 : 0.98));
        }
        var x = dev.fusebench.bench.stats.Comparison.paired(ref, arm, 8).decide(0.001, 3);
        var y = dev.fusebench.bench.stats.Comparison.paired(ref, arm2, 8).decide(0.001, 3);
        var r = Compare.ratioOfRatios(new dev.fusebench.bench.matrix.RunLines.Cell("w", "java", "g"), "a", x, y);
        assertEquals(Math.log(120.0 / 150.0), r.logRatio(), 1e-3);
        double[] sx = Compare.seAndDf(x), sy = Compare.seAndDf(y);
        assertEquals(Math.sqrt(sx[0] * sx[0] + sy[0] * sy[0]), r.se(), 1e-12);
        assertEquals(14, r.df(), 1e-6, "equal variances, 7 df each: Welch-Satterthwaite gives 14");
        assertTrue(r.p() < 0.001);
    }
}
