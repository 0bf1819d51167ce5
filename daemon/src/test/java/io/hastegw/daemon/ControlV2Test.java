package io.hastegw.daemon;

import static io.hastegw.daemon.SignedCommands.signed;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Control v2 over MQTT 5 (control/set, control/get, acks, validation, persistence) on the real Mosquitto and the HASTE ResNet-20. */
@Tag("broker")
class ControlV2Test {
    @TempDir
    Path tmp;
    private GatewayFixture gateway;
    private MqttTestClient client;

    private void start(String... sets) throws Exception {
        gateway = new GatewayFixture(TestModels.hasteResNet20(), sets).ready();
        client = new MqttTestClient(gateway.all());
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    private String topic(String leaf) {
        return "haste/" + gateway.running.config().gatewayId() + "/control/" + leaf;
    }

    private void send(String leaf, String payload) throws Exception {
        client.publish(topic(leaf), payload.getBytes(StandardCharsets.UTF_8), null, null, null);
    }

    private MqttTestClient.Received ack() throws InterruptedException {
        return client.await(r -> r.topic().equals(topic("ack")), 10);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> settings(MqttTestClient.Received r) {
        Map<String, Object> state = r.json().containsKey("state") ? (Map<String, Object>) r.json().get("state") : r.json();
        return (Map<String, Object>) state.get("settings");
    }

    @Test
    void aValidSetIsAcknowledgedAppliedAndPublishedAsRetainedState() throws Exception {
        start("model.level=1", "control.state_file=" + tmp.resolve("state.json"));
        send("set", "{\"schema\": \"haste.control.set/1\", \"mode\": \"fixed\", \"level\": 6}");
        // The gateway publishes the new retained state, then the answer.
        var state = client.await(r -> r.topic().equals(topic("state")) && Integer.valueOf(6).equals(r.json().get("level")), 10);
        assertTrue(Json.validate("control-state", state.payload()).isEmpty(), Json.validate("control-state", state.payload()).toString());
        assertEquals("mode fixed at level 6", state.json().get("reason"));
        var ack = ack();
        assertTrue(Json.validate("control-ack", ack.payload()).isEmpty(), Json.validate("control-ack", ack.payload()).toString());
        assertEquals(true, ack.json().get("accepted"));
        assertEquals(List.of(), ack.json().get("errors"));
        assertEquals("set", ack.json().get("command"));
        assertEquals(6, settings(ack).get("level"));
        client.publish(gateway.frames("c"), Files.readAllBytes(TestModels.cifar("cat", 1)), null, "after", null);
        assertEquals(6, client.await(r -> r.topic().endsWith("/predictions"), 20).json().get("level"));
    }

    @Test
    void getAnswersOnTheResponseTopicWithTheCorrelationData() throws Exception {
        start("model.level=2");
        String replies = "haste/" + gateway.id + "/replies/console";
        MqttProperties props = new MqttProperties();
        props.setResponseTopic(replies);
        props.setCorrelationData("q-1".getBytes(StandardCharsets.UTF_8));
        client.publish(topic("get"), new MqttMessage(new byte[0], 1, false, props));
        var answer = client.await(r -> r.topic().equals(replies), 10);
        assertArrayEquals("q-1".getBytes(StandardCharsets.UTF_8), answer.properties().getCorrelationData());
        assertEquals("get", answer.json().get("command"));
        assertEquals(true, answer.json().get("accepted"));
        assertEquals("fixed", settings(answer).get("mode"));
        assertEquals(2, settings(answer).get("level"));
        assertTrue(Json.validate("control-ack", answer.payload()).isEmpty());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"mode\": \"turbo\"}|mode must be one of auto, fixed, off (got 'turbo')",
        "{\"level\": 9}|level must be 0 to 8 for this model (got 9)",
        "{\"level\": \"5\"}|level must be a whole number",
        "{\"level\": 2.5}|level must be a whole number",
        "{\"min_level\": 5, \"max_level\": 3}|min_level 5 is above max_level 3",
        "{\"shedding\": \"yes\"}|shedding must be true or false",
        "{\"latency_target_ms\": -4}|latency_target_ms must be more than 0 and at most 600000 (got -4.0)",
        "{\"cpu_budget_percent\": 150}|cpu_budget_percent must be 1 to 100 (got 150.0)",
        "{\"speed\": 3}|unknown field 'speed'; known: schema, mode, level, min_level, max_level, policy, latency_target_ms, cpu_budget_percent, shedding",
        "{\"schema\": \"haste.control.set/9\", \"level\": 3}|schema must be 'haste.control.set/1'",
        "{}|no setting given; known: mode, level, min_level, max_level, policy, latency_target_ms, cpu_budget_percent, shedding",
        "[1, 2]|a JSON object is required, e.g. {\"mode\": \"auto\"}"})
    void anInvalidSetIsRefusedWithItsReasonAndChangesNothing(String payload, String reason) throws Exception {
        start("model.level=1");
        send("set", payload);
        // The error event comes first, then the answer.
        var error = client.await(r -> r.topic().endsWith("/errors"), 10);
        assertEquals("invalid_command", error.json().get("reason"));
        assertEquals("command refused, settings unchanged: " + reason, error.json().get("message"));
        var ack = ack();
        assertEquals(false, ack.json().get("accepted"));
        assertEquals(List.of(reason), ack.json().get("errors"));
        assertEquals(1, settings(ack).get("level"));
        assertEquals("fixed", settings(ack).get("mode"));
        assertEquals(1, gateway.running.gateway().level());
    }

    @Test
    void everyProblemOfACommandIsNamed() throws Exception {
        start("model.level=1");
        send("set", "{\"mode\": 3, \"level\": -1, \"extra\": true}");
        assertEquals(List.of("unknown field 'extra'; known: schema, mode, level, min_level, max_level, policy, latency_target_ms, "
                + "cpu_budget_percent, shedding", "mode must be a string"), ack().json().get("errors"));
    }

    @Test
    void aRetainedSetIsRefused() throws Exception {
        // A retained command reaches a gateway that subscribes later (restart, reconnect) with the retain flag.
        String id = "ret" + java.util.UUID.randomUUID().toString().substring(0, 6);
        String set = "haste/" + id + "/control/set";
        client = new MqttTestClient("haste/" + id + "/#");
        client.publish(set, new MqttMessage("{\"level\": 4}".getBytes(StandardCharsets.UTF_8), 1, true, new MqttProperties()));
        try {
            gateway = new GatewayFixture(TestModels.hasteResNet20(), "gateway_id=" + id, "model.level=1").ready();
            var ack = ack();
            assertEquals(false, ack.json().get("accepted"));
            assertTrue(((List<?>) ack.json().get("errors")).get(0).toString().startsWith("control command published with the retain flag refused"));
            assertEquals(1, gateway.running.gateway().level());
        } finally {
            client.publish(set, new MqttMessage(new byte[0], 1, true, new MqttProperties()));
        }
    }

    @Test
    void aRetainedSetDeliveredLiveIsRefusedToo() throws Exception {
        // The broker delivers a retained publish to existing subscribers without the retain flag unless they
        // subscribed with Retain As Published: the gateway does, so the command is refused now, not only at the next reconnect.
        start("model.level=1");
        try {
            client.publish(topic("set"), new MqttMessage("{\"level\": 4}".getBytes(StandardCharsets.UTF_8), 1, true, new MqttProperties()));
            var ack = ack();
            assertEquals(false, ack.json().get("accepted"));
            assertTrue(((List<?>) ack.json().get("errors")).get(0).toString().startsWith("control command published with the retain flag refused"));
            assertEquals(1, gateway.running.gateway().level());
        } finally {
            client.publish(topic("set"), new MqttMessage(new byte[0], 1, true, new MqttProperties()));
        }
    }

    @Test
    void theV1LevelCommandSetsFixedMode() throws Exception {
        start("model.level=1", "control.mode=auto");
        send("level/set", "7");
        assertEquals(7, client.await(r -> r.topic().equals(topic("level/state")) && Integer.valueOf(7).equals(r.json().get("level")), 10)
                .json().get("level"));
        var state = client.await(r -> r.topic().equals(topic("state")) && Integer.valueOf(7).equals(r.json().get("level")), 10);
        assertEquals("fixed", settings(state).get("mode"));
    }

    @Test
    void modeOffRunsDense() throws Exception {
        start("model.level=5");
        send("set", "{\"mode\": \"off\"}");
        assertEquals("mode off: dense", client.await(r -> r.topic().equals(topic("state")) && "off".equals(settings(r).get("mode")), 10)
                .json().get("reason"));
        assertEquals(true, ack().json().get("accepted"));
        assertEquals(0, gateway.running.gateway().level());
    }

    @Test
    void settingsPersistAcrossARestartAtomically() throws Exception {
        Path file = tmp.resolve("state").resolve("control-state.json");
        start("model.level=1", "control.state_file=" + file);
        send("set", "{\"mode\": \"auto\", \"min_level\": 2, \"max_level\": 5, \"policy\": \"cpu\", \"cpu_budget_percent\": 55}");
        assertEquals(true, ack().json().get("accepted"));
        client.drain();
        for (int i = 0; i < 200 && !Files.exists(file); i++) {
            Thread.sleep(25);
        }
        String saved = Files.readString(file);
        assertTrue(saved.contains("\"cpu_budget_percent\" : 55.0"), saved);
        try (var left = Files.list(file.getParent())) {
            assertEquals(List.of(file), left.toList(), "no temporary file left beside it");
        }
        String id = gateway.id;
        client.close();
        gateway.close();
        gateway = new GatewayFixture(TestModels.hasteResNet20(), "gateway_id=" + id, "model.level=1", "control.state_file=" + file).ready();
        client = new MqttTestClient("haste/" + id + "/#");
        var state = client.await(r -> r.topic().equals(topic("state")), 10);
        assertEquals(Map.of("mode", "auto", "level", 1, "min_level", 2, "max_level", 5, "policy", "cpu", "latency_target_ms",
                settings(state).get("latency_target_ms"), "cpu_budget_percent", 55.0, "shedding", true), settings(state));
        assertEquals(2, state.json().get("level"), "auto starts at its lowest level");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not json at all|is corrupt (not JSON)",
        "{\"schema\": \"haste.control.set/1\", \"settings\": {\"level\": 40}}|is invalid for this model: level must be 0 to 8 for this model (got 40)",
        "{\"something\": 1}|is corrupt: expected {\"schema\": \"haste.control.set/1\", \"settings\": {...}}"})
    void aCorruptStateFileIsReportedAndIgnored(String content, String problem) throws Exception {
        Path file = tmp.resolve("control-state.json");
        Files.writeString(file, content);
        String id = "cs" + java.util.UUID.randomUUID().toString().substring(0, 6);
        client = new MqttTestClient("haste/" + id + "/#");
        gateway = new GatewayFixture(TestModels.hasteResNet20(), "gateway_id=" + id, "model.level=3", "control.state_file=" + file).ready();
        String expected = "control state file " + file + " " + problem + "; ignored, the configured control settings are in force";
        var state = client.await(r -> r.topic().equals(topic("state")), 10);
        assertEquals(Map.of("path", file.toString(), "problem", expected), state.json().get("state_file"));
        var error = client.await(r -> r.topic().endsWith("/errors"), 10);
        assertEquals("invalid_command", error.json().get("reason"));
        assertEquals(expected, error.json().get("message"));
        assertEquals(3, gateway.running.gateway().level());
    }

    /** Signed commands: a gateway with an HMAC key refuses unsigned, forged, expired and replayed commands. */
    @Test
    void signedCommandsAreCheckedForForgeryExpiryAndReplay() throws Exception {
        Path keyFile = tmp.resolve("hmac.key");
        byte[] key = "a-shared-secret-of-32-characters".getBytes(StandardCharsets.UTF_8);
        Files.write(keyFile, key);
        start("model.level=1", "control.hmac_key_file=" + keyFile, "control.hmac_window_seconds=30");
        String set = topic("set");
        long now = System.currentTimeMillis();

        assertRefused(signed(set, "{\"level\": 2}", null, 0, null), "unsigned command refused", 1);
        assertRefused(signed(set, "{\"level\": 2}", "wrong-key-of-some-32-characters!".getBytes(StandardCharsets.UTF_8), now, "nonce-forged-1"),
                "forged command refused: the HMAC does not match", 1);
        assertRefused(signed(set, "{\"level\": 2}", key, now - 120_000, "nonce-old-0001"), "expired command refused: its timestamp is 120 s", 1);

        MqttMessage valid = signed(set, "{\"level\": 4}", key, now, "nonce-valid-01");
        client.publish(set, valid);
        assertEquals(true, ack().json().get("accepted"));
        assertEquals(4, gateway.running.gateway().level());

        assertRefused(valid, "replayed command refused: nonce 'nonce-valid-01' was already used", 4);
    }

    @Test
    void aSignedCommandReplayedAfterARestartIsRefused() throws Exception {
        Path keyFile = tmp.resolve("hmac.key");
        byte[] key = "a-shared-secret-of-32-characters".getBytes(StandardCharsets.UTF_8);
        Files.write(keyFile, key);
        String id = "rp" + java.util.UUID.randomUUID().toString().substring(0, 6);
        String[] sets = {"gateway_id=" + id, "model.level=1", "control.hmac_key_file=" + keyFile, "control.hmac_window_seconds=30"};
        gateway = new GatewayFixture(TestModels.hasteResNet20(), sets).ready();
        client = new MqttTestClient("haste/" + id + "/#");
        MqttMessage c1 = signed(topic("set"), "{\"mode\": \"fixed\", \"level\": 2}", key, System.currentTimeMillis(), "nonce-restart-1");
        client.publish(topic("set"), c1);
        assertEquals(true, ack().json().get("accepted"));
        client.close();
        gateway.close();
        Thread.sleep(5);
        gateway = new GatewayFixture(TestModels.hasteResNet20(), sets).ready();
        client = new MqttTestClient("haste/" + id + "/#");
        assertRefused(c1, "replayed command refused: it was signed ", 1);
    }

    private void assertRefused(MqttMessage message, String reasonStart, int level) throws Exception {
        client.drain();
        client.publish(topic("set"), message);
        var error = client.await(r -> r.topic().endsWith("/errors"), 10);
        String reason = error.json().get("message").toString();
        assertTrue(reason.startsWith(reasonStart), reason);
        var ack = ack();
        assertEquals(false, ack.json().get("accepted"));
        assertEquals(List.of(reason), ack.json().get("errors"));
        assertEquals(level, gateway.running.gateway().level(), "settings unchanged");
    }
}
