package io.hastegw.daemon;

import ai.onnxruntime.OrtEnvironment;
import io.hastegw.daemon.config.ConfigLoader;
import io.hastegw.daemon.config.GatewayConfig;
import io.hastegw.daemon.control.ControlPlane;
import io.hastegw.daemon.energy.EnergyAccounting;
import io.hastegw.daemon.load.BoardSampler;
import io.hastegw.daemon.load.SystemFiles;
import io.hastegw.plugin.api.InputTensor;
import java.util.Arrays;
import io.hastegw.daemon.http.HttpEndpoints;
import io.hastegw.daemon.inference.OnnxEngine;
import io.hastegw.daemon.mqtt.EmbeddedBroker;
import io.hastegw.daemon.pipeline.CardPreprocessor;
import io.hastegw.daemon.pipeline.DecodeLimits;
import io.hastegw.daemon.pipeline.FrameProcessor;
import io.hastegw.daemon.pipeline.Gateway;
import io.hastegw.daemon.pipeline.ImageIoFrames;
import io.hastegw.daemon.pipeline.RawFrames;
import io.hastegw.daemon.pipeline.TopK;
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
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> configFile = i + 1 < args.length ? Path.of(args[++i]) : null;
                case "--set" -> {
                    if (i + 1 < args.length) {
                        sets.add(args[++i]);
                    }
                }
                case "--print-config" -> print = true;
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
                usage: haste-gateway [--config FILE] [--set key=value]... [--print-config]
                  --config FILE     YAML or JSON configuration (keys: docs/configuration.md)
                  --set key=value   override one key, e.g. --set mqtt.host=broker.local (repeatable)
                  --print-config    print the effective configuration (secrets masked) and exit
                environment: HASTE_GATEWAY_<SECTION>__<KEY>=value overrides the file, e.g. HASTE_GATEWAY_MQTT__PORT=8883""";
    }

    private static Running launch(Vertx vertx, GatewayConfig configured, Map<String, String> env)
            throws StartupException, InterruptedException {
        ModelCard card;
        try {
            card = ModelCard.read(Path.of(configured.model().card()));
        } catch (ModelCard.ModelCardException e) {
            throw new StartupException(e.getMessage());
        }
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
        double[] levelMillis = engine.measuredLevelMillis();
        ControlPlane plane;
        try {
            plane = ControlPlane.create(config.control(), level, engine.levels(), levelMillis,
                    levelMillis.length > 0 ? levelMillis[0] : denseMillis(engine, card), env, System.nanoTime());
        } catch (ControlPlane.SetupException e) {
            closeQuietly(engine);
            closeQuietly(broker);
            throw new StartupException(e.getMessage());
        }
        EnergyAccounting energy = EnergyAccounting.create(config.energy(), SystemFiles.local(), System.getProperty("os.arch"),
                config.model().intraOpThreads(), levelMillis);
        GatewayConfig.Pipeline pipeline = config.pipeline();
        int[] chw = card.chw();
        DecodeLimits limits = new DecodeLimits(pipeline.maxImagePixels(), chw[2], chw[1], pipeline.decodeBudget(Runtime.getRuntime().maxMemory()));
        FrameProcessor processor = new FrameProcessor(List.of(new ImageIoFrames(limits), new RawFrames(pipeline.maxImagePixels())),
                new CardPreprocessor(card), engine, new TopK(card.labels(), config.model().topK(), !"probabilities".equals(card.output().kind())),
                plane.control(), energy.estimator());
        Gateway gateway = new Gateway(config, engine, processor, plane, new BoardSampler(SystemFiles.local()), energy, List.of());
        engine.streams().ifPresent(gateway.metrics()::bind);
        try {
            vertx.deployVerticle(gateway).toCompletionStage().toCompletableFuture().get();
            if (config.http().enabled()) {
                vertx.deployVerticle(new HttpEndpoints(config.http(), gateway)).toCompletionStage().toCompletableFuture().get();
            }
        } catch (ExecutionException e) {
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
        Running running = new Running(vertx, gateway, engine, broker, config, config.pipeline().shutdownGraceMs(), notifier, watchdog);
        Signal.handle(new Signal("TERM"), s -> running.stopAndExit());
        Signal.handle(new Signal("INT"), s -> running.stopAndExit());
        return running;
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
        private final EmbeddedBroker broker;
        private final GatewayConfig config;
        private final long graceMs;
        private final SystemdNotifier notifier;
        private final ServiceWatchdog watchdog;

        Running(Vertx vertx, Gateway gateway, OnnxEngine engine, EmbeddedBroker broker, GatewayConfig config, long graceMs,
                SystemdNotifier notifier, ServiceWatchdog watchdog) {
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

        /** Drains, publishes offline, closes everything; returns when done (bounded by the grace period + 10 s). */
        public void stop() {
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
            closeQuietly(engine);
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
