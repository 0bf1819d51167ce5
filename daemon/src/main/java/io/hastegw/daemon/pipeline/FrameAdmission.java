package io.hastegw.daemon.pipeline;

import io.hastegw.daemon.config.GatewayConfig;
import io.hastegw.daemon.control.AdaptiveControl;
import io.hastegw.daemon.messages.ErrorReason;
import io.hastegw.daemon.mqtt.CameraId;
import io.hastegw.daemon.mqtt.IncomingMessage;
import io.hastegw.daemon.mqtt.Topics;
import io.hastegw.plugin.api.Frame;
import io.hastegw.plugin.api.FrameHeaders;
import java.util.Optional;

/**
 * Where a frame enters, on the gateway's event loop: from MQTT (its topic gives the camera) or
 * from a plugin's source. The camera id is checked ({@link CameraTracker}), the payload's size,
 * the controller's shedding applied ({@link FrameShedder}), the format sniffed once (it travels
 * with the frame to the decoder) and the frame offered to {@link FrameIntake}; every refusal is an
 * error event.
 */
final class FrameAdmission {
    private final GatewayConfig config;
    private final Topics topics;
    private final CameraTracker cameras;
    private final GatewayMetrics metrics;
    private final AdaptiveControl control;
    private final FrameIntake intake;
    private final EventPublisher events;
    private final FrameShedder shedder = new FrameShedder(System::nanoTime);
    private volatile boolean accepting = true;

    FrameAdmission(GatewayConfig config, Topics topics, CameraTracker cameras, GatewayMetrics metrics, AdaptiveControl control,
                   FrameIntake intake, EventPublisher events) {
        this.config = config;
        this.topics = topics;
        this.cameras = cameras;
        this.metrics = metrics;
        this.control = control;
        this.intake = intake;
        this.events = events;
    }

    /** Whether frames are still taken (false once the gateway stops). */
    boolean accepting() {
        return accepting;
    }

    /** Takes no more frames (a stop). */
    void stop() {
        accepting = false;
    }

    /** A message on the frame subscription: its topic must name a camera. */
    void message(IncomingMessage m) {
        Optional<String> camera = topics.cameraId(m.topic());
        if (camera.isEmpty()) {
            events.rejected(ErrorReason.BAD_TOPIC, "topic '" + m.topic() + "' does not match " + config.frameFilter() + " with a camera id",
                    m.topic(), null, m.userProperties().get("frame_id"));
            return;
        }
        admit(new Frame(camera.get(), m.userProperties().get("frame_id"), m.payload(), m.contentType(), m.userProperties(),
                m.correlationData(), m.receivedNanos()), m.topic());
    }

    /** A frame from a plugin's source: its camera id must be usable in a topic. */
    void source(Frame frame) {
        if (CameraId.problem(frame.cameraId(), Integer.MAX_VALUE).isPresent()) {
            events.rejected(ErrorReason.BAD_TOPIC, "a plugin source's camera id '" + frame.cameraId() + "' is empty or holds / + # or NUL",
                    topics.errors(), null, frame.frameId());
            return;
        }
        admit(frame, topicOf(frame));
    }

    /** The frame topic {@code frame}'s camera would use (what its error events name). */
    String topicOf(Frame frame) {
        return config.frameFilter().replace("+", frame.cameraId());
    }

    /** A frame of {@code camera} took {@code costNanos} to process (what fair shedding weighs it by). */
    void served(String camera, long costNanos) {
        shedder.served(cameras.seriesIfTracked(camera), costNanos);
    }

    /** Forgets a camera gone idle (its shedding phase). */
    void forget(String camera) {
        shedder.forget(camera);
    }

    private void admit(Frame frame, String topic) {
        String cameraId = frame.cameraId();
        String frameId = frame.frameId();
        Optional<String> badCamera = cameras.refusal(cameraId);
        if (badCamera.isPresent()) {
            events.rejected(ErrorReason.BAD_TOPIC, badCamera.get(), topic, null, frameId);
            return;
        }
        String series = cameras.series(cameraId);
        metrics.received(series);
        if (!accepting) {
            return;
        }
        int max = config.pipeline().maxPayloadBytes();
        if (frame.payload().length > max) {
            events.rejected(ErrorReason.PAYLOAD_TOO_LARGE, "payload of " + frame.payload().length + " bytes exceeds pipeline.max_payload_bytes = "
                    + max, topic, cameraId, frameId);
            return;
        }
        if (!shedder.keep(series, control.shedEvery())) {
            metrics.shed(series);
            return;
        }
        Optional<String> sniffed = FrameFormats.detect(frame.contentType(), frame.payload());
        long pixels = sniffed.map(f -> FrameHeaders.pixels(frame.payload(), f)).orElse(0L);
        switch (intake.offer(frame, sniffed.or(() -> FrameFormats.declared(frame.contentType())), pixels)) {
            case QUEUED -> { }
            case QUEUED_DROPPED_OLDEST, DROPPED_NEWEST, DROPPED_BYTES -> dropped(series);
            case QUEUED_EVICTED_OTHER -> intake.takeEvicted().forEach(f -> dropped(cameras.series(f.cameraId())));
            case TOO_MANY_CAMERAS -> {
                // Counted for the camera (the console lists it), not for the controller: a faster model would not admit it.
                metrics.dropped(series);
                events.rejected(ErrorReason.DROPPED, "more than pipeline.max_cameras = " + config.pipeline().maxCameras()
                        + " cameras have frames waiting, all served less than this one", topic, cameraId, frameId);
            }
        }
    }

    /** A frame of the camera with metrics series {@code series} did not get to the workers: counted, and the controller told. */
    private void dropped(String series) {
        metrics.dropped(series);
        control.dropped(System.nanoTime());
    }
}
