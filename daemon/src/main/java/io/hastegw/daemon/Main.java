package io.hastegw.daemon;

import ai.onnxruntime.OrtEnvironment;
import io.hastegw.daemon.config.ConfigLoader;
import io.hastegw.daemon.config.GatewayConfig;
import io.hastegw.daemon.detection.DetectionStage;
import io.hastegw.daemon.control.ControlPlane;
import io.hastegw.daemon.energy.EnergyAccounting;
import io.hastegw.daemon.load.BoardSampler;
import io.hastegw.daemon.load.SystemFiles;
import io.hastegw.plugin.api.InputTensor;
import java.util.Arrays;
import io.hastegw.daemon.http.HttpEndpoints;
import io.hastegw.daemon.inference.OnnxEngine;
import io.hastegw.daemon.mqtt.EmbeddedBroker;
import io.hastegw.daemon.mqtt.MqttPluginOutput;
import io.hastegw.daemon.mqtt.Topics;
import io.hastegw.plugin.api.MqttOutput;
import io.hastegw.daemon.messages.Messages;
import io.hastegw.daemon.pipeline.CardPreprocessor;
import io.hastegw.daemon.pipeline.FrameProcessor;
import io.hastegw.daemon.pipeline.Gateway;
import io.hastegw.daemon.plugin.Host;
import io.hastegw.daemon.plugin.PluginRuntime;
import io.hastegw.plugin.api.ImagePreprocessor;
import io.hastegw.plugin.api.ModelInfo;
import io.hastegw.plugin.api.PipelineLimits;
import io.hastegw.plugin.api.PluginApi;
import io.hastegw.plugin.api.PostProcessor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.hastegw.daemon.systemd.ServiceWatchdog;
import io.hastegw.daemon.systemd.SystemdNotifier;
import io.hastegw.op.card.ModelCard;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.hastegw.plugin.api.EnergyModel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code haste-gateway}: loads the configuration and the model, starts the gateway, and stops it
 * cleanly on SIGTERM/SIGINT (intake stopped, in-flight frames finished within the grace period,
 * offline status published, exit 0). A bad configuration or a missing/corrupt model ends the
 * process at start with status 1 and one line on stderr.
 */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);
    /** {@code pipeline.preprocessor} value for the model card's own preprocessing. */
    static final String CARD_PREPROCESSOR = "card";

    private Main() {}

    /** Entry point; see {@link #usage()}. */
    public static void main(String[] args) {
        int status = start(args, System.getenv(), System.out, System.err, new AtomicReference<>());
        if (status >= 0) {
            System.exit(status);
        }
    }

    /**
     * Parses {@code args}, and either prints and returns an exit status, or starts the gateway
     * and returns -1 (it then runs until a signal or {@code running.get().stop()}).
     */
    public static int start(String[] args, Map<String, String> env, PrintStream out, PrintStream err, AtomicReference<Running> running) {
        Path configFile = null;
        List<String> sets = new ArrayList<>();
        boolean print = false;
        boolean listPlugins = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> configFile = i + 1 < args.length ? Path.of(args[++i]) : null;
                case "--set" -> {
                    if (i + 1 < args.length) {
                        sets.add(args[++i]);
                    }
                }
                case "--print-config" -> print = true;
                case "--list-plugins" -> listPlugins = true;
                case "--help", "-h" -> {
                    out.println(usage());
                    return 0;
                }
                default -> {
                    err.println("haste-gateway: unknown argument '" + args[i] + "'\n" + usage());
                    return 2;
                }
            }
        }
        Vertx vertx = Vertx.vertx();
        try {
            GatewayConfig config = ConfigLoader.load(vertx, configFile, env, sets).toCompletionStage().toCompletableFuture().get();
            if (print) {
                out.println(ConfigLoader.printable(config));
                vertx.close();
                return 0;
            }
            if (listPlugins) {
                vertx.close();
                return listPlugins(config, env, out);
            }
            running.set(launch(vertx, config, env));
            return -1;
        } catch (ExecutionException e) {
            err.println("haste-gateway: " + e.getCause().getMessage());
        } catch (StartupException e) {
            err.println("haste-gateway: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("haste-gateway: interrupted during start");
        } catch (RuntimeException e) {
            err.println("haste-gateway: unexpected error during start: " + e);
        }
        vertx.close();
        return 1;
    }

    static String usage() {
        return """
                usage: haste-gateway [--config FILE] [--set key=value]... [--print-config | --list-plugins]
                  --config FILE     YAML or JSON configuration (keys: docs/configuration.md)
                  --set key=value   override one key, e.g. --set mqtt.host=broker.local (repeatable)
                  --print-config    print the effective configuration (secrets masked) and exit
                  --list-plugins    load the plugins as a start would, print what was found, enabled, refused and why, and exit
                                    (status 0 when none was refused, 3 otherwise)
                environment: HASTE_GATEWAY_<SECTION>__<KEY>=value overrides the file, e.g. HASTE_GATEWAY_MQTT__PORT=8883""";
    }

    /** {@code --list-plugins}: loads, starts and stops the plugins as a start would, prints each; 3 when any was refused. */
    private static int listPlugins(GatewayConfig config, Map<String, String> env, PrintStream out) throws StartupException {
        ModelCard card = card(config);
        try (PluginRuntime plugins = loadPlugins(config, card, env, new CompositeMeterRegistry(), new MqttPluginOutput(new Topics(config),
                config.gatewayId()))) {
            plugins.start();
            out.println("plugins of haste-gateway (plugin API " + PluginApi.VERSION + "):");
            plugins.status().forEach(st -> out.println("  " + st.line()));
            return plugins.refused().isEmpty() ? 0 : 3;
        }
    }

    private static ModelCard card(GatewayConfig config) throws StartupException {
        try {
            return ModelCard.read(Path.of(config.model().card()));
        } catch (ModelCard.ModelCardException e) {
            throw new StartupException(e.getMessage());
        }
    }

    /**
     * The built-in plugins' default folder: {@code plugins} next to the gateway's jar (next to
     * {@code target/classes} when run from a build: {@code daemon/target/plugins}).
     */
    static Path builtinPlugins() {
        try {
            Path code = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return code.toAbsolutePath().getParent().resolve("plugins");
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return Path.of("plugins").toAbsolutePath();
        }
    }

    private static PluginRuntime loadPlugins(GatewayConfig config, ModelCard card, Map<String, String> env, MeterRegistry meters,
                                             MqttOutput mqtt) {
        int[] chw = card.chw();
        GatewayConfig.Pipeline p = config.pipeline();
        Host host = new Host(config.gatewayId(), new ModelInfo(card.name(), chw[0], chw[1], chw[2], card.labels(),
                card.output().kind() == io.hastegw.op.card.OutputKind.PROBABILITIES || card.detector(), card.detector()),
                new PipelineLimits(p.maxPayloadBytes(), p.maxImagePixels(), p.decodeBudget(Runtime.getRuntime().maxMemory()),
                        config.plugins().stageTimeoutMs()),
                new Messages(config.gatewayId())::prediction,
                env.containsKey("STATE_DIRECTORY") ? Path.of(env.get("STATE_DIRECTORY").split(":")[0], "plugins")
                        : Path.of(System.getProperty("java.io.tmpdir"), "haste-gateway", "plugins"), mqtt);
        return PluginRuntime.load(config.plugins(), builtinPlugins(), host, meters, System.getProperty("user.name"));
    }

    private static Running launch(Vertx vertx, GatewayConfig configured, Map<String, String> env)
            throws StartupException, InterruptedException {
        ModelCard card = card(configured);
        OnnxEngine engine = openWithLargeStack(configured, card);
        EmbeddedBroker broker = null;
        GatewayConfig config = configured;
        if (configured.embeddedBroker()) {
            try {
                broker = EmbeddedBroker.start(Path.of(configured.mqtt().embeddedBrokerLib()));
            } catch (IOException e) {
                closeQuietly(engine);
                throw new StartupException(e.getMessage());
            }
            config = configured.withBroker("127.0.0.1", broker.port());
            LOG.info("embedded MQTT broker listening on 127.0.0.1:{} (no mqtt.host configured)", broker.port());
        }
        int level = config.model().level();
        if (level >= engine.levels()) {
            closeQuietly(engine);
            closeQuietly(broker);
            throw new StartupException("key 'model.level' must be 0 to " + (engine.levels() - 1) + " for " + config.model().path()
                    + " (got '" + level + "')");
        }
        CompositeMeterRegistry pluginMeters = new CompositeMeterRegistry();
        MqttPluginOutput pluginOutput = new MqttPluginOutput(new Topics(config), config.gatewayId());
        PluginRuntime plugins = loadPlugins(config, card, env, pluginMeters, pluginOutput);
        plugins.start();
        double[] levelMillis = engine.measuredLevelMillis();
        ControlPlane plane;
        EnergyAccounting energy;
        FrameProcessor processor;
        List<PostProcessor> chain = plugins.postProcessors(config.pipeline().postProcessors());
        try {
            plane = ControlPlane.create(config.control(), level, engine.levels(), levelMillis,
                    levelMillis.length > 0 ? levelMillis[0] : denseMillis(engine, card), env, plugins.policies(), System.nanoTime());
            energy = EnergyAccounting.create(config.energy(), SystemFiles.local(), config.model().intraOpThreads(), levelMillis,
                    energyModel(config, plugins));
            processor = new FrameProcessor(plugins.decoders(), preprocessor(config, card, plugins), engine, chain, plane.control(),
                    energy.estimator(), detectionStage(config, card));
        } catch (ControlPlane.SetupException | StartupException e) {
            plugins.close();
            closeQuietly(engine);
            closeQuietly(broker);
            throw new StartupException(e.getMessage());
        }
        if (chain.isEmpty()) {
            LOG.warn("no post-processor runs (the top-k plugin is not running): predictions carry no labels");
        }
        if (plugins.sinks().isEmpty()) {
            LOG.warn("no prediction sink runs (the mqtt-sink plugin is not running): predictions go nowhere");
        }
        Gateway gateway = new Gateway(config, engine, processor, plane, new BoardSampler(SystemFiles.local()), energy, plugins,
                pluginOutput);
        gateway.metrics().include(pluginMeters);
        engine.streams().ifPresent(gateway.metrics()::bind);
        try {
            vertx.deployVerticle(gateway).toCompletionStage().toCompletableFuture().get();
            if (config.http().enabled()) {
                vertx.deployVerticle(new HttpEndpoints(config.http(), gateway)).toCompletionStage().toCompletableFuture().get();
            }
        } catch (ExecutionException e) {
            plugins.close();
            closeQuietly(engine);
            closeQuietly(broker);
            throw new StartupException("cannot start: " + e.getCause().getMessage());
        }
        LOG.info("haste-gateway {} started: model {} level {} (control mode {}), frames from {}", config.gatewayId(), engine.modelName(),
                plane.control().getAsInt(), plane.control().settings().mode(), config.frameFilter());
        SystemdNotifier notifier = systemd(env);
        ServiceWatchdog watchdog = null;
        if (notifier != null) {
            String status = "STATUS=model " + engine.modelName() + " level " + plane.control().getAsInt() + " (control "
                    + plane.control().settings().mode() + "), frames from " + config.frameFilter();
            gateway.ready().onSuccess(v -> tellSystemd(notifier, "READY=1\n" + status));
            if (notifier.watchdog().isPresent()) {
                watchdog = new ServiceWatchdog(vertx, notifier, notifier.watchdog().get(), gateway::pipelineHealthy);
            }
        }
        Running running = new Running(vertx, gateway, engine, plugins, broker, config, config.pipeline().shutdownGraceMs(), notifier, watchdog);
        Signal.handle(new Signal("TERM"), s -> running.stopAndExit());
        Signal.handle(new Signal("INT"), s -> running.stopAndExit());
        return running;
    }

    /**
     * The energy model {@code energy.model} names. The default, the energy-profiles plugin's
     * {@code profile}, is absent on a board no profile matches (no estimates, as that plugin
     * logs); any other name must be registered by a running plugin.
     */
    private static Optional<EnergyModel> energyModel(GatewayConfig config, PluginRuntime plugins) throws StartupException {
        String name = config.energy().model();
        Optional<EnergyModel> model = plugins.energyModel(name);
        if (model.isEmpty() && !name.equals(EnergyAccounting.PROFILE_MODEL)) {
            throw new StartupException("key 'energy.model' names '" + name + "', which no running plugin registered (haste-gateway "
                    + "--list-plugins shows what runs)");
        }
        return model;
    }

    /** A detector's decoding and zones (empty for a classifier); a zone that does not fit the model stops the start. */
    private static Optional<DetectionStage> detectionStage(GatewayConfig config, ModelCard card) throws StartupException {
        try {
            return DetectionStage.of(card, config.detection());
        } catch (IllegalArgumentException e) {
            throw new StartupException(e.getMessage());
        }
    }

    /** The card's preprocessing, or the plugin preprocessor {@code pipeline.preprocessor} names. */
    private static ImagePreprocessor preprocessor(GatewayConfig config, ModelCard card, PluginRuntime plugins) throws StartupException {
        String name = config.pipeline().preprocessor();
        if (name.equals(CARD_PREPROCESSOR)) {
            return new CardPreprocessor(card);
        }
        return plugins.preprocessor(name).orElseThrow(() -> new StartupException("key 'pipeline.preprocessor' names '" + name
                + "', which no running plugin registered (haste-gateway --list-plugins shows what runs)"));
    }

    /**
     * Opens the model on a thread with a 16 MiB stack. ONNX Runtime 1.29's native initialisation
     * needs most of a default 1 MiB thread stack: started from the main thread of a JVM whose
     * command line is long (a classpath of a few KB), it crashed the process with SIGSEGV here.
     */
    /** Runs made to time the dense model when no cost plan measured it. */
    private static final int DENSE_TIMING_RUNS = 7;

    /**
     * The dense model's time on this device (median of {@value #DENSE_TIMING_RUNS} runs on a blank
     * input, the first left out as warm-up), for the controller's derived latency target when no
     * cost plan measured it.
     */
    private static double denseMillis(OnnxEngine engine, ModelCard card) throws StartupException {
        int[] chw = card.chw();
        InputTensor blank = new InputTensor(new float[chw[0] * chw[1] * chw[2]], new long[] {1, chw[0], chw[1], chw[2]});
        double[] ms = new double[DENSE_TIMING_RUNS];
        try {
            for (int i = 0; i < ms.length; i++) {
                long t = System.nanoTime();
                engine.run(blank, 0);
                ms[i] = (System.nanoTime() - t) / 1e6;
            }
        } catch (Exception e) {
            throw new StartupException("the model does not run on a blank input: " + e.getMessage());
        }
        double[] timed = Arrays.copyOfRange(ms, 1, ms.length);
        Arrays.sort(timed);
        return timed[timed.length / 2];
    }

    private static OnnxEngine openWithLargeStack(GatewayConfig config, ModelCard card) throws StartupException, InterruptedException {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread loader = new Thread(null, () -> {
            try {
                result.set(OnnxEngine.open(OrtEnvironment.getEnvironment(), config.model(), card));
            } catch (Exception | LinkageError e) {
                result.set(e);
            }
        }, "haste-model-loader", 16L << 20);
        loader.start();
        loader.join();
        if (result.get() instanceof OnnxEngine engine) {
            return engine;
        }
        throw new StartupException(((Throwable) result.get()).getMessage());
    }

    /** A start-up failure with a one-line reason. */
    static final class StartupException extends Exception {
        private static final long serialVersionUID = 1L;

        StartupException(String message) {
            super(message);
        }
    }

    /** The systemd notifier when started by systemd with NOTIFY_SOCKET, else null. */
    private static SystemdNotifier systemd(Map<String, String> env) throws StartupException {
        try {
            return SystemdNotifier.fromEnvironment(env).orElse(null);
        } catch (IOException e) {
            throw new StartupException("cannot open NOTIFY_SOCKET " + env.get("NOTIFY_SOCKET") + ": " + e.getMessage());
        }
    }

    private static void tellSystemd(SystemdNotifier notifier, String state) {
        try {
            notifier.send(state);
        } catch (IOException | RuntimeException e) {
            LOG.warn("systemd: cannot notify '{}': {}", state.lines().findFirst().orElse(""), e.getMessage());
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("close failed: {}", e.toString());
            }
        }
    }

    /** A started gateway. */
    public static final class Running {
        private final Vertx vertx;
        private final Gateway gateway;
        private final OnnxEngine engine;
        private final PluginRuntime plugins;
        private final EmbeddedBroker broker;
        private final GatewayConfig config;
        private final long graceMs;
        private final SystemdNotifier notifier;
        private final ServiceWatchdog watchdog;
        private boolean stopped;

        Running(Vertx vertx, Gateway gateway, OnnxEngine engine, PluginRuntime plugins, EmbeddedBroker broker, GatewayConfig config,
                long graceMs, SystemdNotifier notifier, ServiceWatchdog watchdog) {
            this.plugins = plugins;
            this.notifier = notifier;
            this.watchdog = watchdog;
            this.vertx = vertx;
            this.gateway = gateway;
            this.engine = engine;
            this.broker = broker;
            this.config = config;
            this.graceMs = graceMs;
        }

        /** The running gateway. */
        public Gateway gateway() {
            return gateway;
        }

        /** The effective configuration (with the embedded broker's address when one was started). */
        public GatewayConfig config() {
            return config;
        }

        /**
         * Drains, publishes offline, closes everything; returns when done (bounded by the grace
         * period + 10 s). Idempotent: a second call (a signal during a stop) waits for the first.
         * The model is closed only once no frame is running on it (closing a session under a
         * running inference crashes natively); when frames outlived the grace period it is left
         * to the process's exit.
         */
        public synchronized void stop() {
            if (stopped) {
                return;
            }
            stopped = true;
            if (notifier != null) {
                tellSystemd(notifier, "STOPPING=1");
            }
            closeQuietly(watchdog);
            CountDownLatch done = new CountDownLatch(1);
            gateway.drainAndClose(graceMs).eventually(() -> vertx.close()).onComplete(ar -> done.countDown());
            try {
                if (!done.await(graceMs + 10_000, TimeUnit.MILLISECONDS)) {
                    LOG.warn("shutdown: did not finish in time");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            plugins.stop(graceMs);
            int running = gateway.intake().inFlight();
            if (running == 0) {
                closeQuietly(engine);
            } else {
                LOG.warn("shutdown: {} frame(s) still running after the grace period; the model is left open for the process exit", running);
            }
            closeQuietly(broker);
            closeQuietly(notifier);
        }

        private void stopAndExit() {
            LOG.info("shutdown: signal received");
            stop();
            System.exit(0);
        }
    }
}
