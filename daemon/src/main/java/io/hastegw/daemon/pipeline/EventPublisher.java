package io.hastegw.daemon.pipeline;

import io.hastegw.daemon.control.AdaptiveControl;
import io.hastegw.daemon.control.ControlPlane;
import io.hastegw.daemon.messages.ErrorReason;
import io.hastegw.daemon.messages.Messages;
import io.hastegw.daemon.mqtt.MessagePublisher;
import io.hastegw.daemon.mqtt.OutgoingMessage;
import io.hastegw.daemon.mqtt.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gateway tells the world besides predictions: error events (counted, kept for the
 * console, published on the errors topic) and the retained state (online status, level, control
 * state). Called on the gateway's event loop.
 */
final class EventPublisher {
    /** Error events kept for the console. */
    static final int RECENT_ERRORS = 20;
    private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);

    private final MessagePublisher out;
    private final Topics topics;
    private final Messages messages;
    private final GatewayMetrics metrics;
    private final ControlPlane plane;
    private final String model;
    private final RecentErrors recent = new RecentErrors(RECENT_ERRORS);

    EventPublisher(MessagePublisher out, Topics topics, Messages messages, GatewayMetrics metrics, ControlPlane plane, String model) {
        this.out = out;
        this.topics = topics;
        this.messages = messages;
        this.metrics = metrics;
        this.plane = plane;
        this.model = model;
    }

    /** Publishes {@code message}; false when it was dropped. */
    boolean publish(OutgoingMessage message) {
        return out.publish(message);
    }

    /** An error event about {@code topic} (camera and frame may be null); its payload. */
    byte[] error(ErrorReason reason, String message, String topic, String cameraId, String frameId, int qos) {
        metrics.error(reason);
        recent.add(new RecentErrors.Entry(System.currentTimeMillis(), reason, message, cameraId, frameId));
        byte[] error = messages.error(reason, message, topic, cameraId, frameId);
        publish(OutgoingMessage.json(topics.errors(), error, qos, false));
        return error;
    }

    /** A frame that arrived on {@code topic} rejected for {@code reason}. */
    void rejected(ErrorReason reason, String message, String topic, String cameraId, String frameId) {
        LOG.debug("frame rejected ({}): {}", reason.wireName(), message);
        error(reason, message, topic, cameraId, frameId, 0);
    }

    /** A plugin refused or disabled (the log line is the runtime's), at QoS 1. */
    void pluginError(ErrorReason reason, String message) {
        error(reason, message, topics.errors(), null, null, 1);
    }

    /** A control command on {@code topic} refused (or applied but not saved); the error event's payload. */
    byte[] controlError(String message, String topic) {
        return error(ErrorReason.INVALID_COMMAND, message, topic, null, null, 0);
    }

    /** The status message saying {@code state} ({@code online}, {@code offline}) with {@code detail}. */
    byte[] status(String state, String detail) {
        return messages.status(state, model, plane.control().getAsInt(), detail);
    }

    /** The retained state: online status, level (v1) and control state (v2). */
    void state() {
        AdaptiveControl control = plane.control();
        publish(OutgoingMessage.plain(topics.status(), status("online", null), 1, true));
        publish(OutgoingMessage.json(topics.levelState(), messages.level(control.getAsInt(), control.levels(), model), 1, true));
        publish(OutgoingMessage.json(topics.controlState(), messages.controlState(plane.state()), 1, true));
    }

    /** The last error events, newest first. */
    RecentErrors recent() {
        return recent;
    }
}
