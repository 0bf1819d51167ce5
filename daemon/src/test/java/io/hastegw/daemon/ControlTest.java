package io.hastegw.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Remote tuning of the compression level over MQTT, against the real Mosquitto and the HASTE ResNet-20. */
@Tag("broker")
class ControlTest {
    private GatewayFixture gateway;
    private MqttTestClient client;

    @BeforeEach
    void start() throws Exception {
        gateway = new GatewayFixture(TestModels.hasteResNet20(), "model.level=1").ready();
        client = new MqttTestClient(gateway.all());
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        gateway.close();
    }

    private String topic(String leaf) {
        return "haste/" + gateway.id + "/control/" + leaf;
    }

    @Test
    void theRetainedLevelStateShowsTheConfiguredLevel() throws Exception {
        var state = client.await(r -> r.topic().equals(topic("level/state")), 10);
        assertEquals(1, state.json().get("level"));
        assertEquals(9, state.json().get("levels"));
        assertTrue(Json.validate("level", state.payload()).isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "{\"level\": 5}", " 5\n"})
    void aNewLevelAppliesToTheNextFrames(String payload) throws Exception {
        client.publish(topic("level/set"), payload.getBytes(StandardCharsets.UTF_8), null, null, null);
        // The gateway republishes its retained status, then the level state.
        var status = client.await(r -> r.topic().endsWith("/status") && Integer.valueOf(5).equals(r.json().get("level")), 10);
        assertEquals("online", status.json().get("state"));
        var state = client.await(r -> r.topic().equals(topic("level/state")) && Integer.valueOf(5).equals(r.json().get("level")), 10);
        assertTrue(Json.validate("level", state.payload()).isEmpty());
        client.publish(gateway.frames("c"), Files.readAllBytes(TestModels.cifar("cat", 1)), null, "after", null);
        var prediction = client.await(r -> r.topic().endsWith("/predictions"), 20);
        assertEquals(5, prediction.json().get("level"));
        assertEquals(5, gateway.running.gateway().level());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "9", "abc", "{\"level\": 99}", ""})
    void anInvalidLevelIsRefusedWithAnErrorEventAndChangesNothing(String payload) throws Exception {
        client.publish(topic("level/set"), payload.getBytes(StandardCharsets.UTF_8), null, null, null);
        var error = client.await(r -> r.topic().endsWith("/errors"), 10);
        assertEquals("invalid_command", error.json().get("reason"));
        assertEquals("level '" + payload + "' refused: send a whole number from 0 (dense) to 8, or {\"level\": n}", error.json().get("message"));
        assertEquals(topic("level/set"), error.json().get("topic"));
        assertTrue(Json.validate("error", error.payload()).isEmpty());
        assertEquals(1, gateway.running.gateway().level());
    }

    @Test
    void anUnknownCommandIsRefused() throws Exception {
        client.publish(topic("speed/set"), "fast".getBytes(StandardCharsets.UTF_8), null, null, null);
        var error = client.await(r -> r.topic().endsWith("/errors"), 10);
        assertEquals("unknown command topic '" + topic("speed/set") + "'; known: " + topic("set") + ", " + topic("get") + ", " + topic("level/set"),
                error.json().get("message"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"haste/other-gw/control/level/set", "haste/{own}/cameras/c/predictions", "haste/{own}/status",
        "haste/{own}/replies/#", "haste/{own}/replies/+/x", "haste/{own}/replies/"})
    void aResponseTopicOutsideTheReplyPrefixIsRefusedAndNothingIsApplied(String responseTopic) throws Exception {
        String target = responseTopic.replace("{own}", gateway.id);
        // mosquitto_pub, since Paho refuses to send a response topic with wildcards (a hostile client need not use Paho).
        Process pub = new ProcessBuilder("mosquitto_pub", "-V", "mqttv5", "-h", "127.0.0.1", "-q", "1", "-t", topic("level/set"), "-m", "4",
                "-D", "publish", "response-topic", target).redirectErrorStream(true).start();
        String output = new String(pub.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, pub.waitFor(), output);
        var error = client.await(r -> r.topic().endsWith("/errors"), 10);
        assertEquals("invalid_command", error.json().get("reason"));
        String message = (String) error.json().get("message");
        assertTrue(message.startsWith("response topic '" + target + "' refused: "), message);
        assertTrue(Json.validate("error", error.payload()).isEmpty());
        assertEquals(1, gateway.running.gateway().level());
        String answered = target;
        assertTrue(client.drain().stream().noneMatch(r -> r.topic().equals(answered) || r.topic().endsWith("/level/state")),
                "nothing published to the refused topic, no level change");
    }

    @Test
    void aRetainedCommandIsRefusedAndNeverApplied() throws Exception {
        // A retained command reaches a gateway that subscribes later (restart, reconnect) with the retain flag.
        String id = "ret" + java.util.UUID.randomUUID().toString().substring(0, 6);
        String set = "haste/" + id + "/control/level/set";
        try (MqttTestClient operator = new MqttTestClient("haste/" + id + "/#")) {
            operator.publish(set, new MqttMessage("6".getBytes(StandardCharsets.UTF_8), 1, true, new MqttProperties()));
            try (GatewayFixture restarted = new GatewayFixture(TestModels.hasteResNet20(), "gateway_id=" + id, "model.level=1")) {
                restarted.ready();
                var error = operator.await(r -> r.topic().endsWith("/errors"), 10);
                assertEquals("invalid_command", error.json().get("reason"));
                assertEquals("control command published with the retain flag refused: a retained command would be applied again on every "
                        + "reconnect and restart; publish it without retain, and clear the retained one with an empty retained message on "
                        + set, error.json().get("message"));
                assertEquals(1, restarted.running.gateway().level());
            } finally {
                operator.publish(set, new MqttMessage(new byte[0], 1, true, new MqttProperties()));
            }
        }
    }

    @Test
    void aRequestWithAResponseTopicGetsItsAnswerThere() throws Exception {
        String replies = "haste/" + gateway.id + "/replies/operator-1";
        byte[] correlation = "req-7".getBytes(StandardCharsets.UTF_8);
        MqttProperties props = new MqttProperties();
        props.setResponseTopic(replies);
        props.setCorrelationData(correlation);
        client.publish(topic("level/set"), new MqttMessage("2".getBytes(StandardCharsets.UTF_8), 1, false, props));
        var answer = client.await(r -> r.topic().equals(replies), 10);
        assertEquals(2, answer.json().get("level"));
        assertArrayEquals(correlation, answer.properties().getCorrelationData());
    }
}
