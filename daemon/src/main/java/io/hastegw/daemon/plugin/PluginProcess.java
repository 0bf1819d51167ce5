package io.hastegw.daemon.plugin;

import io.hastegw.daemon.config.PluginsSection;
import io.hastegw.pluginhost.Link;
import io.hastegw.pluginhost.Op;
import io.hastegw.pluginhost.Requests;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One operator plugin's host process ({@code isolation: process}) and its supervision: it
 * launches the host JVM ({@link HostSpawner}) with the API and host classes only, its own heap and
 * {@code -XX:+ExitOnOutOfMemoryError}, connects over a Unix socket in a private folder, and
 * replays the plugin's set-up ({@link Setup}) on every new host. A host that ends (exit, halt,
 * crash, heap exhausted), that the watchdog kills (threads or resident memory over the limits
 * in /proc, or {@code maxStuck} calls still running past their budget) is a death: its waiting
 * calls fail at once with the cause, it is restarted with back-off, and the
 * {@code maxDeaths}-th death within the window ends it for good ({@link Deaths#quarantine}, counted by {@link HostDeathLog}). A spare host
 * ({@code plugins.host.spare}) replaces a dead one without a JVM start.
 */
final class PluginProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PluginProcess.class);
    /** How long a new host may take to connect and finish its set-up. */
    static final long START_MS = 15_000;
    private static final long WATCH_MS = 50;

    /** What a new host is given before it serves: its INIT and the calls that bring it to the plugin's state. */
    interface Setup {
        /** Brings the freshly connected host at {@code requests} to where the last one was (INIT, START, sources). */
        void replay(Requests requests) throws Exception;
    }

    /** Told of deaths. */
    interface Deaths {
        /** The host died ({@code why}); the process restarts it unless {@code last}. */
        void died(String why, int inWindow);

        /** The {@code maxDeaths}-th death within the window: the plugin is not restarted again. */
        void quarantine(String why);
    }

    /** A served request from the host ({@link Op#SUBMIT}, {@link Op#PUBLISH}, ...). */
    interface Service {
        /** Answers (or, for a one-way message, handles) {@code m} from the host on {@code link}. */
        void serve(Link.Message m, Link link) throws IOException;
    }

    private final String id;
    private final PluginsSection.HostLimits limits;
    private final int maxStuck;
    private final ScheduledExecutorService supervisor;
    private final Service service;
    private final Deaths deaths;
    private final HostOutput output;
    private final HostDeathLog deathLog;
    private final Set<Integer> overdue = ConcurrentHashMap.newKeySet();
    private final HostSpawner spawner;
    private final java.util.Optional<HostCgroup> cgroup;
    /** The requests of each host started (the serving one, the spare), by process. */
    private final java.util.Map<Process, Requests> requestsOf = new ConcurrentHashMap<>();
    /** A host started and connected, waiting to replace the serving one (plugins.host.spare); guarded by this. */
    private HostSpawner.Spawned spare;
    private Setup setup;
    private Process process;
    private Requests requests;
    private String ended;
    private volatile boolean closed;
    private final java.util.concurrent.ScheduledFuture<?> watchdog;

    /**
     * @param folder     a private folder (0700) for the socket
     * @param supervisor runs the restarts and the watchdog
     */
    PluginProcess(String id, PluginsSection.HostLimits limits, int maxStuck, Path folder, ScheduledExecutorService supervisor, Service service,
                  Deaths deaths) {
        this.id = id;
        this.limits = limits;
        this.maxStuck = maxStuck;
        this.supervisor = supervisor;
        this.service = service;
        this.deaths = deaths;
        this.output = new HostOutput(id);
        this.deathLog = new HostDeathLog(limits);
        this.cgroup = cgroup(id, limits);
        this.spawner = new HostSpawner(limits, folder, supervisor, output, cgroup);
        this.watchdog = supervisor.scheduleWithFixedDelay(this::watch, WATCH_MS, WATCH_MS, TimeUnit.MILLISECONDS);
    }

    /** The plugin's CPU cgroup ({@code plugins.host.cpu_percent}, 0: none), where one can be made; says in the log what caps it. */
    private static java.util.Optional<HostCgroup> cgroup(String id, PluginsSection.HostLimits limits) {
        if (limits.cpuPercent() == 0) {
            return java.util.Optional.empty();
        }
        java.util.Optional<HostCgroup> g = HostCgroup.forPlugin(id, limits.cpuPercent(), why -> LOG.warn(
                "plugin {}: its CPU is not capped (plugins.host.cpu_percent), its hosts run at niceness {} only: {}", id, limits.nice(), why));
        g.ifPresent(c -> LOG.info("plugin {}: its hosts share the cgroup {}, {} % of one core", id, c.dir(), limits.cpuPercent()));
        return g;
    }

    /** Starts the first host and runs {@code s} on it; a failure here ends the host (the plugin is refused). */
    void start(Setup s) throws Exception {
        this.setup = s;
        try {
            launch();
        } catch (Exception e) {
            close();
            throw e;
        }
        if (limits.spare() == PluginsSection.Spare.ALWAYS) {
            prepareSpare();
        }
    }

    /**
     * Sends {@code op} to the current host and waits up to {@code budgetMs} for its answer; while
     * a host restarts, waits for it within the same budget.
     *
     * @throws Requests.Failed the plugin threw or rejected
     * @throws PluginFailure   the host is down, died during the call ({@code HOST_DOWN}) or the call overran its budget ({@code TIMED_OUT})
     */
    <T> T call(Op op, Link.Body body, Requests.Reader<T> reader, long budgetMs) throws Requests.Failed, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(budgetMs);
        Requests r = current(deadline);
        try {
            return r.call(op, body, reader, Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        } catch (Requests.Late e) {
            lateCall(e.id());
            throw new PluginFailure(PluginFailure.Reason.TIMED_OUT, "did not return within " + budgetMs + " ms (plugins.stage_timeout_ms)", null);
        } catch (IOException e) {
            throw new PluginFailure(PluginFailure.Reason.HOST_DOWN, "its host process ended during the call: " + e.getMessage(), e);
        }
    }

    /** The requests of the live host, waiting for a restart until {@code deadline}. */
    private synchronized Requests current(long deadline) throws InterruptedException {
        while (requests == null && !closed) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0 || ended != null && deathLog.exhausted()) {
                break;
            }
            wait(left);
        }
        if (requests == null) {
            throw new PluginFailure(PluginFailure.Reason.HOST_DOWN, "its host process is not running (" + (closed ? "stopped" : why()) + ")", null);
        }
        return requests;
    }

    private synchronized String why() {
        return ended == null ? "restarting" : ended;
    }

    /** The host's pid, or -1 while none runs. */
    synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /** Whether a spare host is ready. */
    synchronized boolean hasSpare() {
        return spare != null;
    }

    /** Deaths of its hosts so far. */
    long deaths() {
        return deathLog.total();
    }

    /** Output lines of the host dropped by the rate limit. */
    long droppedLines() {
        return output.dropped();
    }

    /** Starts a host (the spare when one is ready) and brings it to the plugin's state; it serves from then on. */
    private void launch() throws Exception {
        HostSpawner.Spawned s;
        synchronized (this) {
            s = spare;
            spare = null;
        }
        if (s == null || !s.process().isAlive()) {
            s = connected(spawner.spawn());
        }
        Process p = s.process();
        synchronized (this) {
            process = p;
        }
        try {
            setup.replay(requestsOf.get(p));
        } catch (Exception e) {
            p.destroyForcibly();
            throw e;
        }
        synchronized (this) {
            requests = requestsOf.get(p);
            notifyAll();
        }
        LOG.info("plugin {}: host process {} started", id, p.pid());
    }

    /** Reads {@code s}'s messages from now on (its answers, its requests, its end). */
    private HostSpawner.Spawned connected(HostSpawner.Spawned s) {
        Requests r = new Requests(s.link());
        requestsOf.put(s.process(), r);
        Thread reader = new Thread(() -> read(s.process(), s.link(), r), "plugin-" + id + "-link");
        reader.setDaemon(true);
        reader.start();
        return s;
    }

    /** Starts a spare host in the background, unless one is ready or the plugin is closed. */
    private void prepareSpare() {
        Thread t = new Thread(() -> {
            try {
                HostSpawner.Spawned s = connected(spawner.spawn());
                synchronized (this) {
                    if (!closed && spare == null) {
                        spare = s;
                        return;
                    }
                }
                s.process().destroyForcibly();
            } catch (IOException e) {
                LOG.warn("plugin {}: its spare host did not start: {}", id, e.getMessage());
            }
        }, "plugin-" + id + "-spare");
        t.setDaemon(true);
        t.start();
    }

    /** Reads the host's messages until its connection ends, then handles its death. */
    private void read(Process p, Link l, Requests r) {
        String cause;
        try {
            while (true) {
                Link.Message m = l.read();
                switch (m.op()) {
                    case REPLY, FAILED -> {
                        overdue.remove(m.id());
                        r.answer(m);
                    }
                    default -> serve(m, l);
                }
            }
        } catch (IOException e) {
            cause = e.getMessage();
        }
        try {
            p.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        p.destroyForcibly();
        String why = p.isAlive() ? "its connection ended (" + cause + ")" : HostDeathLog.exit(p.exitValue()) + output.last();
        r.end(new IOException(why));
        l.close();
        requestsOf.remove(p);
        synchronized (this) {
            if (spare != null && spare.process() == p) {
                spare = null; // a spare that ended is no death of the plugin's: the next restart starts a JVM
                return;
            }
        }
        died(p, why);
    }

    /** One request of the host; a fault in serving it is logged, the link goes on. */
    private void serve(Link.Message m, Link l) throws IOException {
        try {
            service.serve(m, l);
        } catch (RuntimeException e) {
            LOG.warn("plugin {}: its host's {} failed: {}", id, m.op(), e.toString());
            l.fail(m.id(), Op.Failure.INVALID, e.toString(), null);
        }
    }

    private void died(Process p, String why) {
        int inWindow;
        synchronized (this) {
            if (process != p) {
                return;
            }
            process = null;
            requests = null;
            overdue.clear();
            if (closed) {
                return;
            }
            ended = why;
            inWindow = deathLog.record(System.nanoTime());
            notifyAll();
        }
        LOG.error("plugin {}: host process {} died: {} ({})", id, p.pid(), why, deathLog.counted(inWindow));
        if (deathLog.quarantines(inWindow)) {
            deaths.quarantine(deathLog.quarantineReason(inWindow, why));
            return;
        }
        deaths.died(why, inWindow);
        boolean warm;
        synchronized (this) {
            warm = spare != null;
        }
        // A spare replaces the host at once; a cold start waits out the back-off (0.25 s, doubling per death in the window).
        long backoff = warm ? 0 : HostDeathLog.backoffMs(inWindow);
        supervisor.schedule(this::restart, backoff, TimeUnit.MILLISECONDS);
    }

    private void restart() {
        if (closed) {
            return;
        }
        try {
            launch();
        } catch (Exception e) {
            // A host that ended during its set-up is a death like any other: counted, restarted or quarantined.
            LOG.error("plugin {}: its host process did not restart: {}", id, e.getMessage());
        }
        if (limits.spare() != PluginsSection.Spare.NEVER) {
            prepareSpare();
        }
    }

    /** A call gave up: its thread in the host still runs until it answers; {@code maxStuck} such calls kill the host. */
    private void lateCall(int callId) {
        overdue.add(callId);
        if (overdue.size() >= maxStuck) {
            kill(overdue.size() + " of its calls still ran past their budget (plugins.max_stuck_calls)");
        }
    }

    /** The watchdog: threads and resident memory of the host, from /proc (Linux; elsewhere only the heap limit holds). */
    private void watch() {
        long pid = pid();
        if (pid < 0) {
            return;
        }
        ProcStatus.read(pid).ifPresent(s -> {
            if (s.threads() > limits.maxThreads()) {
                kill("it ran " + s.threads() + " threads, over plugins.host.max_threads " + limits.maxThreads());
            } else if (s.rssKb() > limits.maxRssMb() * 1024L) {
                kill("it held " + s.rssKb() / 1024 + " MiB resident, over plugins.host.max_rss_mb " + limits.maxRssMb());
            }
        });
    }

    /** Kills the host because of {@code why} (its death is then handled as any other). */
    private void kill(String why) {
        Process p;
        synchronized (this) {
            p = process;
            if (p == null) {
                return;
            }
            output.note("killed by the gateway: " + why);
        }
        p.destroyForcibly();
    }

    /** Asks the host to stop (STOP, within {@code budgetMs}), then ends it and the supervision. */
    void stop(long budgetMs) {
        try {
            call(Op.STOP, out -> { }, in -> null, budgetMs);
        } catch (Exception e) {
            LOG.warn("plugin {}: its host did not stop cleanly: {}", id, e.getMessage());
        }
        close();
    }

    @Override
    public void close() {
        Process p;
        HostSpawner.Spawned s;
        synchronized (this) {
            closed = true;
            p = process;
            s = spare;
            spare = null;
            notifyAll();
        }
        watchdog.cancel(false);
        if (p != null) {
            p.destroyForcibly();
        }
        if (s != null) {
            s.process().destroyForcibly();
        }
        cgroup.ifPresent(this::removeCgroup);
    }

    /** Removes the plugin's cgroup (ending any host still in it). */
    private void removeCgroup(HostCgroup g) {
        try {
            g.close();
        } catch (IOException e) {
            LOG.warn("plugin {}: its cgroup {} was not removed: {}", id, g.dir(), e.getMessage());
        }
    }
}
