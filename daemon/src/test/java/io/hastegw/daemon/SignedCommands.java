package io.hastegw.daemon;

import io.hastegw.daemon.control.CommandAuth;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

/** Test and benchmark support: control commands signed as docs/mqtt-api.md "Signed commands" says (QoS 1, not retained). */
public final class SignedCommands {
    private SignedCommands() {}

    /** {@code payload} for {@code topic} with the signature properties under {@code key}; none when {@code key} is null. */
    public static MqttMessage signed(String topic, String payload, byte[] key, long timestampMillis, String nonce) {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        MqttProperties props = new MqttProperties();
        if (key != null) {
            props.setUserProperties(List.of(new UserProperty(CommandAuth.TIMESTAMP, Long.toString(timestampMillis)),
                    new UserProperty(CommandAuth.NONCE, nonce),
                    new UserProperty(CommandAuth.MAC, CommandAuth.sign(key, topic, timestampMillis, nonce, bytes))));
        }
        return new MqttMessage(bytes, 1, false, props);
    }
}
