package dev.fusebench.reports;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The raw files beside the report: results.csv (every run), slices.csv (every slice), pairs.csv (every pair the statistics took). */
final class CsvFiles {
    private CsvFiles() {}

    /** Every pair the statistics took: cell, arm, block (boot), round (0 in the boots design), the log-ratio arm/reference. */
    static String pairsCsv(ResultSet rs, List<ReportBuilder.Row> rows) {
        StringBuilder sb = new StringBuilder("workload,daemon,guest,arm,reference,block,round,log_ratio\n");
        for (ReportBuilder.Row r : rows) {
            if (r.cmp() == null) continue;
            for (ResultSet.Pair p : rs.pairs(r.cell(), r.arm()))
                sb.append(String.join(",", r.cell().workload(), r.cell().daemon(), r.cell().guest(), r.arm(), rs.reference,
                        Integer.toString(p.block()), Integer.toString(p.round()), String.format(Locale.ROOT, "%.6f", p.logRatio()))).append('\n');
        }
        return sb.toString();
    }

    /** Every slice of an interleaved run, in run order: the raw figures the statistics came from. */
    static String slicesCsv(ResultSet rs) {
        StringBuilder sb = new StringBuilder("unit,boot,workload,daemon,arm,guest,slice,round,position,start_s,seconds,status,metric,value,clat_p50_us,clat_p99_us,clat_p99_9_us,host_steal,failure\n");
        for (ResultSet.Slice sl : rs.slices()) {
            ResultSet.Run r = sl.run();
            var s = sl.slice();
            var pct = s.clatPercentilesUs() == null ? Map.<String, Double>of() : s.clatPercentilesUs();
            sb.append(String.join(",", csvField(r.unit()), Integer.toString(r.iteration()), csvField(r.workload()), csvField(r.daemon()),
                    csvField(r.arm()), csvField(r.guest()), Integer.toString(s.id()), Integer.toString(s.round()), Integer.toString(s.position()),
                    d(s.start()), d(s.seconds()), s.status(), ResultSet.metricName(r.workload()), d(s.value()), d(pct.get("50")), d(pct.get("99")),
                    d(pct.get("99.9")), d(s.steal()), csvField(s.failure() == null ? "" : s.failure()))).append('\n');
        }
        return sb.toString();
    }

    private static String d(Double v) { return v == null ? "" : d(v.doubleValue()); }

    static String csv(ResultSet rs) {
        StringBuilder sb = new StringBuilder("unit,iteration,position,warmup,workload,daemon,arm,guest,host,status,metric,value,bandwidth_mib_s,iops,clat_p50_us,clat_p99_us,daemon_cpu_s,qemu_cpu_s,host_steal,host_iowait,host_load_avg,failure\n");
        for (ResultSet.Run r : rs.runs) {
            sb.append(String.join(",", csvField(r.unit()), Integer.toString(r.iteration()), Integer.toString(r.position()), Boolean.toString(r.warmup()),
                    csvField(r.workload()), csvField(r.daemon()), csvField(r.arm()), csvField(r.guest()), csvField(r.host()), r.ok() ? "ok" : "failed",
                    ResultSet.metricName(r.workload()), d(r.value()), d(r.bandwidthMiB()), d(r.iops()), d(r.clatP50Us()),
                    d(r.clatP99Us()), d(r.daemonCpuS()), d(r.qemuCpuS()), d(r.noise().stealOrNaN()), d(r.noise().iowaitOrNaN()), d(r.noise().loadOrNaN()),
                    csvField(r.failure() == null ? "" : r.failure()))).append('\n');
        }
        return sb.toString();
    }

    private static String d(double v) { return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3f", v); }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
