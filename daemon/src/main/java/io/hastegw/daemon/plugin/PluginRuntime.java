package io.hastegw.daemon.plugin;

import io.hastegw.pluginhost.StageKind;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hastegw.daemon.config.PluginsSection;
import io.hastegw.daemon.messages.ErrorReason;
import io.hastegw.plugin.api.CompressionPolicy;
import io.hastegw.plugin.api.EnergyModel;
import io.hastegw.plugin.api.FrameDecoder;
import io.hastegw.plugin.api.FrameInput;
import io.hastegw.plugin.api.FrameRejectedException;
import io.hastegw.plugin.api.FrameSource;
import io.hastegw.plugin.api.ImagePreprocessor;
import io.hastegw.plugin.api.Plugin;
import io.hastegw.plugin.api.PluginApi;
import io.hastegw.plugin.api.PostProcessor;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugin system's facade (docs/plugins.md), split the way HiveMQ CE splits its extension
 * system: {@link PluginScanner} finds candidates in {@code plugins.builtin_dir} and
 * {@code plugins.dir}, {@link PluginLoader} opens each in a class loader of its own and reads its
 * descriptor before any of its code runs, {@link PluginSettingsValidator} decides whether it is
 * enabled and checks its configuration, a {@link LoadedPlugin} owns what a running plugin holds,
 * and {@link StageChains} hands its stages to the pipeline, guarded. Every problem refuses that one
 * plugin with one log line, listed in {@link #status()} and reported as an error event by the
 * gateway; the gateway runs without it. Every guarded call is noted in the {@link CallLedger} of
 * its {@link PluginSafety}: when the previous run ended uncleanly (halt, exit, crash, kill) while
 * an operator's plugin was running, that plugin is quarantined and not loaded until an operator
 * clears it.
 */
public final class PluginRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PluginRuntime.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Built-in plugins the gateway replaced by its own code: a jar of one left behind (an old install) is refused, saying why. */
    private static final Map<String, String> RETIRED = Map.of("mqtt-sink", "retired: the gateway publishes predictions itself since plugin "
            + "API 2.2 (mqtt.publish_predictions, mqtt.prediction_qos); delete this jar");

    /** An error event the gateway publishes once connected: a plugin refused or quarantined at start. */
    public record StartEvent(ErrorReason reason, String message) {}

    /** Told when a running plugin is disabled after failing too often, or quarantined after its host died too often. */
    public interface Listener {
        /** {@code plugin} was disabled ({@code PLUGIN_DISABLED}) or quarantined ({@code PLUGIN_QUARANTINED}); {@code message} says why. */
        void disabled(String plugin, ErrorReason reason, String message);
    }

    private final PluginsSection config;
    private final Host host;
    private final MeterRegistry registry;
    private final PluginSettingsValidator settings;
    private final PluginLoader loader = new PluginLoader(JSON);
    private final List<LoadedPlugin> running = new CopyOnWriteArrayList<>();
    private final List<PluginStatus> others = new CopyOnWriteArrayList<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final StageChains chains;
    private final PluginSafety safety;
    private final PluginHosts hosts;
    /** The plugins that were running a call when the previous run ended uncleanly, with that call. */
    private final Map<String, CallLedger.Call> crashedIn = new java.util.HashMap<>();
    /** Plugins an operator enabled by command this run (whatever {@code plugins.settings.<id>.enabled} says). */
    private final java.util.Set<String> commandEnabled = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The folders scanned at start ({@code kind} -> folder), scanned again for an operator's enable or reload. */
    private final Map<PluginOrigin, Path> folders = new java.util.EnumMap<>(PluginOrigin.class);
    private PluginScanner scanner;
    /** Where frame sources submit, once the gateway started them (plugins enabled later start theirs there too). */
    private volatile FrameInput sourceInput;
    private volatile BiConsumer<String, String> sourceFailure;

    private PluginRuntime(PluginsSection config, Host host, MeterRegistry registry, PluginSafety safety) {
        this.config = config;
        this.host = host;
        this.registry = registry;
        this.safety = safety;
        safety.ledger().unclean().forEach(c -> crashedIn.putIfAbsent(c.plugin(), c));
        this.settings = new PluginSettingsValidator(config.settings(), JSON);
        this.chains = new StageChains(running, config.sinkQueue(), registry);
        this.hosts = new PluginHosts(safety.quarantine());
    }

    /**
     * Loads and initialises every enabled plugin of both folders; never throws for a plugin's
     * problem (it is refused, see {@link #status()}).
     *
     * @param builtinDefault the built-in folder when {@code plugins.builtin_dir} is not set
     * @param user           the gateway's user (plugin files must be owned by it or root)
     * @param safety         the call ledger and quarantine of this run
     */
    public static PluginRuntime load(PluginsSection config, Path builtinDefault, Host host, MeterRegistry registry, String user,
                                     PluginSafety safety) {
        PluginRuntime runtime = new PluginRuntime(config, host, registry, safety);
        runtime.crashedIn.values().forEach(c -> LOG.error("plugin {}: the previous run ended without a clean stop (halt, exit, crash or kill) "
                + "while its {} was running (thread {})", c.plugin(), c.what(), c.threadId()));
        Path builtin = config.builtinDir() == null ? builtinDefault : Path.of(config.builtinDir());
        PluginScanner scanner = new PluginScanner(new PluginFiles(user), runtime::report);
        runtime.scanner = new PluginScanner(new PluginFiles(user), refusal -> { });
        runtime.folders.put(PluginOrigin.BUILTIN, builtin);
        scanner.scan(builtin, PluginOrigin.BUILTIN).forEach(runtime::load);
        if (config.dir() != null) {
            runtime.folders.put(PluginOrigin.OPERATOR, Path.of(config.dir()));
            scanner.scan(Path.of(config.dir()), PluginOrigin.OPERATOR).forEach(runtime::load);
        }
        runtime.refuseMissing(builtin + (config.dir() == null ? "" : " or " + config.dir()));
        return runtime;
    }

    /** Refuses the plugins enabled in the configuration that no folder holds. */
    private void refuseMissing(String folders) {
        boolean unread = others.stream().anyMatch(s -> s.id() == null && s.state().equals(PluginStatus.REFUSED));
        settings.enabledIds().stream().filter(id -> find(id).isEmpty() && others.stream().noneMatch(s -> id.equals(s.id())))
                .forEach(id -> report(PluginStatus.unloaded(PluginStatus.REFUSED, new PluginCandidate(null, PluginOrigin.OPERATOR, List.of()),
                        null, id, "configured in plugins.settings but " + (unread ? "not loaded: no plugin with this id could be read in "
                                + folders + " (see the refusals there)" : "not found in " + folders))));
    }

    private void load(PluginCandidate c) {
        URLClassLoader classes = null;
        PluginDescriptor d = null;
        try {
            classes = loader.open(c);
            d = loader.descriptor(classes);
            Optional<PluginStatus> out = admission(c, d);
            if (out.isPresent()) {
                LoadedPlugin.closeQuietly(classes);
                report(out.get());
                return;
            }
        } catch (PluginFailure e) {
            if (classes != null) {
                LoadedPlugin.closeQuietly(classes);
            }
            report(PluginStatus.unloaded(PluginStatus.REFUSED, c, d, null, e.getMessage()));
            return;
        }
        String id = d.id();
        boolean remote = c.origin() == PluginOrigin.OPERATOR && isolation(id) == PluginsSection.Isolation.PROCESS;
        LoadedPlugin p = new LoadedPlugin(c, d, classes, GuardLimits.of(config), safety.ledger(), reason -> disabled(id, reason), remote);
        try {
            Plugin plugin = remote ? hosts.plugin(c, id, host.dataRoot().resolve(id), config, p) : loader.instantiate(classes);
            p.init(plugin, new DaemonPluginContext(id, host, Collections.unmodifiableMap(settings.configOf(id)), registry, p::scheduler));
        } catch (PluginFailure | FrameRejectedException e) {
            p.close();
            report(PluginStatus.unloaded(PluginStatus.REFUSED, c, d, null, e.getMessage()));
            return;
        }
        if (c.origin() == PluginOrigin.OPERATOR && !remote) {
            LOG.warn("plugin {} runs in the gateway's process (isolation: in-process): trusted, not contained: it can reach the daemon's "
                    + "classes and end the process (docs/plugins.md, Faults)", id);
        }
        running.add(p);
        PluginMeters.register(registry, p);
        LOG.info("plugin {} {} loaded from {} ({}): {}", id, d.version(), c.location(), c.origin().wire(),
                p.stages().names().isEmpty() ? "no stages (nothing configured)" : String.join(", ", p.stages().names()));
    }

    /**
     * Why {@code d} is not loaded (refused: a second plugin with its id, a retired plugin, an
     * incompatible API, an invalid configuration; or not enabled), or empty when it may be.
     */
    private Optional<PluginStatus> admission(PluginCandidate c, PluginDescriptor d) {
        Optional<LoadedPlugin> twin = find(d.id());
        Optional<String> problem = twin.isPresent()
                ? Optional.of("a plugin with id '" + d.id() + "' is already loaded from " + twin.get().candidate().location())
                : Optional.ofNullable(RETIRED.get(d.id())).or(() -> PluginApi.incompatibility(d.api()));
        if (problem.isEmpty() && !settings.enabled(d.id(), c.origin()) && !commandEnabled.contains(d.id())) {
            return Optional.of(PluginStatus.unloaded(PluginStatus.NOT_ENABLED, c, d, null, c.origin() == PluginOrigin.OPERATOR
                    ? "found in plugins.dir but not enabled (set plugins.settings." + d.id() + ".enabled: true)"
                    : "built in, off in the configuration (plugins.settings." + d.id() + ".enabled: false)"));
        }
        if (problem.isEmpty() && c.origin() == PluginOrigin.OPERATOR) {
            Optional<PluginQuarantine.Entry> q = quarantine(d.id());
            if (q.isPresent()) {
                return Optional.of(PluginStatus.unloaded(PluginStatus.QUARANTINED, c, d, null, "quarantined since " + q.get().since() + ": "
                        + q.get().reason() + "; clear it with: haste-gateway clear-quarantine " + d.id() + ", then restart"));
            }
        }
        return problem.or(() -> settings.problem(d)).map(why -> PluginStatus.unloaded(PluginStatus.REFUSED, c, d, null, why));
    }

    /** {@code id}'s quarantine: earlier, or now when the previous run ended while it was running. */
    private Optional<PluginQuarantine.Entry> quarantine(String id) {
        CallLedger.Call crash = crashedIn.get(id);
        if (crash != null) {
            try {
                safety.quarantine().add(id, "the gateway's previous run ended without a clean stop (halt, exit, crash or kill) while its "
                        + crash.what() + " was running");
            } catch (java.io.IOException e) {
                LOG.error("plugin {}: cannot save its quarantine: {}", id, e.getMessage());
            }
        }
        return safety.quarantine().of(id);
    }

    /** Records a plugin that does not run, with one log line. */
    private void report(PluginStatus status) {
        String who = status.id() == null ? status.location() : status.location().equals("null") ? status.id()
                : status.id() + " (" + status.location() + ")";
        if (status.state().equals(PluginStatus.REFUSED) || status.state().equals(PluginStatus.QUARANTINED)) {
            LOG.error("plugin {} refused: {}", who, status.reason());
        } else {
            LOG.info("plugin {} not enabled: {}", who, status.reason());
        }
        others.add(status);
    }

    private Optional<LoadedPlugin> find(String id) {
        return running.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    /** Starts every loaded plugin; one that throws is refused (and stopped). */
    public void start() {
        List.copyOf(running).forEach(this::start);
    }

    private boolean start(LoadedPlugin p) {
        try {
            p.start();
            return true;
        } catch (PluginFailure | FrameRejectedException e) {
            running.remove(p);
            p.stop();
            report(PluginStatus.unloaded(PluginStatus.REFUSED, p.candidate(), p.descriptor(), null, e.getMessage()));
            return false;
        }
    }

    /** The plugin {@code id} in the running list (running, or disabled or quarantined while it ran). */
    Optional<LoadedPlugin> loaded(String id) {
        return find(id);
    }

    /**
     * Takes {@code p} out of the pipeline: its sources stopped, the plugin stopped (its host too), its sinks closed;
     * listed with {@code state} and {@code reason} unless {@code reason} is null.
     */
    synchronized void unload(LoadedPlugin p, String state, String reason) {
        running.remove(p);
        p.stopSources();
        p.stop();
        chains.changed();
        if (reason != null) {
            others.add(PluginStatus.unloaded(state, p.candidate(), p.descriptor(), null, reason));
        }
        LOG.info("plugin {} unloaded{}", p.id(), reason == null ? "" : ": " + reason);
    }

    /**
     * Finds plugin {@code id} in the plugins folders again, loads, starts it and its frame sources (an operator's enable
     * or reload: enabled for this run whatever the configuration says); a plugin that cannot is listed as refused, not enabled or
     * quarantined as at start. Returns its status.
     */
    synchronized PluginStatus loadAgain(String id) {
        others.removeIf(s -> id.equals(s.id()));
        commandEnabled.add(id);
        Optional<PluginCandidate> found = folders.entrySet().stream().flatMap(f -> scanner.scan(f.getValue(), f.getKey()).stream())
                .filter(c -> id.equals(loader.idOf(c))).findFirst();
        if (found.isEmpty()) {
            report(PluginStatus.unloaded(PluginStatus.REFUSED, new PluginCandidate(null, PluginOrigin.OPERATOR, List.of()), null, id,
                    "no plugin with this id in " + folders.values()));
        } else {
            load(found.get());
            find(id).filter(this::start).ifPresent(p -> {
                FrameInput input = sourceInput;
                if (input != null) {
                    p.startSources(input, sourceFailure);
                }
            });
            chains.changed();
        }
        return statusOf(id);
    }

    /** Plugin {@code id}'s status (its health asked when it runs), or a refusal naming it when no folder holds it. */
    PluginStatus statusOf(String id) {
        return status().stream().filter(s -> id.equals(s.id())).findFirst().orElseThrow();
    }


    /** Subscribes {@code listener} to plugins being disabled. */
    public void listen(Listener listener) {
        listeners.add(listener);
    }

    private PluginsSection.Isolation isolation(String id) {
        PluginsSection.PluginSettings s = config.settings().get(id);
        return s == null || s.isolation() == null ? PluginsSection.Isolation.PROCESS : s.isolation();
    }

    /**
     * A plugin is disabled (or quarantined): its threads are interrupted and ended, its scheduler stopped, its class loader
     * closed, its host process ended.
     */
    private void disabled(String id, String reason) {
        Optional<LoadedPlugin> p = find(id);
        boolean quarantined = p.map(LoadedPlugin::quarantined).isPresent();
        LOG.error("plugin {} {}: {}", id, quarantined ? "quarantined" : "disabled", reason);
        p.ifPresent(LoadedPlugin::close);
        String message = "plugin '" + id + "' " + (quarantined ? "quarantined: " + reason + "; clear it with: haste-gateway clear-quarantine " + id
                + ", then restart" : "disabled: " + reason);
        listeners.forEach(l -> l.disabled(id, quarantined ? ErrorReason.PLUGIN_QUARANTINED : ErrorReason.PLUGIN_DISABLED, message));
    }

    /** Every plugin found, as {@link #status()} but without asking the running ones for their health (cheap: the console's every second). */
    public List<PluginStatus> states() {
        List<PluginStatus> all = new ArrayList<>();
        running.forEach(p -> all.add(p.state()));
        all.addAll(others);
        return all;
    }

    /** Every plugin found: running, disabled, refused, not enabled. */
    public List<PluginStatus> status() {
        List<PluginStatus> all = new ArrayList<>();
        running.forEach(p -> all.add(p.status()));
        all.addAll(others);
        return all;
    }

    /** The refused plugins. */
    public List<PluginStatus> refused() {
        return others.stream().filter(s -> s.state().equals(PluginStatus.REFUSED)).toList();
    }

    /** The error events to publish once connected: one per plugin refused ({@code plugin_refused}) or quarantined ({@code plugin_quarantined}). */
    public List<StartEvent> startEvents() {
        List<StartEvent> out = new ArrayList<>();
        for (PluginStatus s : others) {
            String who = s.id() == null ? s.location() : "'" + s.id() + "'" + (s.location() == null ? "" : " (" + s.location() + ")");
            if (s.state().equals(PluginStatus.REFUSED)) {
                out.add(new StartEvent(ErrorReason.PLUGIN_REFUSED, "plugin " + who + " refused: " + s.reason()));
            } else if (s.state().equals(PluginStatus.QUARANTINED)) {
                out.add(new StartEvent(ErrorReason.PLUGIN_QUARANTINED, "plugin " + who + " " + s.reason()));
            }
        }
        return out;
    }

    /** The plugin call {@code thread} is in now ({@code what} of plugin 'id'), if any: who called exit. */
    public Optional<String> callOn(Thread thread) {
        return safety.ledger().current(thread.getId()).map(c -> c.what() + " of plugin '" + c.plugin() + "'");
    }

    /** The decoders of running plugins, guarded, the operator's first (they can take over a format); up to date as plugins are enabled, disabled or reloaded. */
    public Supplier<List<FrameDecoder>> decoders() {
        return chains.live(chains::decoders);
    }

    /**
     * The post-processing chain, guarded: the stages named in {@code first} ({@code <plugin>/<stage>} or the stage name,
     * {@code pipeline.post_processors}) in that order, then every other one, built-in before the operator's, each in load
     * order; up to date as plugins are enabled, disabled or reloaded.
     */
    public Supplier<List<PostProcessor>> postProcessors(List<String> first) {
        return chains.live(() -> chains.postProcessors(first));
    }

    /**
     * The sinks of running plugins (created once per plugin, up to date as plugins are enabled, disabled or reloaded):
     * each behind its own bounded queue and thread, except a built-in sink that says it never blocks, called directly.
     */
    public List<DeliverySink> sinks() {
        return chains.sinks();
    }

    /** The preprocessor registered as {@code name} ({@code <plugin>/<stage>} or the stage name alone), guarded. */
    public Optional<ImagePreprocessor> preprocessor(String name) {
        return chains.preprocessor(name);
    }

    /** The energy model registered as {@code name} ({@code <plugin>/<stage>} or the stage name alone), guarded. */
    public Optional<EnergyModel> energyModel(String name) {
        return chains.energyModel(name);
    }

    /** The compression policies running plugins registered, by stage name. */
    public Map<String, CompressionPolicy.Factory> policies() {
        return chains.policies();
    }

    /**
     * Starts the frame sources of running plugins into {@code input}; {@code onFailure} is told
     * of a source that does not start (plugin and reason).
     */
    public void startSources(FrameInput input, BiConsumer<String, String> onFailure) {
        sourceFailure = onFailure;
        sourceInput = input;
        running.forEach(p -> p.startSources(input, onFailure));
    }



    /** Stops sources, delivers what the sinks hold within {@code graceMs}, stops every plugin and closes its class loader. */
    public void stop(long graceMs) {
        running.forEach(LoadedPlugin::stopSources);
        chains.closeSinks(System.currentTimeMillis() + graceMs);
        running.forEach(LoadedPlugin::stop);
        running.clear();
        hosts.close();
        safety.ledger().closeClean();
    }

    @Override
    public void close() {
        stop(0);
    }
}
