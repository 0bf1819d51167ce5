package io.hastegw.daemon;

import io.hastegw.daemon.config.GatewayConfig;
import io.hastegw.daemon.control.ControlPlane;
import io.hastegw.daemon.control.ModelTiming;
import io.hastegw.daemon.energy.EnergyAccounting;
import io.hastegw.daemon.http.HttpEndpoints;
import io.hastegw.daemon.inference.OnnxEngine;
import io.hastegw.daemon.load.BoardSampler;
import io.hastegw.daemon.load.SystemFiles;
import io.hastegw.daemon.messages.Messages;
import io.hastegw.daemon.mqtt.BrokerLink;
import io.hastegw.daemon.mqtt.EmbeddedBroker;
import io.hastegw.daemon.mqtt.MqttConnection;
import io.hastegw.daemon.mqtt.MqttPluginOutput;
import io.hastegw.daemon.mqtt.Topics;
import io.hastegw.daemon.pipeline.FrameProcessor;
import io.hastegw.daemon.pipeline.Gateway;
import io.hastegw.daemon.plugin.PluginRuntime;
import io.hastegw.daemon.plugin.PluginSafety;
import io.hastegw.daemon.systemd.SystemdIntegration;
import io.hastegw.op.card.ModelCard;
import io.hastegw.plugin.api.PostProcessor;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The composition root: opens the model, the embedded broker when no broker is configured, the
 * plugins, the control plane and energy accounting, builds the pipeline, deploys the gateway and
 * its HTTP endpoints, and tells systemd. Everything it opens goes on one {@link CloseList}, so a
 * failed start and a stop close the same things the same way.
 */
final class GatewayLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayLauncher.class);

    private GatewayLauncher() {}

    /** Opens the gateway's broker connection: the configuration, its topics, the last will. */
    interface LinkFactory {
        BrokerLink open(GatewayConfig config, Topics topics, byte[] lastWill);
    }

    /** Starts the gateway {@code config} describes on {@code vertx}; on failure everything opened is closed again. */
    static RunningGateway launch(Vertx vertx, GatewayConfig config, Map<String, String> env) throws StartupException, InterruptedException {
        return launch(vertx, config, env, (c, topics, will) -> new MqttConnection(vertx, c, topics, will));
    }

    /** {@link #launch(Vertx, GatewayConfig, Map)} with the broker connection {@code links} opens (an in-process test's, without a broker). */
    static RunningGateway launch(Vertx vertx, GatewayConfig config, Map<String, String> env, LinkFactory links)
            throws StartupException, InterruptedException {
        CloseList closing = new CloseList();
        try {
            return assemble(vertx, config, env, links, closing);
        } catch (StartupException | InterruptedException | RuntimeException e) {
            closing.close();
            throw e;
        }
    }

    private static RunningGateway assemble(Vertx vertx, GatewayConfig configured, Map<String, String> env, LinkFactory links, CloseList closing)
            throws StartupException, InterruptedException {
        ModelCard card = ModelOpener.card(configured);
        OnnxEngine engine = ModelOpener.open(configured, card);
        AtomicBoolean framesRunning = new AtomicBoolean();
        closing.add("the model", () -> {
            if (framesRunning.get()) {
                LOG.warn("shutdown: frames still running after the grace period; the model is left open for the process exit");
            } else {
                engine.close();
            }
        });
        GatewayConfig config = withBroker(configured, closing);
        int level = config.model().level();
        if (level >= engine.levels()) {
            throw new StartupException("key 'model.level' must be 0 to " + (engine.levels() - 1) + " for " + config.model().path()
                    + " (got '" + level + "')");
        }
        CompositeMeterRegistry pluginMeters = new CompositeMeterRegistry();
        Topics topics = new Topics(config);
        BrokerLink mqtt = links.open(config, topics, new Messages(config.gatewayId()).lastWill(engine.modelName()));
        PluginRuntime plugins = PipelineParts.plugins(config, card, env, pluginMeters, new MqttPluginOutput(topics, config.gatewayId(), mqtt),
                pluginSafety(config, env));
        closing.add("the plugins", () -> plugins.stop(config.pipeline().shutdownGraceMs()));
        Thread witness = ExitWitness.register(plugins);
        closing.add("the exit witness", () -> ExitWitness.remove(witness));
        plugins.start();
        double[] levelMillis = engine.measuredLevelMillis();
        Supplier<List<PostProcessor>> chain = plugins.postProcessors(config.pipeline().postProcessors());
        ControlPlane plane;
        try {
            ModelTiming timing = new ModelTiming(engine.levels(), levelMillis, levelMillis.length > 0 ? levelMillis[0]
                    : ModelOpener.denseMillis(engine, card));
            plane = ControlPlane.create(config.control(), level, timing, env, plugins.policies(), System.nanoTime());
        } catch (ControlPlane.SetupException e) {
            throw new StartupException(e.getMessage(), e);
        }
        EnergyAccounting energy = EnergyAccounting.create(config.energy(), SystemFiles.local(), config.model().intraOpThreads(), levelMillis,
                PipelineParts.energyModel(config, plugins));
        FrameProcessor processor = new FrameProcessor(plugins.decoders(), PipelineParts.preprocessor(config, card, plugins), engine, chain,
                plane.control(), energy.estimator(), PipelineParts.detectionStage(config, card));
        if (chain.get().isEmpty()) {
            LOG.warn("no post-processor runs (the top-k plugin is not running): predictions carry no labels");
        }
        if (!config.mqtt().publishPredictions() && plugins.sinks().isEmpty()) {
            LOG.warn("mqtt.publish_predictions is false and no prediction sink runs: predictions go nowhere");
        }
        Gateway gateway = new Gateway(config, processor, plane, new BoardSampler(SystemFiles.local()), energy, plugins, mqtt);
        closing.add("the frames' check", () -> framesRunning.set(gateway.inFlight() > 0));
        gateway.metrics().include(pluginMeters);
        engine.streams().ifPresent(gateway.metrics()::bind);
        deploy(vertx, config, gateway);
        LOG.info("haste-gateway {} started: model {} level {} (control mode {}), frames from {}", config.gatewayId(), engine.modelName(),
                plane.control().getAsInt(), plane.control().settings().mode(), config.frameFilter());
        SystemdIntegration systemd = systemd(env, closing);
        systemd.started(vertx, gateway.ready(), "model " + engine.modelName() + " level " + plane.control().getAsInt() + " (control "
                + plane.control().settings().mode() + "), frames from " + config.frameFilter(), gateway::pipelineHealthy);
        RunningGateway running = new RunningGateway(vertx, gateway, config, systemd, closing);
        Signal.handle(new Signal("TERM"), s -> running.stopAndExit());
        Signal.handle(new Signal("INT"), s -> running.stopAndExit());
        return running;
    }

    /** {@code configured}, or, when it names no broker, the embedded broker started here and the configuration pointing at it. */
    private static GatewayConfig withBroker(GatewayConfig configured, CloseList closing) throws StartupException {
        if (!configured.embeddedBroker()) {
            return configured;
        }
        try {
            EmbeddedBroker broker = closing.add("the embedded broker", EmbeddedBroker.start(Path.of(configured.mqtt().embeddedBrokerLib())));
            LOG.info("embedded MQTT broker listening on 127.0.0.1:{} (no mqtt.host configured)", broker.port());
            return configured.withBroker("127.0.0.1", broker.port());
        } catch (IOException e) {
            throw new StartupException(e.getMessage(), e);
        }
    }

    private static void deploy(Vertx vertx, GatewayConfig config, Gateway gateway) throws StartupException, InterruptedException {
        try {
            vertx.deployVerticle(gateway).toCompletionStage().toCompletableFuture().get();
            if (config.http().enabled()) {
                vertx.deployVerticle(new HttpEndpoints(config.http(), gateway)).toCompletionStage().toCompletableFuture().get();
            }
        } catch (ExecutionException e) {
            throw new StartupException("cannot start: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private static SystemdIntegration systemd(Map<String, String> env, CloseList closing) throws StartupException {
        try {
            return closing.add("the systemd notifier", SystemdIntegration.fromEnvironment(env));
        } catch (IOException e) {
            throw new StartupException("cannot open NOTIFY_SOCKET " + env.get("NOTIFY_SOCKET") + ": " + e.getMessage(), e);
        }
    }

    /** The plugins' call ledger and quarantine; a folder or file that cannot be used is logged, and they are kept in memory only. */
    private static PluginSafety pluginSafety(GatewayConfig config, Map<String, String> env) {
        java.util.Optional<java.nio.file.Path> dir = config.plugins().stateFolder(env);
        try {
            return PluginSafety.forRun(dir);
        } catch (java.io.IOException e) {
            LOG.error("plugins: no crash attribution or quarantine across restarts: {} (plugins.state_dir {})", e.getMessage(), dir.orElse(null));
            return PluginSafety.inMemory();
        }
    }
}
