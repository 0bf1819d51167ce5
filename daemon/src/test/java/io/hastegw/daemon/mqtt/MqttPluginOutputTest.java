package io.hastegw.daemon.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastegw.daemon.config.ConfigLoader;
import io.hastegw.daemon.config.GatewayConfig;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a plugin may publish: under its gateway's prefix, never on the topics the gateway listens to or alone owns. */
class MqttPluginOutputTest {
    private static final List<OutgoingMessage> SENT = new ArrayList<>();
    private static final MqttPluginOutput OUTPUT = output();

    private static MqttPluginOutput output() {
        Vertx vertx = Vertx.vertx();
        try {
            GatewayConfig config = ConfigLoader.load(vertx, null, Map.of(), List.of("gateway_id=gw", "mqtt.host=h", "model.path=m",
                    "model.card=c")).toCompletionStage().toCompletableFuture().get();
            return new MqttPluginOutput(new Topics(config), "gw", m -> SENT.add(m));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            vertx.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"haste/gw/cameras/cam/frames", "haste/gw/control/set", "haste/gw/control/level/set", "haste/gw/status",
        "haste/gw/control/state", "haste/gw/energy", "haste/gw/events", "haste/gw/cameras/cam/zones/left/car",
        "haste/gw/cameras/cam/availability", "haste/other/x", "haste/gw/+/x", "haste/gw/#", "haste/gw/errors", "haste/gw/control/ack",
        "haste/gw/control/get", "haste/gw/control/anything", "haste/gw/cameras/cam/predictions", "haste/gw/stats"})
    void theGatewaysOwnTopicsAreRefused(String topic) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OUTPUT.publish(topic, new byte[] {1}, 0, false, Map.of(), null, null));
        assertTrue(e.getMessage().startsWith("a plugin may publish only under haste/gw/"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"haste/gw/snapshots/porch", "haste/gw/cameras/cam/plugin-notes"})
    void anyOtherTopicUnderThePrefixIsPublished(String topic) {
        SENT.clear();
        assertTrue(OUTPUT.publish(topic, new byte[] {1}, 1, false, Map.of(), null, "text/plain"));
        assertEquals(topic, SENT.get(0).topic());
    }
}
