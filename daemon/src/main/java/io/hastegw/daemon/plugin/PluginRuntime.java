package io.hastegw.daemon.plugin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.hastegw.daemon.config.GatewayConfig;
import io.hastegw.plugin.api.CompressionPolicy;
import io.hastegw.plugin.api.EnergyModel;
import io.hastegw.plugin.api.Extensions;
import io.hastegw.plugin.api.FrameDecoder;
import io.hastegw.plugin.api.FrameInput;
import io.hastegw.plugin.api.FrameRejectedException;
import io.hastegw.plugin.api.FrameSource;
import io.hastegw.plugin.api.Health;
import io.hastegw.plugin.api.ImagePreprocessor;
import io.hastegw.plugin.api.Plugin;
import io.hastegw.plugin.api.PluginApi;
import io.hastegw.plugin.api.PostProcessor;
import io.hastegw.plugin.api.PredictionSink;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds, loads, starts, watches and stops the plugins (docs/plugins.md): the built-in ones from
 * {@code plugins.builtin_dir}, the operator's from {@code plugins.dir}. Each candidate (a jar, or
 * a folder of jars) is checked ({@link PluginFiles}), its descriptor read and its API version
 * checked before any of its code runs, its configuration validated against its JSON Schema,
 * then its {@link Plugin} found with {@link ServiceLoader} in a class loader of its own (whose
 * parent shows only the API and the JDK, {@link ApiOnlyClassLoader}), and initialised. Every
 * problem refuses that one plugin with one log line, listed in {@link #status()} and reported
 * as an error event by the gateway; the gateway runs without it. The stages plugins register
 * are handed out guarded ({@link PluginGuard}): time budget, failure count, disabling.
 */
public final class PluginRuntime implements AutoCloseable {
    /** A plugin folder holding a file of this name is not loaded (HiveMQ's convention). */
    public static final String DISABLED_MARKER = "DISABLED";
    /** Origin of plugins from {@code plugins.builtin_dir}. */
    public static final String BUILTIN = "builtin";
    /** Origin of plugins from {@code plugins.dir}. */
    public static final String OPERATOR = "operator";
    /** Budget of a plugin's init, start and stop. */
    static final long LIFECYCLE_MS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(PluginRuntime.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A stage a running plugin registered. */
    public record Stage<T>(String plugin, String name, T stage) {}

    /** Told when a running plugin is disabled after failing too often. */
    public interface Listener {
        /** {@code plugin} was disabled because of {@code reason}. */
        void disabled(String plugin, String reason);
    }

    private final GatewayConfig.Plugins config;
    private final Path builtinDir;
    private final Host host;
    private final MeterRegistry registry;
    private final PluginFiles files;
    private final List<Loaded> running = new CopyOnWriteArrayList<>();
    private final List<PluginStatus> others = new ArrayList<>();
    private final List<PredictionSink> sinks = new ArrayList<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    private PluginRuntime(GatewayConfig.Plugins config, Path builtinDir, Host host, MeterRegistry registry, String user) {
        this.config = config;
        this.builtinDir = builtinDir;
        this.host = host;
        this.registry = registry;
        this.files = new PluginFiles(user);
    }

    /**
     * Loads and initialises every enabled plugin of both folders; never throws for a plugin's
     * problem (it is refused, see {@link #status()}).
     *
     * @param builtinDefault the built-in folder when {@code plugins.builtin_dir} is not set
     * @param user           the gateway's user (plugin files must be owned by it or root)
     */
    public static PluginRuntime load(GatewayConfig.Plugins config, Path builtinDefault, Host host, MeterRegistry registry, String user) {
        PluginRuntime runtime = new PluginRuntime(config, config.builtinDir() == null ? builtinDefault : Path.of(config.builtinDir()), host,
                registry, user);
        runtime.scan(runtime.builtinDir, BUILTIN);
        if (config.dir() != null) {
            runtime.scan(Path.of(config.dir()), OPERATOR);
        }
        boolean unread = runtime.others.stream().anyMatch(s -> s.id() == null && s.state().equals(PluginStatus.REFUSED));
        config.settings().entrySet().stream().filter(e -> Boolean.TRUE.equals(e.getValue().enabled())).map(Map.Entry::getKey)
                .filter(id -> runtime.find(id).isEmpty() && !runtime.mentioned(id)).sorted().forEach(id ->
                runtime.refuse(new Candidate(null, OPERATOR, List.of()), id, null, null, "configured in plugins.settings but "
                        + (unread ? "not loaded: no plugin with this id could be read in " + runtime.folders() + " (see the refusals there)"
                        : "not found in " + runtime.folders())));
        return runtime;
    }

    private String folders() {
        return builtinDir + (config.dir() == null ? "" : " or " + config.dir());
    }

    /** A jar or a folder of jars that may be a plugin. */
    private record Candidate(Path location, String origin, List<Path> jars) {}

    private void scan(Path dir, String origin) {
        if (!Files.isDirectory(dir)) {
            refuse(new Candidate(dir, origin, List.of()), null, null, null, "plugins folder " + dir + " does not exist");
            return;
        }
        Optional<String> bad = files.refusal(dir);
        if (bad.isPresent()) {
            refuse(new Candidate(dir, origin, List.of()), null, null, null, "plugins folder refused: " + bad.get());
            return;
        }
        List<Path> entries;
        try (Stream<Path> list = Files.list(dir)) {
            entries = list.sorted().toList();
        } catch (IOException e) {
            refuse(new Candidate(dir, origin, List.of()), null, null, null, "cannot list plugins folder " + dir + ": " + e.getMessage());
            return;
        }
        for (Path entry : entries) {
            String file = entry.getFileName().toString();
            if (Files.isDirectory(entry) || file.endsWith(".jar")) {
                consider(entry, origin);
            }
        }
    }

    private void consider(Path entry, String origin) {
        Optional<String> bad = files.refusal(entry);
        if (bad.isPresent()) {
            refuse(new Candidate(entry, origin, List.of()), null, null, null, bad.get());
            return;
        }
        List<Path> jars;
        if (Files.isDirectory(entry)) {
            if (Files.exists(entry.resolve(DISABLED_MARKER))) {
                others.add(new PluginStatus(null, null, null, origin, entry.toString(), PluginStatus.NOT_ENABLED,
                        "disabled by the marker file " + entry.resolve(DISABLED_MARKER), List.of(), 0, null, null));
                LOG.info("plugin {} not loaded: marker file {} present", entry, DISABLED_MARKER);
                return;
            }
            try (Stream<Path> walk = Stream.concat(Files.list(entry), Files.isDirectory(entry.resolve("lib")) ? Files.list(entry.resolve("lib")) : Stream.empty())) {
                jars = walk.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
            } catch (IOException e) {
                refuse(new Candidate(entry, origin, List.of()), null, null, null, "cannot list " + entry + ": " + e.getMessage());
                return;
            }
            Optional<String> badLib = Stream.concat(Stream.of(entry.resolve("lib")).filter(Files::isDirectory), jars.stream())
                    .map(files::refusal).flatMap(Optional::stream).findFirst();
            if (badLib.isPresent()) {
                refuse(new Candidate(entry, origin, jars), null, null, null, badLib.get());
                return;
            }
            if (jars.isEmpty()) {
                refuse(new Candidate(entry, origin, jars), null, null, null, "plugin folder " + entry + " holds no jar");
                return;
            }
        } else {
            jars = List.of(entry);
        }
        load(new Candidate(entry, origin, jars));
    }

    private void load(Candidate c) {
        URL[] urls = new URL[c.jars().size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = c.jars().get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                refuse(c, null, null, null, "cannot open " + c.jars().get(i) + ": " + e.getMessage());
                return;
            }
        }
        URLClassLoader loader = new URLClassLoader("plugin:" + c.location().getFileName(), urls,
                new ApiOnlyClassLoader(PluginRuntime.class.getClassLoader()));
        PluginDescriptor d;
        try {
            d = descriptor(loader);
        } catch (PluginDescriptor.InvalidDescriptorException e) {
            closeQuietly(loader);
            refuse(c, null, null, null, e.getMessage());
            return;
        }
        Optional<String> refusal = refusal(c, d);
        if (refusal.isPresent()) {
            closeQuietly(loader);
            if (refusal.get().isEmpty()) {
                others.add(new PluginStatus(d.id(), d.version(), d.api(), c.origin(), c.location().toString(), PluginStatus.NOT_ENABLED,
                        c.origin().equals(OPERATOR) ? "found in plugins.dir but not enabled (set plugins.settings." + d.id() + ".enabled: true)"
                                : "built in, off in the configuration (plugins.settings." + d.id() + ".enabled: false)", List.of(), 0, null, null));
                LOG.info("plugin {} {} ({}) found, not enabled", d.id(), d.version(), c.location());
            } else {
                refuse(c, d.id(), d.version(), d.api(), refusal.get());
            }
            return;
        }
        Map<String, Object> settings = settingsOf(d.id());
        Loaded p = new Loaded(c, d, loader);
        try {
            Plugin plugin = instantiate(loader);
            p.plugin = plugin;
            DaemonPluginContext context = new DaemonPluginContext(d.id(), host, Collections.unmodifiableMap(settings), registry, p::scheduler);
            p.guard.call("init", () -> {
                plugin.init(context, p);
                return null;
            }, Math.max(config.stageTimeoutMs(), LIFECYCLE_MS));
            p.sealed = true;
        } catch (StageFailedException | FrameRejectedException | LinkageError | ServiceConfigurationError | IllegalStateException e) {
            p.close();
            refuse(c, d.id(), d.version(), d.api(), e instanceof StageFailedException ? e.getMessage() : "cannot load: " + e);
            return;
        }
        running.add(p);
        Gauge.builder("haste_plugin_disabled", () -> p.guard.disabled() == null ? 0 : 1).description("1 once a plugin is disabled")
                .tag("plugin", d.id()).register(registry);
        Gauge.builder("haste_plugin_failures", p.guard::failures).description("a plugin's failures (throws, time-outs)")
                .tag("plugin", d.id()).register(registry);
        LOG.info("plugin {} {} loaded from {} ({}): {}", d.id(), d.version(), c.location(), c.origin(),
                p.stageNames().isEmpty() ? "no stages (nothing configured)" : String.join(", ", p.stageNames()));
    }

    /** Why {@code d} must not be loaded: a reason, "" when it is merely not enabled, empty when it may. */
    private Optional<String> refusal(Candidate c, PluginDescriptor d) {
        Optional<Loaded> twin = find(d.id());
        if (twin.isPresent()) {
            return Optional.of("a plugin with id '" + d.id() + "' is already loaded from " + twin.get().candidate.location());
        }
        Optional<String> api = PluginApi.incompatibility(d.api());
        if (api.isPresent()) {
            return api;
        }
        GatewayConfig.PluginSettings s = config.settings().get(d.id());
        Boolean enabled = s == null ? null : s.enabled();
        if (Boolean.FALSE.equals(enabled) || (enabled == null && c.origin().equals(OPERATOR))) {
            return Optional.of("");
        }
        try {
            JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(d.configSchema());
            Set<ValidationMessage> errors = schema.validate(JSON.valueToTree(settingsOf(d.id())));
            if (!errors.isEmpty()) {
                return Optional.of("invalid configuration (plugins.settings." + d.id() + ".config): "
                        + String.join("; ", errors.stream().map(ValidationMessage::getMessage).sorted().toList()));
            }
        } catch (RuntimeException e) {
            return Optional.of("its config_schema is not a usable JSON Schema: " + e.getMessage());
        }
        return Optional.empty();
    }

    private Map<String, Object> settingsOf(String id) {
        GatewayConfig.PluginSettings s = config.settings().get(id);
        return s == null || s.config() == null ? Map.of() : s.config();
    }

    private static PluginDescriptor descriptor(URLClassLoader loader) throws PluginDescriptor.InvalidDescriptorException {
        List<URL> found;
        try {
            found = Collections.list(loader.findResources(PluginDescriptor.FILE));
        } catch (IOException e) {
            throw new PluginDescriptor.InvalidDescriptorException("cannot read its jars: " + e.getMessage());
        }
        if (found.size() != 1) {
            throw new PluginDescriptor.InvalidDescriptorException(found.isEmpty() ? "no " + PluginDescriptor.FILE + " at the root of its jar"
                    : found.size() + " descriptors (" + PluginDescriptor.FILE + ") in its jars; a plugin has one");
        }
        try (InputStream in = found.get(0).openStream()) {
            return PluginDescriptor.read(in, JSON);
        } catch (IOException e) {
            throw new PluginDescriptor.InvalidDescriptorException("cannot read " + PluginDescriptor.FILE + ": " + e.getMessage());
        }
    }

    private static Plugin instantiate(ClassLoader loader) {
        Iterator<Plugin> it = ServiceLoader.load(Plugin.class, loader).iterator();
        if (!it.hasNext()) {
            throw new IllegalStateException("no implementation of " + Plugin.class.getName() + " named in META-INF/services/"
                    + Plugin.class.getName() + " of its jars");
        }
        Plugin plugin = it.next();
        if (it.hasNext()) {
            throw new IllegalStateException("more than one implementation of " + Plugin.class.getName() + " in its jars; a plugin has one");
        }
        return plugin;
    }

    private void refuse(Candidate c, String id, String version, String api, String reason) {
        LOG.error("plugin {} refused: {}", id == null ? c.location() : c.location() == null ? id : id + " (" + c.location() + ")", reason);
        others.add(new PluginStatus(id, version, api, c.origin(), String.valueOf(c.location()), PluginStatus.REFUSED, reason, List.of(), 0,
                null, null));
    }

    private Optional<Loaded> find(String id) {
        return running.stream().filter(p -> p.descriptor.id().equals(id)).findFirst();
    }

    private boolean mentioned(String id) {
        return others.stream().anyMatch(s -> id.equals(s.id()));
    }

    /** Starts every loaded plugin; one that throws is refused (and stopped). */
    public void start() {
        for (Loaded p : List.copyOf(running)) {
            try {
                p.guard.call("start", () -> {
                    p.plugin.start();
                    return null;
                }, Math.max(config.stageTimeoutMs(), LIFECYCLE_MS));
            } catch (StageFailedException | FrameRejectedException e) {
                running.remove(p);
                p.stop();
                refuse(p.candidate, p.descriptor.id(), p.descriptor.version(), p.descriptor.api(), e.getMessage());
            }
        }
    }

    /** Subscribes {@code listener} to plugins being disabled. */
    public void listen(Listener listener) {
        listeners.add(listener);
    }

    /** Every plugin found: running, disabled, refused, not enabled. */
    public List<PluginStatus> status() {
        List<PluginStatus> all = new ArrayList<>();
        for (Loaded p : running) {
            String off = p.guard.disabled();
            Health h = off == null ? health(p) : null;
            all.add(new PluginStatus(p.descriptor.id(), p.descriptor.version(), p.descriptor.api(), p.candidate.origin(),
                    p.candidate.location().toString(), off == null ? PluginStatus.RUNNING : PluginStatus.DISABLED, off, p.stageNames(),
                    p.guard.failures(), h == null ? null : h.healthy(), h == null ? null : h.detail()));
        }
        all.addAll(others);
        return all;
    }

    private Health health(Loaded p) {
        try {
            Health h = p.guard.call("health", p.plugin::health);
            return h == null ? Health.down("health() returned null") : h;
        } catch (StageFailedException | FrameRejectedException e) {
            return Health.down(e.getMessage());
        }
    }

    /** The refused plugins (for the error events the gateway publishes once connected). */
    public List<PluginStatus> refused() {
        return others.stream().filter(s -> s.state().equals(PluginStatus.REFUSED)).toList();
    }

    /** The decoders of running plugins, guarded; the operator's first, so they can take over a format. */
    public List<FrameDecoder> decoders() {
        List<FrameDecoder> out = new ArrayList<>();
        byOrigin().forEach(p -> p.decoders.forEach(s -> out.add(new GuardedStages.Decoder(s.name(), s.stage(), p.guard))));
        return out;
    }

    /**
     * The post-processing chain, guarded: the stages named in {@code first} ({@code <plugin>/<stage>}
     * or the stage name, {@code pipeline.post_processors}) in that order, then every other one,
     * built-in before the operator's, each in load order.
     */
    public List<PostProcessor> postProcessors(List<String> first) {
        List<Stage<PostProcessor>> rest = new ArrayList<>();
        running.stream().sorted((a, b) -> Boolean.compare(a.candidate.origin().equals(OPERATOR), b.candidate.origin().equals(OPERATOR)))
                .forEach(p -> rest.addAll(p.posts));
        List<Stage<PostProcessor>> chain = new ArrayList<>();
        for (String name : first) {
            rest.stream().filter(s -> name.equals(s.name()) || name.equals(s.plugin() + "/" + s.name())).findFirst().ifPresent(s -> {
                chain.add(s);
                rest.remove(s);
            });
        }
        chain.addAll(rest);
        return chain.stream().<PostProcessor>map(s -> new GuardedStages.Post(s.name(), s.stage(), guardOf(s))).toList();
    }

    /**
     * The sinks of running plugins (created once): each behind its own bounded queue and thread,
     * except a built-in sink that says it never blocks (the MQTT sink), called directly.
     */
    public synchronized List<PredictionSink> sinks() {
        if (sinks.isEmpty()) {
            for (Loaded p : running) {
                for (Stage<PredictionSink> s : p.sinks) {
                    sinks.add(!p.guard.isolated() && !blocking(p, s) ? new GuardedStages.InlineSink(s.name(), s.stage(), p.guard)
                            : new SinkQueue(p.descriptor.id(), s.name(), s.stage(), p.guard, config.sinkQueue(), registry));
                }
            }
        }
        return List.copyOf(sinks);
    }

    private static boolean blocking(Loaded p, Stage<PredictionSink> s) {
        try {
            return p.guard.call("sink '" + s.name() + "' (blocking)", s.stage()::blocking);
        } catch (StageFailedException | FrameRejectedException e) {
            return true;
        }
    }

    /** The preprocessor registered as {@code name} ({@code <plugin>/<stage>} or the stage name alone), guarded. */
    public Optional<ImagePreprocessor> preprocessor(String name) {
        return named(p -> p.preprocessors, name).map(s -> new GuardedStages.Pre(s.name(), s.stage(), guardOf(s)));
    }

    /** The energy model registered as {@code name} ({@code <plugin>/<stage>} or the stage name alone), guarded. */
    public Optional<EnergyModel> energyModel(String name) {
        return named(p -> p.energyModels, name).map(s -> new GuardedStages.Energy(s.name(), s.stage(), guardOf(s)));
    }

    private PluginGuard guardOf(Stage<?> stage) {
        return find(stage.plugin()).orElseThrow().guard;
    }

    /** The compression policies running plugins registered, by stage name. */
    public Map<String, CompressionPolicy.Factory> policies() {
        Map<String, CompressionPolicy.Factory> out = new LinkedHashMap<>();
        running.forEach(p -> p.policies.forEach(s -> out.putIfAbsent(s.name(), s.stage())));
        return out;
    }

    private <T> Optional<Stage<T>> named(java.util.function.Function<Loaded, List<Stage<T>>> of, String name) {
        return running.stream().flatMap(p -> of.apply(p).stream())
                .filter(s -> name.equals(s.name()) || name.equals(s.plugin() + "/" + s.name())).findFirst();
    }

    /**
     * Starts the frame sources of running plugins into {@code input}; {@code onFailure} is told
     * of a source that does not start (plugin and reason).
     */
    public void startSources(FrameInput input, BiConsumer<String, String> onFailure) {
        for (Loaded p : running) {
            for (Stage<FrameSource> s : p.sources) {
                try {
                    p.guard.call("frame source '" + s.name() + "' (start)", () -> {
                        s.stage().start(input);
                        return null;
                    });
                    p.startedSources.add(s);
                } catch (StageFailedException | FrameRejectedException e) {
                    LOG.error("plugin {}: {}", p.descriptor.id(), e.getMessage());
                    onFailure.accept(p.descriptor.id(), e.getMessage());
                }
            }
        }
    }

    /** Stops sources, delivers what the sinks hold within {@code graceMs}, stops every plugin and closes its class loader. */
    public void stop(long graceMs) {
        running.forEach(Loaded::stopSources);
        long deadline = System.currentTimeMillis() + graceMs;
        synchronized (this) {
            sinks.stream().filter(s -> s instanceof SinkQueue).forEach(s -> ((SinkQueue) s).close(Math.max(1, deadline - System.currentTimeMillis())));
            sinks.clear();
        }
        running.forEach(Loaded::stop);
        running.clear();
    }

    @Override
    public void close() {
        stop(0);
    }

    private Stream<Loaded> byOrigin() {
        return Stream.concat(running.stream().filter(p -> p.candidate.origin().equals(OPERATOR)),
                running.stream().filter(p -> !p.candidate.origin().equals(OPERATOR)));
    }

    private void disabled(String id, String reason) {
        LOG.error("plugin {} disabled: {}", id, reason);
        listeners.forEach(l -> l.disabled(id, reason));
    }

    private static void closeQuietly(URLClassLoader loader) {
        try {
            loader.close();
        } catch (IOException e) {
            LOG.warn("closing a plugin class loader: {}", e.toString());
        }
    }

    /** A plugin that passed its checks: its class loader, threads, guard, and what it registered. */
    private final class Loaded implements Extensions {
        final Candidate candidate;
        final PluginDescriptor descriptor;
        final URLClassLoader loader;
        final ExecutorService calls;
        final PluginGuard guard;
        final List<Stage<FrameSource>> sources = new ArrayList<>();
        final List<Stage<FrameSource>> startedSources = new CopyOnWriteArrayList<>();
        final List<Stage<FrameDecoder>> decoders = new ArrayList<>();
        final List<Stage<ImagePreprocessor>> preprocessors = new ArrayList<>();
        final List<Stage<PostProcessor>> posts = new ArrayList<>();
        final List<Stage<PredictionSink>> sinks = new ArrayList<>();
        final List<Stage<EnergyModel>> energyModels = new ArrayList<>();
        final List<Stage<CompressionPolicy.Factory>> policies = new ArrayList<>();
        final List<String> names = new ArrayList<>();
        Plugin plugin;
        boolean sealed;
        private ScheduledExecutorService scheduler;

        Loaded(Candidate candidate, PluginDescriptor descriptor, URLClassLoader loader) {
            this.candidate = candidate;
            this.descriptor = descriptor;
            this.loader = loader;
            this.calls = Executors.newCachedThreadPool(threads(descriptor.id(), loader));
            this.guard = new PluginGuard(descriptor.id(), candidate.origin().equals(OPERATOR), calls, config.stageTimeoutMs(),
                    config.maxFailures(), reason -> disabled(descriptor.id(), reason));
        }

        synchronized ScheduledExecutorService scheduler() {
            if (scheduler == null) {
                scheduler = Executors.newSingleThreadScheduledExecutor(threads(descriptor.id() + "-scheduler", loader));
            }
            return scheduler;
        }

        List<String> stageNames() {
            return List.copyOf(names);
        }

        private <T> void add(List<Stage<T>> list, String kind, String name, T stage) {
            if (sealed) {
                throw new IllegalStateException("stages are registered during init only");
            }
            if (name == null || !name.matches("[A-Za-z0-9._-]{1,64}") || stage == null) {
                throw new IllegalArgumentException(kind + " '" + name + "': a stage needs a name of 1-64 of A-Z a-z 0-9 . _ - and an implementation");
            }
            if (names.contains(kind + ":" + name)) {
                throw new IllegalArgumentException(kind + " '" + name + "' registered twice");
            }
            names.add(kind + ":" + name);
            list.add(new Stage<>(descriptor.id(), name, stage));
        }

        @Override
        public void frameSource(String name, FrameSource source) {
            add(sources, "source", name, source);
        }

        @Override
        public void decoder(String name, FrameDecoder decoder) {
            add(decoders, "decoder", name, decoder);
        }

        @Override
        public void preprocessor(String name, ImagePreprocessor preprocessor) {
            add(preprocessors, "preprocessor", name, preprocessor);
        }

        @Override
        public void postProcessor(String name, PostProcessor postProcessor) {
            add(posts, "post", name, postProcessor);
        }

        @Override
        public void predictionSink(String name, PredictionSink sink) {
            add(sinks, "sink", name, sink);
        }

        @Override
        public void energyModel(String name, EnergyModel model) {
            add(energyModels, "energy", name, model);
        }

        @Override
        public void compressionPolicy(String name, CompressionPolicy.Factory factory) {
            add(policies, "policy", name, factory);
        }

        void stopSources() {
            for (Stage<FrameSource> s : startedSources) {
                try {
                    guard.call("frame source '" + s.name() + "' (stop)", () -> {
                        s.stage().stop();
                        return null;
                    });
                } catch (StageFailedException | FrameRejectedException e) {
                    LOG.warn("plugin {}: {}", descriptor.id(), e.getMessage());
                }
            }
            startedSources.clear();
        }

        void stop() {
            if (plugin != null) {
                try {
                    guard.call("stop", () -> {
                        plugin.stop();
                        return null;
                    }, LIFECYCLE_MS);
                } catch (StageFailedException | FrameRejectedException e) {
                    LOG.warn("plugin {}: {}", descriptor.id(), e.getMessage());
                }
            }
            close();
        }

        void close() {
            calls.shutdownNow();
            synchronized (this) {
                if (scheduler != null) {
                    scheduler.shutdownNow();
                }
            }
            closeQuietly(loader);
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
