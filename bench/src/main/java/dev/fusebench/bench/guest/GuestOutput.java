package dev.fusebench.bench.guest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * What the guest's /init reported on its result port (ttyS1): markers, each job's fio JSON, and the
 * share's read_ahead_kb as read back after setting it (null when not set).
 */
public record GuestOutput(String kernelRelease, Double bootedUptime, Double mountedUptime, Double layoutSeconds,
                          Double layoutEnd, Map<String, Job> jobs, List<String> fatal, List<String> warnings, boolean done,
                          Double doneUptime, String sha256, Map<Integer, Integer> readaheadsKb, Map<Integer, SliceTimes> slices) {

    /** The read_ahead_kb read back (the first share's), or null when none was set. */
    public Integer readaheadKb() { return readaheadKb(0); }

    /** The read_ahead_kb read back on share {@code i} (0-based, in mount order), or null. */
    public Integer readaheadKb(int i) { return readaheadsKb.get(i + 1); }

    /** When an interleaved slice started and ended (guest uptime, from fbmark); end is null while it has not. */
    public record SliceTimes(Double start, Double end) {
        public static final SliceTimes NONE = new SliceTimes(null, null);
    }

    /**
     * Seconds between the end of what came before a job (the layout, or the previous job) and the
     * job's start: the drop of caches and fio's start-up, which measure nothing.
     */
    public Double beforeJob(String job) {
        Double prev = layoutEnd;
        for (Job j : jobs.values()) {
            if (j.name().equals(job)) return prev == null || j.startUptime() == null ? null : j.startUptime() - prev;
            prev = j.endUptime();
        }
        return null;
    }

    /** Seconds from the last job's end to DONE (checksum, sync): null when the guest did not get there. */
    public Double afterLastJob() {
        if (doneUptime == null || jobs.isEmpty()) return null;
        Double last = jobs.values().stream().reduce((a, b) -> b).map(Job::endUptime).orElse(null);
        return last == null ? null : doneUptime - last;
    }

    /** @param metric a figure the job reported itself (readdir.sh's entries per second), or null */
    public record Job(String name, Double startUptime, Double endUptime, Integer exitCode, String json, String log, Double metric) {
        public Double seconds() { return startUptime == null || endUptime == null ? null : endUptime - startUptime; }

        Job withMetric(Double m) { return new Job(name, startUptime, endUptime, exitCode, json, log, m); }
    }

    public static GuestOutput parse(String text) {
        String kernel = null;
        Double booted = null, mounted = null, layout = null, layoutEnd = null, doneAt = null;
        Map<String, Job> jobs = new LinkedHashMap<>();
        List<String> fatal = new ArrayList<>(), warnings = new ArrayList<>();
        boolean done = false;
        String sha256 = null;
        Map<Integer, Integer> readaheads = new LinkedHashMap<>();
        Map<Integer, SliceTimes> slices = new LinkedHashMap<>();
        String jsonJob = null;
        boolean jsonGz = false;
        StringBuilder json = new StringBuilder();
        for (String raw : text.split("\n")) {
            String line = raw.replace("\r", "");
            if (jsonJob != null) {
                if (line.startsWith("@@FB JSON-END ")) {
                    Job j = jobs.get(jsonJob);
                    jobs.put(jsonJob, new Job(jsonJob, j.startUptime(), null, null, jsonGz ? gunzip(json.toString()) : json.toString(), null, j.metric()));
                    jsonJob = null;
                } else {
                    json.append(line).append('\n');
                }
                continue;
            }
            if (!line.startsWith("@@FB ")) continue;
            String[] f = line.substring(5).split(" ", -1);
            switch (f[0]) {
                case "BOOTED" -> { booted = num(f, 1); kernel = f.length > 2 ? f[2] : null; }
                case "MOUNTED" -> mounted = num(f, 1);
                case "LAYOUT" -> { Double a = num(f, 1), b = num(f, 2); layout = a == null || b == null ? null : b - a; layoutEnd = b; }
                case "JOB-START" -> { if (f.length > 1) jobs.put(f[1], new Job(f[1], num(f, 2), null, null, null, null, null)); }
                case "JSON-BEGIN", "JSON-GZ-BEGIN" -> {
                    if (f.length > 1 && jobs.containsKey(f[1])) { jsonJob = f[1]; jsonGz = f[0].equals("JSON-GZ-BEGIN"); json.setLength(0); }
                }
                case "JOB-LOG" -> {
                    if (f.length > 1 && jobs.containsKey(f[1])) {
                        Job j = jobs.get(f[1]);
                        jobs.put(f[1], new Job(j.name(), j.startUptime(), j.endUptime(), j.exitCode(), j.json(), rest(f, 2), j.metric()));
                    }
                }
                case "JOB-END" -> {
                    if (f.length > 2 && jobs.containsKey(f[1])) {
                        Job j = jobs.get(f[1]);
                        Double rc = num(f, 2);
                        jobs.put(f[1], new Job(j.name(), j.startUptime(), num(f, 3), rc == null ? null : rc.intValue(), j.json(), j.log(), j.metric()));
                    }
                }
                case "FATAL" -> fatal.add(rest(f, 1));
                case "WARN" -> warnings.add(rest(f, 1));
                case "DONE" -> { done = true; doneAt = num(f, 1); }
                case "SHA256" -> sha256 = f.length > 1 ? f[1] : null;
                case "METRIC" -> { if (f.length > 1 && jobs.containsKey(f[1])) jobs.put(f[1], jobs.get(f[1]).withMetric(metric(line, f[1]))); }
                case "SLICE-START" -> { Integer id = id(f, 1); if (id != null) slices.put(id, new SliceTimes(num(f, 2), null)); }
                case "SLICE-END" -> {
                    Integer id = id(f, 1);
                    if (id != null && slices.containsKey(id)) slices.put(id, new SliceTimes(slices.get(id).start(), num(f, 2)));
                }
                case "READAHEAD" -> { // "READAHEAD KB SHARE" (SHARE 1-based; older guests give one share and no number)
                    Double kb = num(f, 1);
                    Integer share = f.length > 2 ? id(f, 2) : Integer.valueOf(1);
                    if (kb != null && share != null) readaheads.put(share, kb.intValue());
                }
                default -> { }
            }
        }
        return new GuestOutput(kernel, booted, mounted, layout, layoutEnd, jobs, fatal, warnings, done, doneAt, sha256, readaheads, slices);
    }

    /**
     * The figure in a "@@FB METRIC JOB NAME VALUE ..." line a job wrote itself (readdir.sh), when the
     * line is one and names {@code job}; else null.
     */
    public static Double metric(String line, String job) {
        String[] f = line.strip().split(" ");
        if (f.length < 5 || !f[0].equals("@@FB") || !f[1].equals("METRIC") || !f[2].equals(job)) return null;
        try {
            return Double.parseDouble(f[4]);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** fio's JSON as the guest sends it (gzip, then base64); empty (unreadable fio output) when it arrived garbled. */
    static String gunzip(String base64) {
        try (var in = new GZIPInputStream(new ByteArrayInputStream(Base64.getMimeDecoder().decode(base64)))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | IllegalArgumentException e) {
            return "";
        }
    }

    private static String rest(String[] f, int from) {
        return from >= f.length ? "" : String.join(" ", Arrays.copyOfRange(f, from, f.length));
    }

    private static Integer id(String[] f, int i) {
        Double d = num(f, i);
        return d == null ? null : d.intValue();
    }

    private static Double num(String[] f, int i) {
        if (i >= f.length) return null;
        try {
            return Double.parseDouble(f[i]);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
