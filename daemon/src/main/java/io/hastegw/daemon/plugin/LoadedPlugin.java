package io.hastegw.daemon.plugin;

import io.hastegw.pluginhost.StageKind;
import io.hastegw.plugin.api.FrameInput;
import io.hastegw.plugin.api.FrameRejectedException;
import io.hastegw.plugin.api.FrameSource;
import io.hastegw.plugin.api.Health;
import io.hastegw.plugin.api.Plugin;
import io.hastegw.plugin.api.PluginContext;
import java.io.IOException;
import java.net.URLClassLoader;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plugin that passed its checks, with everything it owns: its class loader, its threads (calls
 * and an optional scheduler, both named for it and running with its class loader), its
 * {@link PluginGuard}, its {@link StageRegistry}, and its lifecycle (init, start, sources, stop).
 * {@link #close()} releases all of it.
 */
final class LoadedPlugin implements AutoCloseable {
    /** Budget of a plugin's init, start and stop. */
    static final long LIFECYCLE_MS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(LoadedPlugin.class);

    private final PluginCandidate candidate;
    private final PluginDescriptor descriptor;
    private final URLClassLoader loader;
    private final ExecutorService calls;
    private final PluginGuard guard;
    private final StageRegistry stages;
    private final List<StageRegistry.Stage<FrameSource>> startedSources = new CopyOnWriteArrayList<>();
    private final long lifecycleMs;
    private Plugin plugin;
    private ScheduledExecutorService scheduler;
    private volatile String quarantined;

    /**
     * @param limits     what its guard allows (budget, failure rate, concurrency)
     * @param ledger     where its calls are noted while they run
     * @param onDisabled told of the reason when it is disabled
     * @param remote     whether it runs in a host process (its calls are then made on the caller's thread: the host bounds them)
     */
    LoadedPlugin(PluginCandidate candidate, PluginDescriptor descriptor, URLClassLoader loader, GuardLimits limits, CallLedger ledger,
                 Consumer<String> onDisabled, boolean remote) {
        this.candidate = candidate;
        this.descriptor = descriptor;
        this.loader = loader;
        this.calls = Executors.newCachedThreadPool(threads(descriptor.id(), loader));
        this.guard = new PluginGuard(descriptor.id(), candidate.origin() == PluginOrigin.OPERATOR && !remote, calls, limits, ledger, onDisabled);
        this.stages = new StageRegistry(descriptor.id());
        this.lifecycleMs = Math.max(limits.budgetMs(), LIFECYCLE_MS);
    }

    String id() {
        return descriptor.id();
    }

    PluginCandidate candidate() {
        return candidate;
    }

    PluginDescriptor descriptor() {
        return descriptor;
    }

    PluginGuard guard() {
        return guard;
    }

    StageRegistry stages() {
        return stages;
    }

    /** The scheduler its context hands out, created on first use. */
    synchronized ScheduledExecutorService scheduler() {
        if (scheduler == null) {
            scheduler = Executors.newSingleThreadScheduledExecutor(threads(descriptor.id() + "-scheduler", loader));
        }
        return scheduler;
    }

    /** Calls {@code plugin.init} within the lifecycle budget, then seals its registry. */
    void init(Plugin plugin, PluginContext context) throws FrameRejectedException {
        this.plugin = plugin;
        lifecycle("init", () -> plugin.init(context, stages));
        stages.seal();
    }

    /** Calls {@code plugin.start} within the lifecycle budget. */
    void start() throws FrameRejectedException {
        lifecycle("start", plugin::start);
    }

    /** Starts its frame source {@code s} into {@code input}. */
    private void startSource(StageRegistry.Stage<FrameSource> s, FrameInput input) throws FrameRejectedException {
        guard.call(StageKind.SOURCE.noun() + " '" + s.name() + "' (start)", () -> {
            s.stage().start(input);
            return null;
        });
        startedSources.add(s);
    }

    /** Starts all its frame sources into {@code input}; {@code onFailure} is told of one that does not start (its id and why). */
    void startSources(FrameInput input, java.util.function.BiConsumer<String, String> onFailure) {
        for (StageRegistry.Stage<FrameSource> s : stages.of(StageKind.SOURCE, FrameSource.class)) {
            try {
                startSource(s, input);
            } catch (PluginFailure | FrameRejectedException e) {
                LOG.error("plugin {}: {}", id(), e.getMessage());
                onFailure.accept(id(), e.getMessage());
            }
        }
    }

    /** Quarantines it (its host died too often): disabled, and listed as quarantined. */
    void quarantine(String reason) {
        quarantined = reason;
        guard.disable(reason);
    }

    /** Why it was quarantined while running, or null. */
    String quarantined() {
        return quarantined;
    }

    /** Its host process, when it runs in one. */
    java.util.Optional<PluginProcess> process() {
        return plugin instanceof RemotePlugin r && r.process() != null ? java.util.Optional.of(r.process()) : java.util.Optional.empty();
    }

    /** Its status for /status and listings, with its own health while it runs. */
    PluginStatus status() {
        return status(guard.disabled() == null ? health() : null);
    }

    /** Its status without its health (no call into the plugin). */
    PluginStatus state() {
        return status(null);
    }

    private PluginStatus status(Health h) {
        String off = guard.disabled();
        return new PluginStatus(descriptor.id(), descriptor.version(), descriptor.api(), candidate.origin().wire(), candidate.where(),
                process().isPresent() ? "process" : "in-process",
                off == null ? PluginStatus.RUNNING : quarantined != null ? PluginStatus.QUARANTINED : PluginStatus.DISABLED, off, stages.names(), guard.failures(),
                h == null ? null : h.healthy(), h == null ? null : h.detail());
    }

    private Health health() {
        try {
            Health h = guard.call("health", plugin::health);
            return h == null ? Health.down("health() returned null") : h;
        } catch (PluginFailure | FrameRejectedException e) {
            return Health.down(e.getMessage());
        }
    }

    /** Stops the frame sources it started. */
    void stopSources() {
        for (StageRegistry.Stage<FrameSource> s : startedSources) {
            quietly(() -> guard.call(StageKind.SOURCE.noun() + " '" + s.name() + "' (stop)", () -> {
                s.stage().stop();
                return null;
            }));
        }
        startedSources.clear();
    }

    /** Calls {@code plugin.stop} (if it was initialised), then {@link #close()}. */
    void stop() {
        if (plugin != null) {
            quietly(() -> lifecycle("stop", plugin::stop));
        }
        close();
    }

    /** Ends its threads and closes its class loader. */
    @Override
    public void close() {
        process().ifPresent(PluginProcess::close);
        calls.shutdownNow();
        synchronized (this) {
            if (scheduler != null) {
                scheduler.shutdownNow();
            }
        }
        closeQuietly(loader);
    }

    /** Closes {@code loader}, logging a problem. */
    static void closeQuietly(URLClassLoader loader) {
        try {
            loader.close();
        } catch (IOException e) {
            LOG.warn("closing a plugin class loader: {}", e.toString());
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private interface GuardedCall {
        void run() throws FrameRejectedException;
    }

    private void lifecycle(String what, Step step) throws FrameRejectedException {
        guard.call(what, () -> {
            step.run();
            return null;
        }, lifecycleMs);
    }

    private void quietly(GuardedCall call) {
        try {
            call.run();
        } catch (PluginFailure | FrameRejectedException e) {
            LOG.warn("plugin {}: {}", descriptor.id(), e.getMessage());
        }
    }

    /** Daemon threads named for the plugin, whose context class loader is the plugin's. */
    private static ThreadFactory threads(String name, ClassLoader loader) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "plugin-" + name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setContextClassLoader(loader);
            return t;
        };
    }
}
