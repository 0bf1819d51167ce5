package io.hastegw.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Plugin commands on {@code control/plugins/set} against a real gateway on Mosquitto: a running post-processor is
 * disabled and enabled again, its jar replaced and reloaded, a plugin the configuration leaves off and a sink are
 * enabled while frames flow, each answered with a {@code haste.plugin.ack/1} that validates against its schema; bad,
 * retained and impossible commands are refused with their reasons, and nothing changes.
 */
@Tag("broker")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PluginCommandsTest {
    private static Path dir;
    private static Path plugins;
    private static GatewayFixture gateway;
    private static MqttTestClient client;
    private static int frames;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("haste-plugin-commands");
        plugins = Files.createDirectories(dir.resolve("plugins"));
        relabel("seen:");
        TestPlugins.postProcessor(plugins.resolve("late.jar"), "late",
                "return labels.stream().map(l -> new ScoredLabel(l.index(), \"late:\" + l.label(), l.score())).toList();", List.of());
        TestPlugins.plugin(plugins.resolve("copier.jar"), "copier", "test.copier.P", Map.of("test.copier.P", """
                package test.copier;
                import io.hastegw.plugin.api.*;
                public final class P implements Plugin {
                  public void init(PluginContext c, Extensions e) {
                    e.predictionSink("copy", p -> c.mqtt().publish("haste/" + c.gatewayId() + "/copies", p.frameId().getBytes(), 0, false,
                        java.util.Map.of(), null, null));
                  }
                }
                """), List.of());
        String id = "pc" + UUID.randomUUID().toString().substring(0, 6);
        client = new MqttTestClient("haste/" + id + "/#");
        gateway = new GatewayFixture(TestModels.hasteResNet20(), "gateway_id=" + id, "model.level=2", "plugins.dir=" + plugins,
                "plugins.settings.relabel.enabled=true").ready();
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        gateway.close();
        TestPlugins.deleteTree(dir);
    }

    private static void relabel(String prefix) {
        TestPlugins.postProcessor(plugins.resolve("relabel.jar"), "relabel",
                "return labels.stream().map(l -> new ScoredLabel(l.index(), \"" + prefix + "\" + l.label(), l.score())).toList();", List.of());
    }

    private static String topic(String leaf) {
        return "haste/" + gateway.running.config().gatewayId() + "/" + leaf;
    }

    /** Sends {@code json} as a plugin command and returns its answer, checked against the ack's schema. */
    private static Map<String, Object> command(String json) throws Exception {
        client.fire(topic("control/plugins/set"), json.getBytes(StandardCharsets.UTF_8));
        MqttTestClient.Received ack = client.await(r -> r.topic().equals(topic("control/plugins/ack")), 60);
        assertTrue(Json.validate("plugin-ack", ack.payload()).isEmpty(), new String(ack.payload(), StandardCharsets.UTF_8));
        return ack.json();
    }

    /** The top label of a new frame's prediction. */
    @SuppressWarnings("unchecked")
    private static String topLabel() throws Exception {
        String frameId = "f" + frames++;
        client.publish(topic("cameras/cam/frames"), Files.readAllBytes(TestModels.cifar("cat", 0)), "image/jpeg", frameId, null);
        Map<String, Object> p = client.await(r -> r.topic().endsWith("/predictions") && frameId.equals(r.json().get("frame_id")), 30).json();
        return (String) ((List<Map<String, Object>>) p.get("top")).get(0).get("label");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> status(Map<String, Object> ack) {
        return (Map<String, Object>) ack.get("status");
    }

    @Test
    @Order(1)
    void disablingARunningPluginTakesItsStageOutAndEnablingPutsItBack() throws Exception {
        assertEquals("seen:cat", topLabel());
        Map<String, Object> off = command("{\"plugin\": \"relabel\", \"action\": \"disable\"}");
        assertEquals(true, off.get("accepted"));
        assertEquals("disabled", status(off).get("state"));
        assertEquals("disabled by an operator command from " + topic("control/plugins/set") + " (until an enable or reload command or the next start)",
                status(off).get("reason"));
        assertEquals("cat", topLabel());
        Map<String, Object> on = command("{\"schema\": \"haste.plugin.command/1\", \"plugin\": \"relabel\", \"action\": \"enable\"}");
        assertEquals(true, on.get("accepted"));
        assertEquals("running", status(on).get("state"));
        assertEquals("process", status(on).get("isolation"));
        assertEquals("seen:cat", topLabel());
    }

    @Test
    @Order(2)
    void reloadReadsTheReplacedJar() throws Exception {
        relabel("v2:");
        Map<String, Object> ack = command("{\"plugin\": \"relabel\", \"action\": \"reload\"}");
        assertEquals(true, ack.get("accepted"), ack.toString());
        assertEquals("v2:cat", topLabel());
    }

    @Test
    @Order(3)
    void aPluginTheConfigurationLeavesOffAndASinkCanBeEnabledWhileFramesFlow() throws Exception {
        assertEquals(true, command("{\"plugin\": \"late\", \"action\": \"enable\"}").get("accepted"));
        assertEquals("late:v2:cat", topLabel());
        assertEquals(true, command("{\"plugin\": \"copier\", \"action\": \"enable\"}").get("accepted"));
        String frameId = "f" + frames;
        topLabel();
        assertEquals(frameId, new String(client.await(r -> r.topic().equals(topic("copies")), 30).payload(), StandardCharsets.UTF_8));
        assertEquals(true, command("{\"plugin\": \"copier\", \"action\": \"disable\"}").get("accepted"));
        assertEquals(true, command("{\"plugin\": \"late\", \"action\": \"disable\"}").get("accepted"));
        String after = "f" + frames;
        assertEquals("v2:cat", topLabel());
        List<String> copies = new ArrayList<>();
        client.fire(topic("control/get"), new byte[0]);
        client.await(r -> {
            if (r.topic().equals(topic("copies"))) {
                copies.add(new String(r.payload(), StandardCharsets.UTF_8));
            }
            return r.topic().equals(topic("control/ack"));
        }, 30);
        assertFalse(copies.contains(after), "the disabled sink got no more predictions: " + copies);
    }

    @Test
    @Order(4)
    void impossibleCommandsAreRefusedWithTheirReasonsAndChangeNothing() throws Exception {
        Map<String, Object> running = command("{\"plugin\": \"relabel\", \"action\": \"enable\"}");
        assertEquals(List.of("plugin 'relabel' is already running (to read its jars again: action reload)"), running.get("errors"));
        assertEquals("running", status(running).get("state"));
        Map<String, Object> held = command("{\"plugin\": \"energy-profiles\", \"action\": \"disable\"}");
        assertEquals(List.of("plugin 'energy-profiles' provides energy:profile, which the pipeline chose at start (pipeline.preprocessor, "
                + "energy.model, the compression policies): restart the gateway to change it"), held.get("errors"));
        Map<String, Object> unknown = command("{\"plugin\": \"nope\", \"action\": \"enable\"}");
        assertEquals(false, unknown.get("accepted"));
        assertTrue(((List<?>) unknown.get("errors")).get(0).toString().startsWith("plugin 'nope' did not start: refused: no plugin with this id in "),
                unknown.toString());
        Map<String, Object> bad = command("{\"plugin\": 3, \"action\": \"restart\", \"force\": true}");
        assertEquals(List.of("unknown field 'force'; known: schema, plugin, action", "plugin must be a plugin id (a string)",
                "action must be one of enable, disable, reload (got \"restart\")"), bad.get("errors"));
        assertEquals(null, bad.get("plugin"));
        assertEquals(List.of("not JSON: Unrecognized token 'disable': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"),
                command("disable relabel").get("errors"));
        assertEquals("v2:cat", topLabel());
    }

    @Test
    @Order(5)
    void aRetainedCommandIsRefused() throws Exception {
        client.publish(topic("control/plugins/set"), new MqttMessage("{\"plugin\": \"relabel\", \"action\": \"disable\"}".getBytes(StandardCharsets.UTF_8),
                1, true, new MqttProperties()));
        try {
            MqttTestClient.Received ack = client.await(r -> r.topic().equals(topic("control/plugins/ack")), 30);
            assertEquals(false, ack.json().get("accepted"));
            assertTrue(((List<?>) ack.json().get("errors")).get(0).toString().startsWith("control command published with the retain flag refused"));
            assertEquals("v2:cat", topLabel());
        } finally {
            MqttTestClient.clearRetained(List.of(topic("control/plugins/set")));
        }
    }
}
