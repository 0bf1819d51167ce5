package io.hastegw.plugin.api;

import java.util.Map;

/**
 * Publishing on the gateway's own MQTT connection, for sinks and other plugins that publish
 * (alerts, derived events). Topics are confined to the gateway's namespace,
 * {@code haste/<gateway_id>/...}. Thread-safe; never blocks (the MQTT client queues the message).
 */
public interface MqttOutput {
    /** The topic the gateway's predictions of {@code cameraId} go to ({@code haste/<gateway_id>/cameras/<camera>/predictions}). */
    String predictionTopic(String cameraId);

    /**
     * Publishes {@code payload} on {@code topic} as an MQTT 5 message with these properties.
     *
     * @param qos             0 or 1
     * @param userProperties  MQTT 5 user properties (may be empty)
     * @param correlationData MQTT 5 correlation data, or null
     * @param contentType     MQTT 5 content type, or null
     * @return false when the message was not handed to the client (not connected now, or its queue is full): not sent
     * @throws IllegalArgumentException when {@code topic} is outside {@code haste/<gateway_id>/} or holds a wildcard
     */
    boolean publish(String topic, byte[] payload, int qos, boolean retained, Map<String, String> userProperties, byte[] correlationData,
                    String contentType);
}
