package io.hastegw.daemon.mqtt;

import io.hastegw.daemon.config.GatewayConfig;
import io.hastegw.daemon.config.MqttSection;
import java.nio.charset.StandardCharsets;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** The connect options of every attempt: clean start, Paho's reconnect off, credentials, TLS, the last will, the packet limit. */
final class PahoOptions {
    private PahoOptions() {}

    /** {@code tcp://host:port}, or {@code ssl://} with TLS. */
    static String serverUri(MqttSection mqtt) {
        return (mqtt.tls().enabled() ? "ssl://" : "tcp://") + mqtt.host() + ":" + mqtt.port();
    }

    /** The MQTT 5 maximum packet size asked of the broker: twice the payload limit plus room for topic and properties. */
    static long maximumPacketSize(int maxPayloadBytes) {
        return 2L * maxPayloadBytes + (256 << 10);
    }

    /** Options for {@code config}, with {@code offlineStatus} as the retained last will on {@code statusTopic}. */
    static MqttConnectionOptions of(GatewayConfig config, String statusTopic, byte[] offlineStatus) throws Exception {
        MqttSection mqtt = config.mqtt();
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        o.setAutomaticReconnect(false);
        o.setKeepAliveInterval(mqtt.keepAliveSeconds());
        o.setConnectionTimeout(10);
        if (mqtt.username() != null) {
            o.setUserName(mqtt.username());
        }
        if (mqtt.password() != null) {
            o.setPassword(mqtt.password().getBytes(StandardCharsets.UTF_8));
        }
        o.setSocketFactory(mqtt.tls().enabled() ? NoDelaySockets.tls(TlsSockets.factory(mqtt.tls())) : NoDelaySockets.plain());
        o.setWill(statusTopic, new MqttMessage(offlineStatus, 1, true, new MqttProperties()));
        // The broker discards larger packets instead of sending them: a hostile publisher cannot make Paho buffer
        // a message of hundreds of MB. Up to this size a too-large frame still gets its payload_too_large error.
        o.setMaximumPacketSize(maximumPacketSize(config.pipeline().maxPayloadBytes()));
        return o;
    }
}
