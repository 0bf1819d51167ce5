package io.hastegw.plugin.testkit;

import io.hastegw.plugin.api.MqttOutput;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The gateway's MQTT output as a plugin under test sees it: every message it publishes is recorded. It refuses what the
 * gateway refuses with the same exception: a topic outside {@code haste/<gateway_id>/}, wildcards, QoS other than 0 or
 * 1, and the gateway's own topics (frames, predictions, camera availability, everything under {@code control/},
 * {@code status}, {@code energy}, {@code stats}, {@code errors}, {@code events}, zone counts); docs/plugins.md lists them.
 */
public final class RecordingMqtt implements MqttOutput {
    private static final List<String> GATEWAY_LEAVES = List.of("status", "energy", "stats", "errors", "events");
    private static final List<String> CAMERA_LEAVES = List.of("frames", "predictions", "availability", "zones");
    private final String prefix;
    private final List<Published> published = new CopyOnWriteArrayList<>();

    /** One message a plugin published; {@link #text()} reads its payload as UTF-8. */
    public record Published(String topic, byte[] payload, int qos, boolean retained, Map<String, String> userProperties, byte[] correlationData,
                            String contentType) {
        /** The payload as UTF-8 text. */
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    RecordingMqtt(String gatewayId) {
        this.prefix = "haste/" + gatewayId + "/";
    }

    @Override
    public String predictionTopic(String cameraId) {
        return prefix + "cameras/" + cameraId + "/predictions";
    }

    @Override
    public boolean publish(String topic, byte[] payload, int qos, boolean retained, Map<String, String> userProperties, byte[] correlationData,
                           String contentType) {
        if (topic == null || !topic.startsWith(prefix) || topic.contains("+") || topic.contains("#") || gatewayTopic(topic.substring(prefix.length()))) {
            throw new IllegalArgumentException("a plugin may publish only under " + prefix + ", without wildcards, and not on the "
                    + "gateway's frame, prediction, control, retained state, error, event, zone or camera availability topics (got '" + topic + "')");
        }
        if (qos < 0 || qos > 1) {
            throw new IllegalArgumentException("qos must be 0 or 1 (got " + qos + ")");
        }
        published.add(new Published(topic, payload, qos, retained, userProperties == null ? Map.of() : Map.copyOf(userProperties), correlationData,
                contentType));
        return true;
    }

    private static boolean gatewayTopic(String leaf) {
        if (leaf.startsWith("control/") || leaf.equals("control") || GATEWAY_LEAVES.contains(leaf)) {
            return true;
        }
        String[] parts = leaf.split("/");
        return parts.length >= 3 && parts[0].equals("cameras") && CAMERA_LEAVES.contains(parts[2]);
    }

    /** What it published so far, in order. */
    public List<Published> published() {
        return List.copyOf(published);
    }
}
