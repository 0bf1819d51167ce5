package io.hastegw.daemon.mqtt;

import java.util.HashMap;
import java.util.Map;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

/** The one translation between the core's messages ({@link OutgoingMessage}, {@link IncomingMessage}) and Paho's. */
final class PahoMessages {
    private PahoMessages() {}

    /** {@code m} as Paho sends it, with its content type, correlation data and user properties as MQTT 5 properties. */
    static MqttMessage toPaho(OutgoingMessage m) {
        MqttProperties properties = new MqttProperties();
        if (m.contentType() != null) {
            properties.setContentType(m.contentType());
        }
        if (m.correlationData() != null) {
            properties.setCorrelationData(m.correlationData());
        }
        if (!m.userProperties().isEmpty()) {
            properties.setUserProperties(m.userProperties().entrySet().stream().map(e -> new UserProperty(e.getKey(), e.getValue())).toList());
        }
        return new MqttMessage(m.payload(), m.qos(), m.retained(), properties);
    }

    /** What arrived on {@code topic} at {@code nanos}, copied out of Paho's message. */
    static IncomingMessage fromPaho(String topic, MqttMessage message, long nanos) {
        MqttProperties p = message.getProperties();
        Map<String, String> user = new HashMap<>();
        String contentType = null;
        byte[] correlation = null;
        String responseTopic = null;
        if (p != null) {
            if (p.getUserProperties() != null) {
                for (UserProperty u : p.getUserProperties()) {
                    user.put(u.getKey(), u.getValue());
                }
            }
            contentType = p.getContentType();
            correlation = p.getCorrelationData();
            responseTopic = p.getResponseTopic();
        }
        return new IncomingMessage(topic, message.getPayload(), contentType, correlation, user, responseTopic, message.isRetained(), nanos);
    }
}
