package io.hastegw.daemon.pipeline;

import io.hastegw.daemon.config.ConfigEnums.DropPolicy;
import io.hastegw.daemon.config.GatewayConfig;
import io.hastegw.daemon.config.PipelineSection;
import io.hastegw.daemon.control.AdaptiveControl;
import io.hastegw.daemon.control.ControlPlane;
import io.hastegw.daemon.control.ControlRequestHandler;
import io.hastegw.daemon.control.PluginCommandHandler;
import io.hastegw.daemon.plugin.PluginSwitch;
import io.hastegw.daemon.detection.ZoneCounts;
import io.hastegw.daemon.energy.EnergyAccounting;
import io.hastegw.daemon.http.FrameRenderer;
import io.hastegw.daemon.http.LatestFrames;
import io.hastegw.daemon.load.BoardSampler;
import io.hastegw.daemon.messages.ErrorReason;
import io.hastegw.daemon.messages.Messages;
import io.hastegw.daemon.mqtt.BrokerLink;
import io.hastegw.daemon.mqtt.IncomingMessage;
import io.hastegw.daemon.mqtt.OutgoingMessage;
import io.hastegw.daemon.mqtt.Subscription;
import io.hastegw.daemon.mqtt.Topics;
import io.hastegw.daemon.plugin.PluginRuntime;
import io.hastegw.plugin.api.Frame;
import io.hastegw.plugin.api.InferenceEngine;
import io.hastegw.plugin.api.Prediction;
import io.hastegw.plugin.api.RejectReason;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's core loop, one verticle: admit, pump, deliver, drain. Frames arrive from the
 * {@link BrokerLink} or a plugin's source on this verticle's event loop and are admitted by
 * {@link FrameAdmission} into {@link FrameIntake}; workers of a dedicated, bounded
 * {@link WorkerExecutor} (and one more worker, the heavy lane, for expensive frames) decode and
 * infer ({@link FrameProcessor#infer}), then each camera's {@link PostLanes} lane post-processes;
 * back on the loop each prediction is encoded once, published on its
 * camera's predictions topic and handed, encoded, to the plugin sinks. Its collaborators:
 * {@link EventPublisher} (error events, retained state), {@link ControlLoop} (the controller's
 * sampling and settings; control commands through {@link ControlRequestHandler}),
 * {@link HomeAssistantBridge}, {@link ZoneReporter}. The HTTP endpoints read a
 * {@link GatewayStatus} snapshot. The event loop never decodes nor infers.
 */
public final class Gateway extends VerticleBase {
    /** How long in-flight frames may go without any finishing before the pipeline counts as stuck. */
    public static final long STUCK_AFTER_MS = 30_000;
    /** Where console commands come from, in logs and error events. */
    static final String CONSOLE_SOURCE = "console";
    /** Cameras whose frames are post-processed at once (each camera's own frames one at a time). */
    private static final int POST_LANE_THREADS = 8;
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
    /** Error events and the retained state. */
    private final EventPublisher events;
    private final BoardSampler sampler;
    /** Home Assistant discovery when configured. */
    private final Optional<HomeAssistantBridge> homeAssistant;
    private final EnergyAccounting energy;
    private final PluginRuntime plugins;
    private final BrokerLink mqtt;
    /** Each camera's latest frame and prediction, for /cameras/<id>/latest.jpg and the console. */
    private final LatestFrames latest;
    /** A detector's zone counts and events; empty for a classifier. */
    private final Optional<ZoneReporter> zones;
    /** The controller's sampling, decisions and settings (made at start: it needs Vert.x). */
    private ControlLoop controlLoop;
    /** Control commands in, their replies out (made at start: it applies through the control loop). */
    private ControlRequestHandler commands;
    /** Plugin commands in (enable, disable, reload), their answers out. */
    private PluginCommandHandler pluginCommands;
    private WorkerExecutor workers;
    /** One worker for heavy frames (huge images, expensive cameras): they never make cheap frames wait. */
    private WorkerExecutor heavyLane;
    /** Each camera's post-processing, off the workers: a slow post-processor holds only its camera's frames. */
    private PostLanes postLanes;
    /** Where frames enter. */
    private final FrameAdmission admission;
    private final PredictionOutput output;
    private Promise<Void> drained;
    private Future<Void> firstReady;
    private volatile long lastProgressNanos = System.nanoTime();
    private boolean startProblemReported;
    private boolean refusalsReported;

    /**
     * @param processor  the stages up to post-processing, the model among them
     * @param plane      the compression control (the processor reads the same control's level)
     * @param sampler    reads the board's load each sampling period
     * @param energy     energy totals and the board's meter
     * @param plugins    the plugins: their sinks get every prediction after it is published, their sources feed frames,
     *                   their faults are reported
     * @param mqtt       the connection, not started yet (the gateway starts it with its subscriptions)
     */
    public Gateway(GatewayConfig config, FrameProcessor processor, ControlPlane plane, BoardSampler sampler, EnergyAccounting energy,
                   PluginRuntime plugins, BrokerLink mqtt) {
        this.config = config;
        this.plugins = plugins;
        this.mqtt = mqtt;
        this.engine = processor.engine();
        this.processor = processor;
        this.plane = plane;
        this.control = plane.control();
        this.sampler = sampler;
        this.energy = energy;
        this.topics = new Topics(config);
        this.messages = new Messages(config.gatewayId());
        PipelineSection p = config.pipeline();
        long heap = Runtime.getRuntime().maxMemory();
        this.intake = new FrameIntake(p.queuePerCamera(), p.maxInFlight(), p.drop() == DropPolicy.DROP_OLDEST, p.maxCameras(),
                p.queuedBytesBudget(heap), p.heavyImagePixels());
        this.cameras = new CameraTracker(p.maxCameraIdLength(), p.maxTrackedCameras(), TimeUnit.SECONDS.toNanos(p.cameraIdleSeconds()),
                System::nanoTime, camera -> forget(camera, true));
        this.metrics = new GatewayMetrics(intake::queued, intake::inFlight, () -> mqtt.isReady() ? 1 : 0);
        metrics.bind(new ControlMetrics(control));
        this.events = new EventPublisher(mqtt, topics, messages, metrics, plane, engine.modelName());
        this.admission = new FrameAdmission(config, topics, cameras, metrics, control, intake, events);
        this.output = new PredictionOutput(config.mqtt(), topics, messages, mqtt, plugins, metrics);
        this.homeAssistant = HomeAssistantBridge.of(config, engine.modelName(), processor.detection().isPresent(), mqtt, messages, metrics,
                control);
        // Nothing is kept when no HTTP endpoint could serve it.
        this.latest = new LatestFrames(config.http().enabled() ? config.http().latestFramesMb() << 20 : 0, new FrameRenderer(processor::decode));
        this.zones = processor.detection().map(d -> {
            ZoneCounts counts = new ZoneCounts(d.zones());
            metrics.bind(counts);
            return new ZoneReporter(counts, topics, messages, homeAssistant.map(HomeAssistantBridge::discovery), mqtt::publish);
        });
    }

    @Override
    public Future<?> start() {
        workers = vertx.createSharedWorkerExecutor("haste-inference-" + config.gatewayId(), config.pipeline().workers());
        heavyLane = vertx.createSharedWorkerExecutor("haste-heavy-" + config.gatewayId(), 1);
        postLanes = new PostLanes("haste-post-" + config.gatewayId(), POST_LANE_THREADS, config.pipeline().queuePerCamera() + 1, processor, context,
                this::finished);
        controlLoop = new ControlLoop(vertx, plane, sampler, energy, intake::queued, events);
        commands = new ControlRequestHandler(topics, messages, plane, engine.modelName(), controlLoop);
        pluginCommands = new PluginCommandHandler(topics, messages, commands::refusal, controlLoop::refused,
                new PluginSwitch(plugins, List.of("preprocessor:" + config.pipeline().preprocessor(), "energy:" + config.energy().model())), vertx, mqtt::publish);
        plugins.listen((plugin, reason, message) -> context.runOnContext(v -> events.pluginError(reason, message)));
        List<Subscription> subscriptions = topics.subscriptions(config.mqtt().qos());
        firstReady = mqtt.start(context, homeAssistant.map(ha -> ha.with(subscriptions)).orElse(subscriptions), this::onConnected, this::onMessage);
        firstReady.onSuccess(v -> plugins.startSources(this::fromSource,
                (plugin, reason) -> context.runOnContext(x -> events.pluginError(ErrorReason.PLUGIN_REFUSED, "frame source of plugin '" + plugin + "' not started: " + reason))));
        long idleMs = TimeUnit.SECONDS.toMillis(config.pipeline().cameraIdleSeconds());
        vertx.setPeriodic(Math.max(250, Math.min(idleMs / 2, 60_000)), t -> cameras.expire().forEach(c -> forget(c, false)));
        vertx.setPeriodic(plane.periodMs(), t -> controlLoop.sample());
        vertx.setPeriodic(energy.summaryPeriodMs(), t -> publishEnergy());
        homeAssistant.ifPresent(ha -> vertx.setPeriodic(TimeUnit.SECONDS.toMillis(config.homeassistant().statsPeriodS()), t -> {
            ha.publishStats();
            ha.expire();
        }));
        return Future.succeededFuture();
    }

    /** The energy summary of the period that ends now (retained). */
    private void publishEnergy() {
        mqtt.publish(OutgoingMessage.json(topics.energy(), messages.energySummary(energy.ledger().closePeriod(energy.summaryPeriodMs() / 1000.0)), 1,
                true));
    }

    /** Forgets a camera gone idle or displaced by a newcomer, and what the engine kept for it (off the event loop: it may wait). */
    private void forget(String camera, boolean displaced) {
        homeAssistant.ifPresent(ha -> ha.forget(camera));
        metrics.forget(camera, displaced);
        latest.forget(camera);
        admission.forget(camera);
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

    /**
     * The gateway's state now, taken on its event loop and handed back on the caller's context
     * (an HTTP endpoint's), so that nothing outside the loop reads the pipeline's fields.
     */
    public Future<GatewayStatus> status() {
        Context caller = Vertx.currentContext();
        Promise<GatewayStatus> answer = Promise.promise();
        context.runOnContext(v -> {
            int level = control.getAsInt();
            GatewayStatus now = new GatewayStatus(engine.modelName(), level, engine.levels(), engine.details(level), plane.state(),
                    control.reading(), control.stats(), mqtt.isReady(), mqtt.connects(), intake.queued(), intake.inFlight(),
                    events.recent().list());
            if (caller == null) {
                answer.complete(now);
            } else {
                caller.runOnContext(x -> answer.complete(now));
            }
        });
        return answer.future();
    }

    /** The compression level in use (an atomic read: thread-safe). */
    public int level() {
        return control.getAsInt();
    }

    /** The metrics (thread-safe: /metrics scrapes them, the console reads its counters). */
    public GatewayMetrics metrics() {
        return metrics;
    }

    /** The broker connection (tests and the demo wait for it to be ready). */
    public BrokerLink mqtt() {
        return mqtt;
    }

    /** Frames in flight; read on this verticle's context, or once it is stopped (the stop closes the model only when none is). */
    public int inFlight() {
        return intake.inFlight();
    }

    /** The plugins (for /status; their status is asked off the event loop). */
    public PluginRuntime plugins() {
        return plugins;
    }

    /** The model (its details are thread-safe; the demo prints them). */
    public InferenceEngine engine() {
        return engine;
    }

    /** Each camera's latest frame (thread-safe; for /cameras/<id>/latest.jpg and the console). */
    public LatestFrames latestFrames() {
        return latest;
    }

    /** Once connected: the retained state, Home Assistant's gateway entities, a state-file problem found at start, and the plugins refused at start. */
    private void onConnected() {
        events.state();
        homeAssistant.ifPresent(ha -> ha.connected(plane.auth().isEmpty()));
        zones.ifPresent(ZoneReporter::connected);
        if (plane.startProblem() != null && !startProblemReported) {
            startProblemReported = true;
            events.controlError(plane.startProblem(), topics.controlSet());
        }
        if (!refusalsReported) {
            refusalsReported = true;
            plugins.startEvents().forEach(e -> events.pluginError(e.reason(), e.message()));
        }
    }

    /** A frame from a plugin's source: into the same path as MQTT frames, on this verticle's event loop. */
    private boolean fromSource(Frame frame) {
        if (!admission.accepting()) {
            return false;
        }
        context.runOnContext(v -> {
            admission.source(frame);
            pump();
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

    /** A message on a subscription: a control command (its reply published) or a frame. */
    private void onMessage(IncomingMessage m) {
        if (homeAssistant.isPresent() && homeAssistant.get().accept(m)) {
            return;
        }
        if (m.topic().equals(topics.pluginsSet())) {
            pluginCommands.handle(m);
            return;
        }
        if (topics.isControl(m.topic())) {
            commands.handle(m).ifPresent(mqtt::publish);
            return;
        }
        admission.message(m);
        pump();
    }

    /** Hands waiting frames to the workers while the in-flight limit allows; each result is delivered on this event loop. */
    private void pump() {
        Optional<FrameIntake.Dispatch> next;
        while ((next = intake.next()).isPresent()) {
            FrameIntake.Dispatch dispatch = next.get();
            Frame frame = dispatch.frame();
            if (intake.inFlight() == 1) {
                lastProgressNanos = System.nanoTime();
            }
            long wallMillis = System.currentTimeMillis() - (System.nanoTime() - frame.receivedNanos()) / 1_000_000;
            (dispatch.heavy() ? heavyLane : workers).executeBlocking(() -> processor.infer(frame, dispatch.format(), wallMillis), false).onComplete(ar -> {
                Outcome o = ar.succeeded() ? ar.result() : Outcome.rejected(RejectReason.PLUGIN_FAILED, "processing failed: " + ar.cause());
                intake.done(dispatch, o.costNanos(), o.inference() != null);
                admission.served(frame.cameraId(), o.costNanos());
                lastProgressNanos = System.nanoTime();
                if (o.inference() != null) {
                    postLanes.submit(o.inference());
                } else {
                    finished(frame, o);
                }
                pump();
            });
        }
    }

    /** A frame's end (a prediction or a rejection); completes a graceful stop's wait once nothing is in flight or in a lane. */
    private void finished(Frame frame, Outcome outcome) {
        deliver(frame, outcome);
        if (drained != null && intake.inFlight() == 0 && postLanes.pending() == 0) {
            drained.tryComplete();
        }
    }

    private void deliver(Frame frame, Outcome outcome) {
        if (outcome.prediction() != null) {
            output.send(outcome.prediction());
            Prediction.Latency latency = outcome.prediction().latency();
            latest.put(frame.cameraId(), frame, outcome.prediction());
            zones.ifPresent(z -> z.predicted(frame, outcome.prediction()));
            String series = cameras.series(frame.cameraId());
            cameras.predicted(frame.cameraId());
            homeAssistant.ifPresent(ha -> ha.predicted(frame.cameraId(), series));
            metrics.processed(series, latency.totalMs(), latency.inferenceMs());
            if (outcome.prediction().energy() != null) {
                energy.ledger().add(series, outcome.prediction().energy());
                metrics.energy(series, outcome.prediction().energy());
            }
            // The control sees arrival to the model's answer: a level or shedding cannot shorten a slow plugin's post-processing.
            control.predicted(System.nanoTime(), latency.queueMs() + latency.decodeMs() + latency.inferenceMs(), latency.inferenceMs(),
                    latency.queueMs());
        } else {
            reject(outcome.reason(), outcome.message(), frame);
        }
    }

    /** {@code frame} rejected after admission: an error event naming its topic, camera and id. */
    private void reject(RejectReason reason, String message, Frame frame) {
        events.rejected(ErrorReason.of(reason), message, admission.topicOf(frame), frame.cameraId(), frame.frameId());
    }

    /**
     * Graceful stop: no new frames (unsubscribe), waiting frames dropped, in-flight frames finish
     * within {@code graceMs}, then the retained status says offline and the connection closes.
     */
    public Future<Void> drainAndClose(long graceMs) {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            admission.stop();
            int dropped = intake.clear();
            LOG.info("shutdown: intake stopped, {} waiting frame(s) dropped, {} in flight", dropped, intake.inFlight());
            drained = Promise.promise();
            if (intake.inFlight() == 0 && postLanes.pending() == 0) {
                drained.tryComplete();
            }
            long timer = vertx.setTimer(Math.max(1, graceMs), t -> drained.tryComplete());
            mqtt.unsubscribe(topics.frameSubscription())
                    .compose(x -> drained.future())
                    .compose(x -> {
                        vertx.cancelTimer(timer);
                        return mqtt.close(events.status("offline", "shut down"));
                    })
                    .onComplete(ar -> done.complete());
        });
        return done.future();
    }

    @Override
    public Future<?> stop() {
        if (workers == null) {
            return Future.succeededFuture();
        }
        postLanes.close();
        return Future.all(workers.close(), heavyLane.close());
    }
}
