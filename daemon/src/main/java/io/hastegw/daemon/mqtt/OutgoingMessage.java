package io.hastegw.daemon.mqtt;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A message the gateway publishes, in its own terms: the core says what and how, and only the
 * connection ({@link MqttConnection}) turns it into Paho's MQTT 5 message.
 *
 * @param topic           where it goes
 * @param payload         its bytes
 * @param qos             0, 1 or 2
 * @param retained        whether the broker keeps it for later subscribers
 * @param contentType     the MQTT 5 content type, or null for none
 * @param correlationData the request's correlation data when this is a reply, or null
 * @param userProperties  MQTT 5 user properties (a plugin's, or a frame's carried to its prediction)
 */
public record OutgoingMessage(String topic, byte[] payload, int qos, boolean retained, String contentType, byte[] correlationData,
                              Map<String, String> userProperties) {
    /** User properties never null, copied in their order. */
    public OutgoingMessage {
        userProperties = userProperties == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(userProperties));
    }

    /** The content type of every JSON message. */
    public static final String JSON = "application/json";

    /** A JSON message (content type application/json). */
    public static OutgoingMessage json(String topic, byte[] payload, int qos, boolean retained) {
        return new OutgoingMessage(topic, payload, qos, retained, JSON, null, Map.of());
    }

    /** A message without a content type (plain text such as a retained count or status). */
    public static OutgoingMessage plain(String topic, byte[] payload, int qos, boolean retained) {
        return new OutgoingMessage(topic, payload, qos, retained, null, null, Map.of());
    }

    /** This message as the reply to a request with correlation data {@code data} (null: none). */
    public OutgoingMessage correlated(byte[] data) {
        return new OutgoingMessage(topic, payload, qos, retained, contentType, data, userProperties);
    }
}
