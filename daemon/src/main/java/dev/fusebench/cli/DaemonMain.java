package dev.fusebench.cli;

import dev.fusebench.devfuse.DevFuseSession;
import dev.fusebench.fuse.FuseServer;
import dev.fusebench.fuse.InitFlag;
import dev.fusebench.fuse.NegotiationSettings;
import dev.fusebench.fuse.PagesLimitSysctl;
import dev.fusebench.fuse.Session;
import dev.fusebench.fuse.Stall;
import dev.fusebench.fuse.Variant;
import dev.fusebench.loadgen.WarmUp;
import dev.fusebench.passthrough.CachePolicy;
import dev.fusebench.passthrough.PassthroughFs;
import dev.fusebench.passthrough.XattrPolicy;
import dev.fusebench.sandbox.EscapeChecks;
import dev.fusebench.sandbox.Sandbox;
import dev.fusebench.sandbox.SandboxStatus;
import dev.fusebench.sandbox.Seccomp;
import dev.fusebench.stats.DaemonFacts;
import dev.fusebench.stats.DaemonStats;
import dev.fusebench.sys.Libc;
import dev.fusebench.sys.LibcProcess;
import dev.fusebench.vhostuser.VhostUserSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/** {@code run-bench.sh daemon}: the Java FUSE daemon, in the foreground. */
@Command(name = "daemon", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Serves a host directory over FUSE (/dev/fuse) with run-time FUSE_INIT settings.")
public final class DaemonMain implements Callable<Integer> {
    static final String PREFIX = "fusebench daemon";

    @Option(names = "--shared-dir", required = true, paramLabel = "DIR", description = "Directory to pass through.")
    Path sharedDir;

    @Option(names = "--mount", paramLabel = "MNT", description = "Mount point for the /dev/fuse transport.")
    Path mount;

    @Option(names = "--socket-path", paramLabel = "SOCK",
            description = "Serve a QEMU vhost-user-fs-pci frontend on this unix socket (virtio-fs) instead of mounting.")
    Path socketPath;

    @Option(names = "--variant", paramLabel = "NAME", defaultValue = "max-pages",
            description = "Negotiation preset (baseline, max-pages, virtiofsd) or NAME:SETTING,...; settings as --set takes them, "
                    + "and cache=never|auto|always, +FOPEN_KEEP_CACHE, +FOPEN_CACHE_DIR, +FOPEN_PARALLEL_DIRECT_WRITES, +FOPEN_NOFLUSH "
                    + "(a cache mode given here wins over --cache) (default: ${DEFAULT-VALUE}).")
    String variant;

    @Option(names = "--max-pages", paramLabel = "on|off|N", description = "FUSE_MAX_PAGES on, off, or on with max_pages N.")
    String maxPages;

    @Option(names = "--set", paramLabel = "NAME=VALUE",
            description = "Override one INIT setting: max_pages, max_write, max_readahead, max_background, "
                    + "congestion_threshold, time_gran, or a flag (ASYNC_READ=off, +WRITEBACK_CACHE, -ASYNC_DIO).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--threads", paramLabel = "N", defaultValue = "2", description = "Serving threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--cache", paramLabel = "never|auto|always", defaultValue = "auto",
            description = "Guest caching: timeouts and open flags (default: ${DEFAULT-VALUE}).")
    String cache;

    @Option(names = "--warm-up", paramLabel = "N", defaultValue = "40000",
            description = "vhost-user only: before listening, serve N READs and WRITEs to a private copy of the daemon, "
                    + "so the JIT has compiled the hot path before the guest's first job (default: ${DEFAULT-VALUE}; 0: off).")
    long warmUp;

    @Option(names = "--socket-group", paramLabel = "GROUP",
            description = "vhost-user: let this group connect too (socket 0660); without it only root may (0600).")
    String socketGroup;

    @Option(names = "--xattr", description = "Serve extended attributes (off by default: ENOSYS, as virtiofsd without --xattr). "
            + "security.* and trusted.* stay refused (EPERM) and hidden.")
    boolean xattr;

    @Option(names = "--xattr-unrestricted", description = "Serve all extended attributes, security.* and trusted.* too.")
    boolean xattrUnrestricted;

    @Option(names = "--sandbox", paramLabel = "namespace|none", defaultValue = "namespace",
            description = "vhost-user: run in a mount, pid and network namespace that sees only the share, a directory of "
                    + "its own for the socket, and the JVM, with no_new_privs, a seccomp filter and only the capabilities a "
                    + "passthrough server needs (default: ${DEFAULT-VALUE}). The /dev/fuse transport always runs without one "
                    + "(its mount is the host's).")
    String sandbox;

    @Option(names = "--rlimit-nofile", paramLabel = "N", defaultValue = "1048576",
            description = "The open-file limit inside the sandbox (default: ${DEFAULT-VALUE}, as virtiofsd).")
    long rlimitNofile;

    /** Set by the sandbox's launcher on the daemon it starts inside: build no second one. */
    @Option(names = "--sandboxed", hidden = true)
    boolean sandboxed;

    @Option(names = "--check-sandbox",
            description = "vhost-user: start the sandbox, try from inside each escape it must stop (capabilities, seccomp, "
                    + "open_by_handle_at, /proc/sys, the host's files and abstract sockets, the socket's directory), print "
                    + "one line each and exit: 0 when every one was stopped, 1 when one was not.")
    boolean checkSandbox;

    /** Set by the launcher with --check-sandbox: an abstract socket it listens on outside, to try from inside. */
    @Option(names = "--probe-abstract", hidden = true)
    String probeAbstract;

    @Option(names = "--stats", paramLabel = "FILE", description = "Write statistics as JSON here at exit.")
    Path statsFile;

    @Option(names = "--capture", paramLabel = "DIR", description = "Save the first raw requests of each opcode here.")
    Path captureDir;

    @Option(names = "--inject-stall", paramLabel = "BYTES:MS[/N]",
            description = "Harness check: every N-th READ or WRITE above BYTES waits MS before its reply (e.g. 256K:100ms/50), as the seed's exhausted mappings did.")
    String injectStall;

    /** Builds the negotiation settings from the variant's and the overrides, in command-line order. */
    NegotiationSettings settings(Variant v) {
        NegotiationSettings s = v.init();
        boolean custom = false;
        if (maxPages != null) { s = s.withMaxPages(maxPages); custom = true; }
        for (String o : overrides) { s = s.with(o); custom = true; }
        if (custom) s = s.named(s.name() + "+custom");
        return s.checkedAgainst(overrides).validated();
    }

    @Override
    public Integer call() throws Exception {
        Checked c;
        try {
            c = checked();
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        if (c.box().on() && !sandboxed) return SandboxLauncher.runInside(c.box(), this);
        // before anything serves: every thread the JVM has, and every one it starts, is filtered
        String seccompFailure = sandboxed ? Seccomp.install() : null;
        if (seccompFailure != null) System.err.println(PREFIX + ": " + seccompFailure + "; serving without a seccomp filter");

        DaemonStats stats = new DaemonStats();
        XattrPolicy xattrs = XattrPolicy.of(xattr, xattrUnrestricted);
        recordFacts(stats.facts(), c, xattrs, seccompFailure);
        PassthroughFs fs = new PassthroughFs(sharedDir, c.cachePolicy(), xattrs);
        // /dev/fuse: this host's kernel caps max_pages at its fs.fuse.max_pages_limit; a guest's
        // kernel (6.1, 6.12 here) at 256
        int pagesLimit = mount != null ? PagesLimitSysctl.ofThisHost() : NegotiationSettings.KERNEL_MAX_PAGES;
        if (mount != null && c.settings().offersMaxPages() && c.settings().maxPages() > pagesLimit)
            System.err.println(PREFIX + ": max_pages " + c.settings().maxPages() + " is above fs.fuse.max_pages_limit " + pagesLimit
                    + ": the kernel will use " + pagesLimit + " (raise the sysctl first)");
        FuseServer server = new FuseServer(fs, c.settings(), stats, pagesLimit);
        if (c.stall() != null) server.stall(c.stall());
        Session session = mount != null ? new DevFuseSession(server, mount, threads, captureDir)
                : new VhostUserSession(server, socketPath, socketGroup);
        return serve(session, fs, c, stats);
    }

    /** The options as the daemon runs them: negotiation settings, cache policy, injected stall (or null), sandbox. */
    private record Checked(NegotiationSettings settings, CachePolicy cachePolicy, Stall stall, Sandbox box) {}

    /** The options checked; IllegalArgumentException says what is wrong, in one line. */
    private Checked checked() {
        Variant v = Variant.parse(variant);
        NegotiationSettings settings = settings(v);
        CachePolicy cachePolicy = CachePolicy.parse(v.cache() != null ? v.cache() : cache).withOpenFlags(v.openFlags());
        if ((settings.flags() & InitFlag.PASSTHROUGH.mask) != 0 && cachePolicy.equals(CachePolicy.NEVER))
            throw new IllegalArgumentException("PASSTHROUGH needs --cache auto or always: with never every open is FOPEN_DIRECT_IO, served without passthrough");
        if (threads < 1 || threads > 64) throw new IllegalArgumentException("--threads must be in 1..64");
        Stall stall;
        try {
            String spec = injectStall != null ? injectStall : v.stall();
            stall = spec == null ? null : Stall.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--inject-stall: " + e.getMessage());
        }
        if (warmUp < 0 || warmUp > 100_000_000) throw new IllegalArgumentException("--warm-up must be in 0..100000000");
        if ((mount == null) == (socketPath == null))
            throw new IllegalArgumentException("give exactly one of --mount MNT (/dev/fuse) and --socket-path SOCK (vhost-user)");
        if (!Files.isDirectory(sharedDir)) throw new IllegalArgumentException("shared directory " + sharedDir + " does not exist or is not a directory");
        if (mount != null && !Files.isDirectory(mount)) throw new IllegalArgumentException("mount point " + mount + " does not exist or is not a directory");
        if (socketPath != null && (socketPath.toAbsolutePath().getParent() == null || !Files.isDirectory(socketPath.toAbsolutePath().getParent())))
            throw new IllegalArgumentException("the directory of socket " + socketPath + " does not exist");
        if (LibcProcess.geteuid() != 0) throw new IllegalArgumentException("the daemon must run as root (it serves files with their owners' rights)");
        Sandbox box = mount != null ? Sandbox.NONE : Sandbox.parse(sandbox, rlimitNofile);
        if (checkSandbox && !box.on()) throw new IllegalArgumentException("--check-sandbox needs the sandbox (--socket-path, without --sandbox none)");
        return new Checked(settings, cachePolicy, stall, box);
    }

    /** What the statistics file says of this run before it serves: settings, share, cache, xattrs, sandbox. */
    private void recordFacts(DaemonFacts facts, Checked c, XattrPolicy xattrs, String seccompFailure) {
        facts.settings = c.settings().name();
        facts.sharedDir = sharedDir.toAbsolutePath().toString();
        facts.cache = c.cachePolicy().name();
        facts.openFlags = Variant.openFlagNames(c.cachePolicy().openFlags() | c.cachePolicy().dirOpenFlags());
        facts.xattr = xattrs.name().toLowerCase(Locale.ROOT);
        facts.sandbox = sandboxed ? SandboxStatus.ofThisProcess(c.box(), seccompFailure) : c.box().describe();
    }

    /**
     * Starts the session (after the warm-up, or runs the sandbox's escape checks instead), serves until
     * an unmount, the frontend's exit or a signal, and writes the statistics.
     */
    private int serve(Session session, PassthroughFs fs, Checked c, DaemonStats stats) throws Exception {
        DaemonFacts facts = stats.facts();
        // SIGTERM and SIGINT end the session like an unmount does, so the daemon exits 0 with its
        // stats. Installed before the socket or mount appears: a stop that arrives while starting
        // is kept and carried out as soon as the session runs.
        AtomicInteger state = new AtomicInteger(); // 0 starting, 1 running, 2 stop asked while starting
        Runnable close = () -> {
            try {
                session.close();
            } catch (IOException e) {
                Logger.getGlobal().warning("unmount: " + e.getMessage());
            }
        };
        SignalHandler stop = sig -> {
            if (!state.compareAndSet(0, 2)) close.run();
        };
        Signal.handle(new Signal("TERM"), stop);
        Signal.handle(new Signal("INT"), stop);
        try {
            if (checkSandbox) {
                session.start();
                var checks = EscapeChecks.run(sharedDir, socketPath, probeAbstract);
                close.run();
                fs.close();
                checks.forEach(check -> System.out.println(check.line()));
                return checks.stream().allMatch(check -> check.held() == null || check.held()) ? 0 : 1;
            }
            if (socketPath != null && warmUp > 0) facts.warmUp = warmUp(c);
            session.start();
        } catch (IOException e) {
            fs.close();
            return usage(e.getMessage());
        }
        AtomicBoolean finished = new AtomicBoolean();
        Runnable finish = () -> {
            if (!finished.compareAndSet(false, true)) return;
            close.run();
            var jit = ManagementFactory.getCompilationMXBean();
            if (jit.isCompilationTimeMonitoringSupported()) facts.jitCompileS = jit.getTotalCompilationTime() / 1e3;
            if ((c.settings().flags() & InitFlag.PASSTHROUGH.mask) != 0) facts.passthrough = fs.passthrough();
            if (c.stall() != null) facts.injectedStall = c.stall().describe();
            facts.guestDescriptors = fs.descriptors();
            writeStats(stats);
        };
        Thread hook = new Thread(finish, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        if (!state.compareAndSet(0, 1)) close.run();
        System.err.println("fusebench daemon: serving " + sharedDir + " at " + session.where() + " (" + c.settings().name()
                + (mount != null ? ", " + threads + " threads); Ctrl-C or umount to stop" : ", one thread per virtqueue); Ctrl-C or frontend exit to stop"));
        session.awaitTermination();
        finish.run();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down
        }
        return 0;
    }

    /** The warm-up (--warm-up): this JVM's READ and WRITE paths compiled before the guest's first request. */
    private DaemonFacts.WarmUp warmUp(Checked c) throws IOException {
        WarmUp.Result w;
        try {
            w = WarmUp.run(c.settings(), c.cachePolicy(), warmUp);
        } catch (IOException e) {
            throw new IOException("warm-up failed: " + (e instanceof FileSystemException ? e.getClass().getSimpleName() + " " : "") + e.getMessage() + " (--warm-up 0 skips it)", e);
        }
        System.err.printf(Locale.ROOT, "fusebench daemon: warmed up with %d requests in %.1f s (%.1f s of JIT compilation)%n",
                w.requests(), w.seconds(), w.compileSeconds());
        return new DaemonFacts.WarmUp(w.requests(), w.seconds(), w.compileSeconds());
    }

    private void writeStats(DaemonStats stats) {
        if (statsFile == null) return;
        try {
            stats.writeJson(statsFile);
        } catch (IOException e) {
            Logger.getGlobal().log(Level.WARNING, "cannot write stats to " + statsFile, e);
        }
    }

    static int usage(String message) { return Cli.usage(PREFIX, message); }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** The command line as given: the sandbox's launcher starts the daemon inside with it. */
    List<String> args = List.of();

    public static int run(String... args) {
        Logging.configure();
        DaemonMain d = new DaemonMain();
        d.args = List.of(args);
        return Cli.create(d, PREFIX).execute(args);
    }
}
