package io.hastegw.daemon.mqtt;

import io.hastegw.plugin.api.MqttOutput;
import java.util.Map;

/**
 * The gateway's MQTT connection as plugins see it ({@link MqttOutput}): publishing only, only
 * under {@code haste/<gateway_id>/} and never on the topics the gateway itself listens to, keeps
 * retained or reports zone changes on (a plugin must not be able to command or impersonate the gateway). Until the
 * connection is ready, messages are not sent (false).
 */
public final class MqttPluginOutput implements MqttOutput {
    private final Topics topics;
    private final String prefix;
    private final MessagePublisher connection;

    /** Output under {@code topics}' gateway id, through {@code connection}. */
    public MqttPluginOutput(Topics topics, String gatewayId, MessagePublisher connection) {
        this.topics = topics;
        this.prefix = "haste/" + gatewayId + "/";
        this.connection = connection;
    }

    @Override
    public String predictionTopic(String cameraId) {
        return topics.predictions(cameraId);
    }

    @Override
    public boolean publish(String topic, byte[] payload, int qos, boolean retained, Map<String, String> userProperties, byte[] correlationData,
                           String contentType) {
        if (topic == null || !topic.startsWith(prefix) || topic.contains("+") || topic.contains("#") || topics.isControl(topic)
                || topic.startsWith(prefix + "control/") || topic.equals(topics.errors()) || topic.equals(topics.events()) || topic.equals(prefix + "stats")
                || topic.startsWith(prefix + "cameras/") && topic.endsWith("/predictions")
                || topics.cameraId(topic).isPresent() || Topics.RETAINED_LEAVES.stream().anyMatch(l -> topic.equals(prefix + l))
                || topics.isZoneState(topic) || topics.isCameraAvailability(topic)) {
            throw new IllegalArgumentException("a plugin may publish only under " + prefix + ", without wildcards, and not on the "
                    + "gateway's frame, prediction, control, retained state, error, event, zone or camera availability topics (got '" + topic + "')");
        }
        if (qos < 0 || qos > 1) {
            throw new IllegalArgumentException("qos must be 0 or 1 (got " + qos + ")");
        }
        return connection.publish(new OutgoingMessage(topic, payload, qos, retained, contentType, correlationData, userProperties));
    }
}
