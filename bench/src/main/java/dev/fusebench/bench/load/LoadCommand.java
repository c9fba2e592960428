package dev.fusebench.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fusebench.bench.BadCommandLine;
import dev.fusebench.bench.daemons.CustomDaemon;
import dev.fusebench.bench.daemons.CustomDaemonOptions;
import dev.fusebench.bench.daemons.DaemonProcess;
import dev.fusebench.bench.daemons.Variants;
import dev.fusebench.bench.daemons.VirtioFsDaemon;
import dev.fusebench.bench.guest.GuestImage;
import dev.fusebench.bench.results.LoadRecord;
import dev.fusebench.bench.run.ProcessCpu;
import dev.fusebench.cli.Sizes;
import dev.fusebench.files.Trees;
import dev.fusebench.fuse.Variant;
import dev.fusebench.loadgen.LoadGenerator;
import dev.fusebench.loadgen.VhostUserFrontend;
import dev.fusebench.proxy.ProxyServer;
import dev.fusebench.proxy.Restriction;
import dev.fusebench.stats.DaemonFacts;
import dev.fusebench.stats.StatsFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code run-bench.sh load}: the daemons without a guest. Each round starts every daemon in turn
 * (rotating the order), drives it through vhost-user with the same READ/WRITE stream and measures
 * throughput, latency and the daemon's own CPU per request. With no guest kernel and no emulated
 * CPU in the way, this is the daemon's cost alone, and the run-to-run noise is far smaller.
 */
@Command(name = "load", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Drives virtio-fs daemons directly through vhost-user (no guest) and compares their throughput and CPU per request.")
public final class LoadCommand implements Callable<Integer> {
    @Option(names = "--daemons", split = ",", defaultValue = "java,virtiofsd-rust", paramLabel = "D",
            description = "Daemons to compare, the first is the reference (default: ${DEFAULT-VALUE}).") List<String> daemons;
    @CommandLine.Mixin CustomDaemonOptions customDaemons = new CustomDaemonOptions();
    @Option(names = "--proxy", description = "Put the INIT-rewriting proxy in front of each daemon (it steps out after INIT; "
            + "daemons that take no variant get --variant through it).") boolean proxy;
    @Option(names = "--observe", description = "The proxy, staying on the kick path counting request sizes (implies --proxy).") boolean observe;
    @Option(names = "--variant", defaultValue = "max-pages", paramLabel = "V",
            description = "Negotiation variant for daemons that take one (default: ${DEFAULT-VALUE}).") String variant;
    @Option(names = "--ops", split = ",", defaultValue = "write,read", paramLabel = "OP",
            description = "read, write, randread, randwrite (default: ${DEFAULT-VALUE}).") List<String> ops;
    @Option(names = "--size", defaultValue = "128k", paramLabel = "BYTES", description = "Request size, e.g. 4k, 128k, 1m (default: ${DEFAULT-VALUE}).") String size;
    @Option(names = "--depth", defaultValue = "1", paramLabel = "N", description = "Requests in flight (default: ${DEFAULT-VALUE}).") int depth;
    @Option(names = "--rate", defaultValue = "0", paramLabel = "N", description = "Requests per second at most, a guest's pace; 0: as fast as the daemon goes (default).") double rate;
    @Option(names = "--seconds", defaultValue = "5", paramLabel = "S", description = "Measured seconds per op and round (default: ${DEFAULT-VALUE}).") double seconds;
    @Option(names = "--warmup", defaultValue = "2", paramLabel = "S", description = "Unmeasured seconds of the first op after each start (default: ${DEFAULT-VALUE}).") double warmup;
    @Option(names = "--rounds", defaultValue = "6", paramLabel = "N", description = "Daemon starts per daemon, interleaved; a verdict needs at least 6 (default: ${DEFAULT-VALUE}).") int rounds;
    @Option(names = "--file-mib", defaultValue = "256", paramLabel = "MIB", description = "Size of the file read and written (default: ${DEFAULT-VALUE}).") int fileMib;
    @Option(names = "--segment", defaultValue = "4k", paramLabel = "BYTES", description = "Bytes per data descriptor; a guest uses one page (default: ${DEFAULT-VALUE}).") String segment;
    @Option(names = "--queue-size", defaultValue = "1024", paramLabel = "N") int queueSize;
    @Option(names = "--out", paramLabel = "DIR") Path out;

    private static final ObjectMapper JSON = new ObjectMapper();

    static int bytes(String s, String what) {
        try {
            long n = Sizes.parse(s);
            if (n < 1 || n > (16 << 20)) throw new NumberFormatException();
            return (int) n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " wants a size such as 4k, 128k or 1m, got '" + s + "'");
        }
    }

    @Override
    public Integer call() throws Exception {
        int sz, seg;
        List<LoadGenerator.Op> opList = new ArrayList<>();
        Map<String, VirtioFsDaemon> ds = new LinkedHashMap<>();
        try {
            sz = bytes(size, "--size");
            seg = bytes(segment, "--segment");
            if (sz % 4096 != 0) throw new IllegalArgumentException("--size must be a multiple of 4k");
            for (String o : ops) {
                try {
                    opList.add(LoadGenerator.Op.valueOf(o.strip().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("unknown op '" + o + "' (read, write, randread, randwrite)");
                }
            }
            Variant v = parsedVariant = Variant.parse(variant);
            List<CustomDaemon> custom = customDaemons.daemons();
            for (String d : daemons) ds.put(d, VirtioFsDaemon.named(d.strip(), GuestImage.defaultCache(), custom));
            for (VirtioFsDaemon d : ds.values()) Variants.checkTakes(d, List.of(v));
            if (depth < 1 || depth > queueSize) throw new IllegalArgumentException("--depth must be 1.." + queueSize);
            if (Integer.bitCount(queueSize) != 1 || queueSize > 1024) throw new IllegalArgumentException("--queue-size must be a power of two up to 1024");
            if (rate < 0) throw new IllegalArgumentException("--rate must be >= 0");
            if (rounds < 1 || seconds <= 0 || warmup < 0) throw new IllegalArgumentException("--rounds >= 1, --seconds > 0 and --warmup >= 0, please");
            if ((long) fileMib << 20 < sz) throw new IllegalArgumentException("--file-mib is smaller than one request");
        } catch (IllegalArgumentException e) {
            return BadCommandLine.refuse(e.getMessage());
        }
        Path dir = out != null ? out : Path.of("results", "load-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(dir);
        Path work = Files.createTempDirectory("fusebench-load-");
        // Ctrl-C skips the finally below: the scratch file (--file-mib) must not stay behind
        Thread cleanup = new Thread(() -> deleteTree(work), "load-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        Path share = Files.createDirectories(work.resolve("share"));
        Path results = dir.resolve("load.jsonl");
        logs = dir.resolve("logs");
        List<LoadRecord> records = new ArrayList<>();
        try (OutputStream log = Files.newOutputStream(results, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            Map<String, Object> env = new LinkedHashMap<>();
            env.put("type", "environment");
            env.put("started", Instant.now().toString());
            env.put("command_line", "run-bench.sh load " + String.join(" ", argv));
            env.put("host_cpus", Runtime.getRuntime().availableProcessors());
            Map<String, Object> versions = new LinkedHashMap<>();
            for (var e : ds.entrySet()) versions.put(e.getKey(), e.getValue().version());
            env.put("daemons", versions);
            writeLine(log, env);
            LoadGenerator.prepareFile(share.resolve(LoadGenerator.FILE_NAME), (long) fileMib << 20);
            List<String> names = new ArrayList<>(ds.keySet());
            for (int round = 1; round <= rounds; round++) {
                for (int k = 0; k < names.size(); k++) {
                    String name = names.get((k + round - 1) % names.size());
                    System.err.printf("fusebench load: round %d/%d, %s%n", round, rounds, name);
                    for (LoadRecord r : oneStart(ds.get(name), share, work, round, sz, seg, opList)) {
                        writeLine(log, r);
                        records.add(r);
                    }
                }
            }
        } finally {
            deleteTree(work);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // already shutting down: the hook does it
            }
        }
        String md = LoadSummary.markdown(records, names(ds), opList, sz, depth);
        Files.writeString(dir.resolve("summary.md"), md);
        System.out.print(md);
        System.out.println(dir.resolve("summary.md").toAbsolutePath());
        return records.stream().anyMatch(r -> !r.ok()) ? 1 : 0;
    }

    private final List<String> argv = new ArrayList<>();
    private Path logs;

    public LoadCommand withArgs(String[] args) {
        for (int i = 1; i < args.length; i++) argv.add(args[i]);
        return this;
    }

    private static List<String> names(Map<String, VirtioFsDaemon> ds) { return new ArrayList<>(ds.keySet()); }

    /** Starts one daemon, runs every op on it, stops it: one record per op (failed ones say why). */
    private List<LoadRecord> oneStart(VirtioFsDaemon d, Path share, Path work, int round, int sz, int seg,
                                      List<LoadGenerator.Op> opList) throws IOException {
        List<LoadRecord> out = new ArrayList<>();
        Path sock = work.resolve("vfs.sock");
        Path log = Files.createDirectories(logs).resolve(d.name() + "-" + round + ".log");
        Path statsFile = work.resolve(d.name() + "-" + round + "-stats.json");
        String failure = null;
        boolean proxied = proxy || observe;
        Path daemonSock = proxied ? work.resolve("daemon.sock") : sock;
        Restriction restriction = d.takesVariants() ? Restriction.NONE : Restriction.of(parsedVariant.init());
        try (DaemonProcess dp = DaemonProcess.start(d, share, daemonSock, variant, statsFile, log);
             ProxyServer ps = proxied ? new ProxyServer(sock, daemonSock, restriction, observe) : null;
             VhostUserFrontend fe = VhostUserFrontend.connect(sock, queueSize, LoadGenerator.memoryFor(sz, depth, seg))) {
            LoadGenerator gen = new LoadGenerator(fe, sz, depth, seg, (long) fileMib << 20);
            gen.open(dp::alive);
            if (warmup > 0) {
                LoadGenerator.Outcome w = gen.run(opList.getFirst(), sz, warmup, round * 7919L, dp::alive);
                if (w.error() != null) failure = "warm-up: " + w.error();
            }
            for (LoadGenerator.Op op : opList) {
                if (failure != null) {
                    out.add(failed(d, round, op, sz, seg, gen, failure));
                    continue;
                }
                long cpu0 = ProcessCpu.ticks(dp.pid());
                double proxyCpu0 = ps == null ? 0 : ps.cpuSeconds();
                long kicks0 = fe.kicks, waits0 = fe.waits;
                LoadGenerator.Outcome o = gen.run(op, sz, seconds, rate, Long.MAX_VALUE, round * 31L + op.ordinal(), dp::alive);
                long cpu1 = ProcessCpu.ticks(dp.pid());
                Double proxyUs = ps == null || o.ops() == 0 ? null : (ps.cpuSeconds() - proxyCpu0) * 1e6 / o.ops();
                double cpuS = cpu0 < 0 || cpu1 < 0 ? Double.NaN : (cpu1 - cpu0) / ProcessCpu.TICKS_PER_SECOND;
                if (o.error() != null) failure = o.error();
                var lat = new LoadRecord.Latency(o.latencyNs().getValueAtPercentile(50) / 1e3,
                        o.latencyNs().getValueAtPercentile(99) / 1e3, o.latencyNs().getMaxValue() / 1e3);
                out.add(new LoadRecord(LoadRecord.TYPE, d.name(), arm(d), round, op.label(), sz, depth, rate, seg, gen.maxWrite, gen.maxPages,
                        o.error() == null ? "ok" : "failed", o.error(), o.ops(), o.seconds(),
                        o.seconds() > 0 ? o.bytes() / o.seconds() / (1 << 20) : 0.0, o.seconds() > 0 ? o.ops() / o.seconds() : 0.0,
                        cpuS, o.ops() > 0 ? cpuS * 1e6 / o.ops() : Double.NaN, lat, fe.kicks - kicks0, fe.waits - waits0, null, null, proxyMode(), proxyUs));
            }
            try {
                gen.release(dp::alive);
            } catch (IOException e) {
                // the measurements stand; a daemon that fails RELEASE shows in its log
            }
        } catch (IOException | RuntimeException e) {
            failure = e.getMessage();
            for (LoadGenerator.Op op : opList) {
                if (out.stream().anyMatch(r -> op.label().equals(r.op()))) continue;
                out.add(failed(d, round, op, sz, seg, null, failure));
            }
            System.err.println("fusebench load: " + d.name() + " failed: " + failure);
        }
        return withDaemonFigures(statsFile, out);
    }

    /** Our daemon's own figures (its warm-up, its JIT time) go into each record of its start. */
    private static List<LoadRecord> withDaemonFigures(Path statsFile, List<LoadRecord> records) {
        if (!Files.exists(statsFile)) return records;
        try {
            DaemonFacts facts = StatsFile.read(statsFile).daemon();
            if (facts == null) return records;
            return records.stream().map(r -> r.withDaemonFigures(facts.jitCompileS, facts.warmUp)).toList();
        } catch (IOException e) {
            return records; // the measurements stand without them
        }
    }

    /** {@link #variant}, parsed once when the command line is checked. */
    private Variant parsedVariant;

    /** How the stream reached the daemon: directly (null), through the proxy stepped out, or observed by it. */
    private String proxyMode() { return observe ? "observe" : proxy ? "stepped-out" : null; }

    /** The arm a daemon's records carry: the variant it was given, or "own" when it takes none. */
    private String arm(VirtioFsDaemon d) { return d.takesVariants() || proxy || observe ? variant : "own"; }

    private LoadRecord failed(VirtioFsDaemon d, int round, LoadGenerator.Op op, int sz, int seg, LoadGenerator gen, String why) {
        return new LoadRecord(LoadRecord.TYPE, d.name(), arm(d), round, op.label(), sz, depth, rate, seg,
                gen == null ? null : gen.maxWrite, gen == null ? null : gen.maxPages, "failed", why,
                null, null, null, null, null, null, null, null, null, null, null, proxyMode(), null);
    }

    private static void writeLine(OutputStream out, Object record) throws IOException {
        out.write((JSON.writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void deleteTree(Path p) {
        try {
            Trees.delete(p);
        } catch (IOException e) {
            // best effort: a temp directory
        }
    }
}
