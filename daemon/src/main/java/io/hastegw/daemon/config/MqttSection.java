package io.hastegw.daemon.config;

import java.util.Arrays;

/**
 * Broker connection.
 *
 * @param host             broker host; null (none configured) starts the embedded broker
 * @param port             broker port
 * @param clientId         MQTT client id (default {@code haste-<gateway_id>})
 * @param username         user name, or null
 * @param password         password, or null (masked by --print-config)
 * @param tls              TLS settings
 * @param keepAliveSeconds MQTT keep-alive
 * @param frameTopic       topic filter for frames; {@code {gateway_id}} is replaced; one {@code +} marks the camera id
 * @param sharedGroup      if set, frames are subscribed as {@code $share/<group>/<filter>}
 * @param qos              QoS of the frame subscription (0 or 1)
 * @param publishPredictions publish each prediction on its camera's predictions topic (false: the other sinks only)
 * @param predictionQos    QoS of the prediction messages (0 or 1)
 * @param reconnectMinMs   first reconnect delay
 * @param reconnectMaxMs   largest reconnect delay (the delay doubles up to it)
 * @param embeddedBrokerLib folder of the embedded broker's jars (used when {@code host} is null)
 * @param replyTopicPrefix the only topics a control request may name as its response topic; {@code {gateway_id}} is replaced
 */
public record MqttSection(String host, int port, String clientId, String username, String password, Tls tls,
                          int keepAliveSeconds, String frameTopic, String sharedGroup, int qos, boolean publishPredictions,
                          int predictionQos, long reconnectMinMs, long reconnectMaxMs, String embeddedBrokerLib, String replyTopicPrefix) {
    /** This connection pointed at {@code newHost}:{@code newPort} (the embedded broker once it runs). */
    public MqttSection at(String newHost, int newPort) {
        return new MqttSection(newHost, newPort, clientId, username, password, tls, keepAliveSeconds, frameTopic, sharedGroup, qos,
                publishPredictions, predictionQos, reconnectMinMs, reconnectMaxMs, embeddedBrokerLib, replyTopicPrefix);
    }

    /**
     * TLS to the broker.
     *
     * @param enabled  use TLS
     * @param caFile   PEM CA certificate(s) to trust
     * @param certFile PEM client certificate, or null
     * @param keyFile  PEM client key (PKCS#8), or null
     */
    public record Tls(boolean enabled, String caFile, String certFile, String keyFile) {}

    /** Adds the problems of this section to {@code c}; {@code embedded}: no broker configured, the embedded one starts. */
    void validate(ConfigChecks c, boolean embedded) {
        c.check(!embedded || (embeddedBrokerLib != null && !embeddedBrokerLib.isBlank()), "mqtt.embedded_broker_lib",
                "the embedded broker's jar folder when mqtt.host is not set (or set mqtt.host)", null);
        c.check(!embedded || tls == null || !tls.enabled, "mqtt.tls.enabled", "false with the embedded broker", true);
        c.check(port > 0 && port < 65536, "mqtt.port", "1 to 65535", port);
        c.check(keepAliveSeconds >= 0, "mqtt.keep_alive_seconds", "0 or more", keepAliveSeconds);
        c.check(qos == 0 || qos == 1, "mqtt.qos", "0 or 1", qos);
        c.check(predictionQos == 0 || predictionQos == 1, "mqtt.prediction_qos", "0 or 1", predictionQos);
        c.check(frameTopic != null && frameTopic.split("/", -1).length > 1
                && Arrays.stream(frameTopic.split("/", -1)).filter("+"::equals).count() == 1
                && !frameTopic.contains("#") && !frameTopic.startsWith("$share/"),
                "mqtt.frame_topic", "a topic filter with exactly one '+' (the camera id), no '#', no $share prefix", frameTopic);
        c.check(sharedGroup == null || sharedGroup.matches("[A-Za-z0-9_-]{1,64}"), "mqtt.shared_group",
                "empty, or 1-64 characters of A-Z a-z 0-9 _ -", sharedGroup);
        c.check(reconnectMinMs > 0 && reconnectMaxMs >= reconnectMinMs, "mqtt.reconnect_max_ms", "at least mqtt.reconnect_min_ms (> 0)",
                reconnectMaxMs);
        c.check(tls != null, "mqtt.tls", "an object", null);
        c.check(replyTopicPrefix != null && replyTopicPrefix.endsWith("/") && replyTopicPrefix.length() > 1
                && !replyTopicPrefix.contains("+") && !replyTopicPrefix.contains("#") && !replyTopicPrefix.startsWith("$"),
                "mqtt.reply_topic_prefix", "a topic prefix ending in '/', without wildcards or a leading '$'", replyTopicPrefix);
        if (tls != null && tls.enabled) {
            c.check(tls.caFile != null, "mqtt.tls.ca_file", "a PEM file when TLS is enabled", null);
            c.check((tls.certFile == null) == (tls.keyFile == null), "mqtt.tls.key_file", "set together with mqtt.tls.cert_file", tls.keyFile);
        }
    }
}
