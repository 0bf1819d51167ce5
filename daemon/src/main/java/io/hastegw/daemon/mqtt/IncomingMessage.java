package io.hastegw.daemon.mqtt;

import java.util.Map;

/**
 * An MQTT message as received, copied out of Paho's objects.
 *
 * @param topic           the topic it was published to
 * @param payload         its bytes
 * @param contentType     MQTT 5 content type, or null
 * @param correlationData MQTT 5 correlation data, or null
 * @param userProperties  MQTT 5 user properties (last value wins for repeated keys)
 * @param responseTopic   MQTT 5 response topic (request/response), or null
 * @param retained        whether the broker delivered it from its retained store (published with the retain flag before we subscribed)
 * @param receivedNanos   {@link System#nanoTime()} at arrival
 */
public record IncomingMessage(String topic, byte[] payload, String contentType, byte[] correlationData,
                              Map<String, String> userProperties, String responseTopic, boolean retained, long receivedNanos) {}
