package dev.fusebench.bench.guest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the guest's /init reported on its result port (ttyS1): markers, and each job's fio JSON. */
public record GuestOutput(String kernelRelease, Double bootedUptime, Double mountedUptime, Double layoutSeconds,
                          Map<String, Job> jobs, List<String> fatal, List<String> warnings, boolean done,
                          String sha256) {

    public record Job(String name, Double startUptime, Double endUptime, Integer exitCode, String json, String log) {
        public Double seconds() { return startUptime == null || endUptime == null ? null : endUptime - startUptime; }
    }

    public static GuestOutput parse(String text) {
        String kernel = null;
        Double booted = null, mounted = null, layout = null;
        Map<String, Job> jobs = new LinkedHashMap<>();
        List<String> fatal = new ArrayList<>(), warnings = new ArrayList<>();
        boolean done = false;
        String sha256 = null;
        String jsonJob = null;
        StringBuilder json = new StringBuilder();
        for (String raw : text.split("\n")) {
            String line = raw.replace("\r", "");
            if (jsonJob != null) {
                if (line.startsWith("@@FB JSON-END ")) {
                    Job j = jobs.get(jsonJob);
                    jobs.put(jsonJob, new Job(jsonJob, j.startUptime(), null, null, json.toString(), null));
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
                case "LAYOUT" -> { Double a = num(f, 1), b = num(f, 2); layout = a == null || b == null ? null : b - a; }
                case "JOB-START" -> { if (f.length > 1) jobs.put(f[1], new Job(f[1], num(f, 2), null, null, null, null)); }
                case "JSON-BEGIN" -> { if (f.length > 1 && jobs.containsKey(f[1])) { jsonJob = f[1]; json.setLength(0); } }
                case "JOB-LOG" -> {
                    if (f.length > 1 && jobs.containsKey(f[1])) {
                        Job j = jobs.get(f[1]);
                        jobs.put(f[1], new Job(j.name(), j.startUptime(), j.endUptime(), j.exitCode(), j.json(), rest(f, 2)));
                    }
                }
                case "JOB-END" -> {
                    if (f.length > 2 && jobs.containsKey(f[1])) {
                        Job j = jobs.get(f[1]);
                        Double rc = num(f, 2);
                        jobs.put(f[1], new Job(j.name(), j.startUptime(), num(f, 3), rc == null ? null : rc.intValue(), j.json(), j.log()));
                    }
                }
                case "FATAL" -> fatal.add(rest(f, 1));
                case "WARN" -> warnings.add(rest(f, 1));
                case "DONE" -> done = true;
                case "SHA256" -> sha256 = f.length > 1 ? f[1] : null;
                default -> { }
            }
        }
        return new GuestOutput(kernel, booted, mounted, layout, jobs, fatal, warnings, done, sha256);
    }

    private static String rest(String[] f, int from) {
        return from >= f.length ? "" : String.join(" ", java.util.Arrays.copyOfRange(f, from, f.length));
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
