package io.hastegw.daemon.pipeline;

import io.hastegw.daemon.config.GatewayConfig;
import io.hastegw.daemon.control.AdaptiveControl;
import io.hastegw.daemon.control.ControlRequestHandler;
import io.hastegw.daemon.control.ControlPlane;
import io.hastegw.daemon.control.ControlSettings;
import io.hastegw.daemon.control.Controller;
import io.hastegw.daemon.energy.EnergyAccounting;
import io.hastegw.daemon.detection.ZoneCounts;
import io.hastegw.daemon.homeassistant.HomeAssistantDiscovery;
import io.hastegw.daemon.http.FrameRenderer;
import io.hastegw.daemon.http.LatestFrames;
import io.hastegw.daemon.load.BoardSampler;
import io.hastegw.daemon.messages.Messages;
import io.hastegw.daemon.mqtt.IncomingMessage;
import io.hastegw.daemon.mqtt.BrokerLink;
import io.hastegw.daemon.mqtt.OutgoingMessage;
import io.hastegw.daemon.mqtt.Topics;
import io.hastegw.daemon.plugin.DeliverySink;
import io.hastegw.daemon.plugin.PluginRuntime;
import io.hastegw.plugin.api.Frame;
import io.hastegw.plugin.api.FrameHeaders;
import io.hastegw.plugin.api.InferenceEngine;
import io.hastegw.plugin.api.Prediction;
import io.hastegw.plugin.api.RejectReason;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's core loop, one verticle: frames arrive from {@link BrokerLink} on this
 * verticle's event loop, are checked (topic, size) and queued in {@link FrameIntake}; workers of
 * a dedicated, bounded {@link WorkerExecutor} (and one more worker, the heavy lane, for expensive
 * frames) run {@link FrameProcessor}; predictions and error
 * events are published from the event loop. Control commands arrive on the same loop (their
 * protocol is {@link ControlRequestHandler}'s; this class publishes its replies), as do the
 * board's load readings each sampling period (read off the loop), which drive the compression
 * controller ({@link AdaptiveControl}): its level goes to the next frames, its shedding drops
 * frames fairly per camera before they queue. Plugins' frame sources feed the same path as MQTT
 * frames; each prediction is encoded once, published on its camera's predictions topic, then handed,
 * encoded, to the sinks (each plugin sink through its own bounded queue); a plugin refused
 * at start or disabled for failing is reported as an error event. The event loop never decodes
 * nor infers.
 */
public final class Gateway extends VerticleBase {
    /** How long in-flight frames may go without any finishing before the pipeline counts as stuck. */
    public static final long STUCK_AFTER_MS = 30_000;
    /** Error reason of refused control commands (error schema). */
    private static final String INVALID_COMMAND = "invalid_command";
    /** Error events kept for the console. */
    static final int RECENT_ERRORS = 20;
    /** Where console commands come from, in logs and error events. */
    static final String CONSOLE_SOURCE = "console";
    /** Error reason of a plugin refused at start (error schema). */
    static final String PLUGIN_REFUSED = "plugin_refused";
    /** Error reason of a plugin disabled after failing too often (error schema). */
    static final String PLUGIN_DISABLED = "plugin_disabled";
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private final InferenceEngine engine;
    private final FrameProcessor processor;
    private final Topics topics;
    private final Messages messages;
    private final FrameIntake intake;
    private final CameraTracker cameras;
    private final GatewayMetrics metrics;
    private final ControlPlane plane;
    private final AdaptiveControl control;
    private final BoardSampler sampler;
    private final FrameShedder shedder = new FrameShedder();
    private final RecentErrors errors = new RecentErrors(RECENT_ERRORS);
    /** Home Assistant discovery when configured. */
    private final Optional<HomeAssistantBridge> homeAssistant;
    /** Control commands in, their replies out. */
    private final ControlRequestHandler commands;
    private final EnergyAccounting energy;
    private final List<DeliverySink> sinks = new ArrayList<>();
    private final PluginRuntime plugins;
    private final BrokerLink mqtt;
    /** Each camera's latest frame and prediction, for /cameras/<id>/latest.jpg and the console. */
    private final LatestFrames latest;
    /** A detector's zone counts and events; empty for a classifier. */
    private final Optional<ZoneReporter> zones;
    private WorkerExecutor workers;
    /** One worker for heavy frames (huge images, expensive cameras): they never make cheap frames wait. */
    private WorkerExecutor heavyLane;
    private volatile boolean accepting = true;
    private Promise<Void> drained;
    private Future<Void> firstReady;
    private volatile long lastProgressNanos = System.nanoTime();
    private boolean startProblemReported;
    private boolean refusalsReported;

    /**
     * @param processor  the stages up to post-processing
     * @param plane      the compression control (the processor reads the same control's level)
     * @param sampler    reads the board's load each sampling period
     * @param energy     energy totals and the board's meter
     * @param plugins    the plugins: their sinks get every prediction after it is published, their sources feed frames,
     *                   their faults are reported
     * @param mqtt       the connection, not started yet (the gateway starts it with its subscriptions)
     */
    public Gateway(GatewayConfig config, InferenceEngine engine, FrameProcessor processor, ControlPlane plane, BoardSampler sampler,
                   EnergyAccounting energy, PluginRuntime plugins, BrokerLink mqtt) {
        this.config = config;
        this.plugins = plugins;
        this.mqtt = mqtt;
        this.engine = engine;
        this.processor = processor;
        this.plane = plane;
        this.control = plane.control();
        this.sampler = sampler;
        this.energy = energy;
        this.topics = new Topics(config);
        this.messages = new Messages(config.gatewayId());
        GatewayConfig.Pipeline p = config.pipeline();
        long heap = Runtime.getRuntime().maxMemory();
        this.intake = new FrameIntake(p.queuePerCamera(), p.maxInFlight(), p.dropPolicy().equals("drop_oldest"), p.maxCameras(),
                p.queuedBytesBudget(heap), p.heavyImagePixels());
        this.cameras = new CameraTracker(p.maxCameraIdLength(), p.maxTrackedCameras(), TimeUnit.SECONDS.toNanos(p.cameraIdleSeconds()),
                System::nanoTime);
        this.metrics = new GatewayMetrics(intake::queued, intake::inFlight, () -> mqtt.isReady() ? 1 : 0);
        metrics.bind(new ControlMetrics(control));
        this.homeAssistant = config.homeassistant().enabled() ? Optional.of(new HomeAssistantBridge(new HomeAssistantDiscovery(
                config.homeassistant().discoveryPrefix(), config.gatewayId(), engine.modelName(), version(), processor.detection().isPresent()),
                this::publish, messages, metrics, control)) : Optional.empty();
        this.commands = new ControlRequestHandler(topics, messages, plane, engine.modelName(), new ControlRequestHandler.Effects() {
            @Override
            public byte[] refused(String message, String source) {
                return controlError(message, source);
            }

            @Override
            public void apply(ControlSettings settings, String source) {
                Gateway.this.apply(settings, source);
            }
        });
        // Nothing is kept when no HTTP endpoint could serve it.
        this.latest = new LatestFrames(config.http().enabled() ? config.http().latestFramesMb() << 20 : 0, new FrameRenderer(processor::decode));
        this.zones = processor.detection().map(d -> {
            ZoneCounts counts = new ZoneCounts(d.zones());
            metrics.bind(counts);
            return new ZoneReporter(counts, topics, messages, homeAssistant.map(HomeAssistantBridge::discovery), this::publish);
        });
    }

    @Override
    public Future<?> start() {
        workers = vertx.createSharedWorkerExecutor("haste-inference-" + config.gatewayId(), config.pipeline().workers());
        heavyLane = vertx.createSharedWorkerExecutor("haste-heavy-" + config.gatewayId(), 1);
        sinks.addAll(plugins.sinks());
        plugins.listen((plugin, reason) -> context.runOnContext(v -> pluginError(PLUGIN_DISABLED, "plugin '" + plugin + "' disabled: " + reason)));
        firstReady = mqtt.start(context, topics.subscriptions(config.mqtt().qos()), this::onConnected, this::onMessage);
        firstReady.onSuccess(v -> plugins.startSources(this::fromSource,
                (plugin, reason) -> context.runOnContext(x -> pluginError(PLUGIN_REFUSED, "frame source of plugin '" + plugin + "' not started: " + reason))));
        long idleMs = TimeUnit.SECONDS.toMillis(config.pipeline().cameraIdleSeconds());
        vertx.setPeriodic(Math.max(250, Math.min(idleMs / 2, 60_000)), t -> cameras.expire().forEach(this::forget));
        vertx.setPeriodic(plane.periodMs(), t -> sample());
        vertx.setPeriodic(energy.summaryPeriodMs(), t -> publishEnergy());
        homeAssistant.ifPresent(ha -> vertx.setPeriodic(TimeUnit.SECONDS.toMillis(config.homeassistant().statsPeriodS()), t -> ha.publishStats()));
        return Future.succeededFuture();
    }

    /** The board's reading and its meter's joules (NaN without a meter) of one sampling period. */
    private record Sample(BoardSampler.Reading reading, double meterJoules) {}

    /** One sampling period: the board (and its meter) is read off the event loop, the controller decides on it. */
    private void sample() {
        vertx.executeBlocking(() -> new Sample(sampler.sample(),
                energy.meter().map(m -> m.joules(System.nanoTime()).orElse(Double.NaN)).orElse(Double.NaN)), false).onSuccess(sample -> {
            if (!Double.isNaN(sample.meterJoules())) {
                energy.ledger().meter(sample.meterJoules());
            }
            Controller.Step step = control.tick(sample.reading(), intake.queued(), System.nanoTime());
            if (step.changed()) {
                controlChanged();
            }
        }).onFailure(e -> LOG.warn("load sampling failed: {}", e.toString()));
    }

    /** The energy summary of the period that ends now (retained). */
    private void publishEnergy() {
        publish(OutgoingMessage.json(topics.energy(), messages.energySummary(energy.ledger().closePeriod(energy.summaryPeriodMs() / 1000.0)), 1,
                true));
    }

    /** The level or the shedding changed: logged with its reason, counted, published (retained). */
    private void controlChanged() {
        Controller.Decision d = control.decision();
        LOG.info("control: level {}, {}: {}", d.level(), d.shedEvery() == 1 ? "every frame served" : "1 frame in " + d.shedEvery() + " per camera",
                d.reason());
        publishState();
    }

    /** The gateway's version (the jar's), or {@code dev} in a build. */
    private static String version() {
        String v = Gateway.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** Forgets a camera gone idle: its metrics series, and what the engine kept for it (off the event loop: it may wait for its frame). */
    private void forget(String camera) {
        homeAssistant.ifPresent(ha -> ha.forget(camera));
        metrics.forget(camera);
        latest.forget(camera);
        shedder.forget(camera);
        energy.ledger().forget(camera);
        workers.executeBlocking(() -> {
            engine.forget(camera);
            return null;
        }, false);
    }

    /** Completes when the broker connection and the frame subscription are first up. */
    public Future<Void> ready() {
        return firstReady;
    }

    /**
     * Whether the pipeline works: false when frames are in flight but none has finished for
     * {@value #STUCK_AFTER_MS} ms (a hung decoder or inference). Broker outages do not count:
     * the connection recovers by itself, and a restart would not bring the broker back.
     */
    public boolean pipelineHealthy() {
        return intake.inFlight() == 0 || System.nanoTime() - lastProgressNanos < STUCK_AFTER_MS * 1_000_000L;
    }

    /** The compression level in use. */
    public int level() {
        return control.getAsInt();
    }

    /** The control state as published on control/state (for /status). */
    public Map<String, Object> controlState() {
        return plane.state();
    }

    /** The compression control (for /status). */
    public AdaptiveControl control() {
        return control;
    }

    /** The metrics (for /metrics and /status). */
    public GatewayMetrics metrics() {
        return metrics;
    }

    /** The broker connection (for /health). */
    public BrokerLink mqtt() {
        return mqtt;
    }

    /** The queue (for /health and /status); read it on this verticle's context. */
    public FrameIntake intake() {
        return intake;
    }

    /** The plugins (for /status). */
    public PluginRuntime plugins() {
        return plugins;
    }

    /** The model. */
    public InferenceEngine engine() {
        return engine;
    }

    /** Each camera's latest frame (for /cameras/<id>/latest.jpg). */
    public LatestFrames latestFrames() {
        return latest;
    }

    private byte[] statusPayload(String state, String detail) {
        return messages.status(state, engine.modelName(), control.getAsInt(), detail);
    }

    /** The retained state: online status, level (v1) and control state (v2). */
    private void publishState() {
        publish(OutgoingMessage.plain(topics.status(), statusPayload("online", null), 1, true));
        publish(OutgoingMessage.json(topics.levelState(), messages.level(control.getAsInt(), control.levels(), engine.modelName()), 1, true));
        publish(OutgoingMessage.json(topics.controlState(), messages.controlState(plane.state()), 1, true));
    }

    /** Once connected: the retained state, Home Assistant's gateway entities, a state-file problem found at start, and the plugins refused at start. */
    private void onConnected() {
        publishState();
        homeAssistant.ifPresent(ha -> ha.connected(plane.auth().isEmpty()));
        zones.ifPresent(ZoneReporter::connected);
        if (plane.startProblem() != null && !startProblemReported) {
            startProblemReported = true;
            controlError(plane.startProblem(), topics.controlSet());
        }
        if (!refusalsReported) {
            refusalsReported = true;
            plugins.refused().forEach(r -> pluginError(PLUGIN_REFUSED, "plugin " + (r.id() == null ? r.location()
                    : "'" + r.id() + "'" + (r.location() == null ? "" : " (" + r.location() + ")")) + " refused: " + r.reason()));
        }
    }

    /** A plugin refused or disabled: an error event on the errors topic (the log line is the runtime's). */
    private void pluginError(String reason, String message) {
        publishError(reason, message, topics.errors(), null, null, 1);
    }

    /** An error event: counted, kept among the recent ones (console), published on the errors topic. */
    private byte[] publishError(String reason, String message, String topic, String cameraId, String frameId, int qos) {
        metrics.error(reason);
        errors.add(new RecentErrors.Entry(System.currentTimeMillis(), reason, message, cameraId, frameId));
        byte[] error = messages.error(reason, message, topic, cameraId, frameId);
        publish(OutgoingMessage.json(topics.errors(), error, qos, false));
        return error;
    }

    /** A frame from a plugin's source: into the same path as MQTT frames, on this verticle's event loop. */
    private boolean fromSource(Frame frame) {
        if (!accepting) {
            return false;
        }
        context.runOnContext(v -> {
            if (frame.cameraId() == null || frame.cameraId().isEmpty() || frame.cameraId().matches(".*[/+#\\u0000].*")) {
                reject(RejectReason.BAD_TOPIC, "a plugin source's camera id '" + frame.cameraId() + "' is empty or holds / + # or NUL",
                        topics.errors(), null, frame.frameId());
                return;
            }
            admit(frame, topicOf(frame));
        });
        return true;
    }

    /**
     * A control v2 {@code set} command from the operator console (already authorised by its
     * token): the same validation as over MQTT; completes with the ack.
     */
    public Future<byte[]> consoleSet(byte[] payload) {
        Promise<byte[]> answer = Promise.promise();
        context.runOnContext(v -> answer.complete(commands.set(payload, CONSOLE_SOURCE)));
        return answer.future();
    }

    /** The last error events (newest first), for the console. */
    public RecentErrors errors() {
        return errors;
    }

    /** Puts accepted settings in force, publishes the state and saves them (off the event loop) when a state file is configured. */
    private void apply(ControlSettings settings, String topic) {
        boolean moved = control.apply(settings, System.nanoTime());
        LOG.info("control: settings from {}: {}", topic, AdaptiveControl.settingsJson(settings));
        if (moved) {
            controlChanged();
        } else {
            publishState();
        }
        plane.store().ifPresent(store -> vertx.executeBlocking(() -> {
            store.write(settings);
            return null;
        }, true).onFailure(e -> {
            LOG.error("control: cannot save the settings to {}: {}", store.path(), e.toString());
            controlError("settings applied but not saved to " + store.path() + " (they will not survive a restart): " + e.getMessage(), topic);
        }));
    }

    private byte[] controlError(String message, String topic) {
        return publishError(INVALID_COMMAND, message, topic, null, null, 0);
    }

    /** Publishes on the broker connection once it exists; false when the message was dropped. */
    private boolean publish(OutgoingMessage message) {
        return mqtt.publish(message);
    }

    private void onMessage(IncomingMessage m) {
        if (topics.isControl(m.topic())) {
            commands.handle(m).ifPresent(this::publish);
            return;
        }
        Optional<String> camera = topics.cameraId(m.topic());
        if (camera.isEmpty()) {
            reject(RejectReason.BAD_TOPIC, "topic '" + m.topic() + "' does not match " + config.frameFilter() + " with a camera id",
                    m.topic(), null, m.userProperties().get("frame_id"));
            return;
        }
        admit(new Frame(camera.get(), m.userProperties().get("frame_id"), m.payload(), m.contentType(), m.userProperties(),
                m.correlationData(), m.receivedNanos()), m.topic());
    }

    /** A frame from MQTT ({@code topic} its topic) or a plugin's source: checked, shed or queued, then the workers are fed. */
    private void admit(Frame frame, String topic) {
        String cameraId = frame.cameraId();
        String frameId = frame.frameId();
        Optional<String> badCamera = cameras.refusal(cameraId);
        if (badCamera.isPresent()) {
            reject(RejectReason.BAD_TOPIC, badCamera.get(), topic, null, frameId);
            return;
        }
        String series = cameras.series(cameraId);
        metrics.received(series);
        if (!accepting) {
            return;
        }
        if (frame.payload().length > config.pipeline().maxPayloadBytes()) {
            reject(RejectReason.PAYLOAD_TOO_LARGE, "payload of " + frame.payload().length + " bytes exceeds pipeline.max_payload_bytes = "
                    + config.pipeline().maxPayloadBytes(), topic, cameraId, frameId);
            return;
        }
        if (!shedder.keep(series, control.shedEvery())) {
            metrics.shed(series);
            return;
        }
        long pixels = FrameFormats.detect(frame.contentType(), frame.payload()).map(f -> FrameHeaders.pixels(frame.payload(), f)).orElse(0L);
        switch (intake.offer(frame, pixels)) {
            case QUEUED -> { }
            case QUEUED_DROPPED_OLDEST, DROPPED_NEWEST, DROPPED_BYTES -> {
                metrics.dropped(series);
                control.dropped(System.nanoTime());
            }
            case TOO_MANY_CAMERAS -> reject(RejectReason.DROPPED, "more than pipeline.max_cameras = " + config.pipeline().maxCameras()
                    + " cameras have frames waiting", topic, cameraId, frameId);
        }
        pump();
    }

    private void pump() {
        Optional<FrameIntake.Dispatch> next;
        while ((next = intake.next()).isPresent()) {
            FrameIntake.Dispatch dispatch = next.get();
            Frame frame = dispatch.frame();
            if (intake.inFlight() == 1) {
                lastProgressNanos = System.nanoTime();
            }
            long wallMillis = System.currentTimeMillis() - (System.nanoTime() - frame.receivedNanos()) / 1_000_000;
            (dispatch.heavy() ? heavyLane : workers).executeBlocking(() -> processor.process(frame, wallMillis), false).onComplete(ar -> {
                boolean ok = ar.succeeded();
                intake.done(dispatch, ok ? ar.result().costNanos() : 0, ok && ar.result().prediction() != null);
                lastProgressNanos = System.nanoTime();
                if (ok) {
                    deliver(frame, ar.result());
                } else {
                    reject(RejectReason.PLUGIN_FAILED, "processing failed: " + ar.cause(), topicOf(frame), frame.cameraId(), frame.frameId());
                }
                if (drained != null && intake.inFlight() == 0) {
                    drained.tryComplete();
                }
                pump();
            });
        }
    }

    private void deliver(Frame frame, Outcome outcome) {
        if (outcome.prediction() != null) {
            Prediction p = outcome.prediction();
            byte[] message = messages.prediction(p);
            if (config.mqtt().publishPredictions() && !publish(new OutgoingMessage(topics.predictions(frame.cameraId()), message,
                    config.mqtt().predictionQos(), false, "application/json", p.correlationData(), p.userProperties()))) {
                metrics.predictionUnsent();
            }
            for (DeliverySink sink : sinks) {
                try {
                    sink.deliver(p, message);
                } catch (Exception e) {
                    LOG.warn("prediction sink {} failed: {}", sink.getClass().getName(), e.toString());
                    metrics.error(RejectReason.PLUGIN_FAILED.wireName());
                }
            }
            Prediction.Latency latency = outcome.prediction().latency();
            latest.put(frame.cameraId(), frame, outcome.prediction());
            zones.ifPresent(z -> z.predicted(frame, outcome.prediction()));
            String series = cameras.series(frame.cameraId());
            homeAssistant.ifPresent(ha -> ha.predicted(frame.cameraId(), series));
            metrics.processed(series, latency.totalMs(), latency.inferenceMs());
            if (outcome.prediction().energy() != null) {
                energy.ledger().add(series, outcome.prediction().energy());
                metrics.energy(series, outcome.prediction().energy());
            }
            control.predicted(System.nanoTime(), latency.totalMs(), latency.inferenceMs(), latency.queueMs());
        } else {
            reject(outcome.reason(), outcome.message(), topicOf(frame), frame.cameraId(), frame.frameId());
        }
    }

    private String topicOf(Frame frame) {
        return config.frameFilter().replace("+", frame.cameraId());
    }

    private void reject(RejectReason reason, String message, String topic, String cameraId, String frameId) {
        LOG.debug("frame rejected ({}): {}", reason.wireName(), message);
        publishError(reason.wireName(), message, topic, cameraId, frameId, 0);
    }

    /**
     * Graceful stop: no new frames (unsubscribe), waiting frames dropped, in-flight frames finish
     * within {@code graceMs}, then the retained status says offline and the connection closes.
     */
    public Future<Void> drainAndClose(long graceMs) {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            accepting = false;
            int dropped = intake.clear();
            LOG.info("shutdown: intake stopped, {} waiting frame(s) dropped, {} in flight", dropped, intake.inFlight());
            drained = Promise.promise();
            if (intake.inFlight() == 0) {
                drained.tryComplete();
            }
            long timer = vertx.setTimer(Math.max(1, graceMs), t -> drained.tryComplete());
            mqtt.unsubscribe(topics.frameSubscription())
                    .compose(x -> drained.future())
                    .compose(x -> {
                        vertx.cancelTimer(timer);
                        return mqtt.close(statusPayload("offline", "shut down"));
                    })
                    .onComplete(ar -> done.complete());
        });
        return done.future();
    }

    @Override
    public Future<?> stop() {
        return workers == null ? Future.succeededFuture() : Future.all(workers.close(), heavyLane.close());
    }
}
