package io.hastegw.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastegw.daemon.homeassistant.HomeAssistantDiscovery;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Home Assistant MQTT discovery against the real Mosquitto: the gateway's entities on connect,
 * a camera's entities on its first prediction, the statistics they read, the level settable
 * through what Home Assistant sends, and a forgotten camera's entities removed (empty retained
 * configs).
 */
@Tag("broker")
class HomeAssistantTest {
    @Test
    @SuppressWarnings("unchecked")
    void entitiesAreDeclaredFedSettableAndRemovedWithTheirCamera() throws Exception {
        String id = "ha" + UUID.randomUUID().toString().substring(0, 6);
        String node = "haste_" + id;
        List<String> configs = new ArrayList<>();
        try (MqttTestClient c = new MqttTestClient("homeassistant/+/" + node + "/#");
             MqttTestClient gw = new MqttTestClient("haste/" + id + "/#");
             GatewayFixture g = new GatewayFixture(TestModels.hasteResNet20(), "gateway_id=" + id, "model.level=1", "homeassistant.enabled=true",
                     "homeassistant.stats_period_s=1", "pipeline.camera_idle_seconds=2", "homeassistant.camera_retention_s=4").ready()) {
            var level = c.await(r -> r.topic().equals("homeassistant/number/" + node + "/level/config"), 10);
            configs.add(level.topic());
            Map<String, Object> l = level.json();
            assertEquals("level", l.get("name"));
            assertEquals(node + "_level", l.get("unique_id"));
            assertEquals("haste/" + id + "/control/state", l.get("state_topic"));
            assertEquals("{{ value_json.level }}", l.get("value_template"));
            assertEquals("haste/" + id + "/control/set", l.get("command_topic"));
            assertEquals("{\"mode\": \"fixed\", \"level\": {{ value | int }}}", l.get("command_template"));
            assertEquals(List.of(0, 8, 1), List.of(l.get("min"), l.get("max"), l.get("step")));
            assertEquals(List.of(Map.of("topic", "haste/" + id + "/status", "value_template", "{{ value_json.state }}", "payload_available", "online",
                    "payload_not_available", "offline")), l.get("availability"));
            assertEquals(List.of(node), ((Map<String, Object>) l.get("device")).get("identifiers"));
            for (String sensor : List.of("p95_latency", "energy_saved", "frames_per_second")) {
                var m = c.await(r -> r.topic().equals("homeassistant/sensor/" + node + "/" + sensor + "/config"), 10);
                configs.add(m.topic());
                assertEquals("haste/" + id + "/stats", m.json().get("state_topic"));
            }

            gw.publish("haste/" + id + "/cameras/porch/frames", Files.readAllBytes(TestModels.cifar("dog", 8)), "image/jpeg", "p1", null);
            Set<String> camera = new TreeSet<>();
            for (int i = 0; i < 3; i++) {
                var m = c.await(r -> r.topic().contains("/porch_") && r.payload().length > 0, 10);
                camera.add(m.topic());
                assertEquals("haste/" + id + "/" + (m.topic().contains("frames_per_second") ? "stats" : "cameras/porch/predictions"),
                        m.json().get("state_topic"));
                assertTrue(((String) m.json().get("name")).startsWith("porch "), (String) m.json().get("name"));
                assertEquals("all", m.json().get("availability_mode"), "available while the gateway and the camera both are");
                assertEquals(Map.of("topic", "haste/" + id + "/cameras/porch/availability", "payload_available", "online",
                        "payload_not_available", "offline"), ((List<Object>) m.json().get("availability")).get(1));
            }
            var online = gw.await(r -> r.topic().equals("haste/" + id + "/cameras/porch/availability"), 10);
            assertEquals("online", new String(online.payload(), StandardCharsets.UTF_8));
            assertEquals(Set.of("homeassistant/sensor/" + node + "/porch_frames_per_second/config", "homeassistant/sensor/" + node
                    + "/porch_label/config", "homeassistant/sensor/" + node + "/porch_score/config"), camera);

            var stats = gw.await(r -> r.topic().equals("haste/" + id + "/stats") && ((Map<?, ?>) r.json().get("cameras")).containsKey("porch"), 10);
            assertTrue(Json.validate("stats", stats.payload()).isEmpty(), Json.validate("stats", stats.payload()).toString());
            assertEquals("porch", ((Map<String, Object>) ((Map<String, Object>) stats.json().get("cameras")).get("porch")).get("camera_id"));

            // What Home Assistant publishes when the number is set to 4 (its command_template rendered).
            gw.publish("haste/" + id + "/control/set", new MqttMessage("{\"mode\": \"fixed\", \"level\": 4}".getBytes(StandardCharsets.UTF_8), 1,
                    false, new MqttProperties()));
            for (int i = 0; i < 100 && g.running.gateway().level() != 4; i++) {
                Thread.sleep(50);
            }
            assertEquals(4, g.running.gateway().level());

            // Idle (2 s without a frame): unavailable, not deleted (a camera that sends on motion keeps its entities and history).
            gw.await(r -> r.topic().equals("haste/" + id + "/cameras/porch/availability")
                    && new String(r.payload(), StandardCharsets.UTF_8).equals("offline"), 15);
            long offlineAt = System.nanoTime();
            // Silent for the retention (4 s): its entities and its availability are removed.
            Set<String> removed = new TreeSet<>();
            for (int i = 0; i < 3; i++) {
                removed.add(c.await(r -> r.topic().contains("/porch_") && r.payload().length == 0, 15).topic());
            }
            assertTrue(System.nanoTime() - offlineAt >= 1_000_000_000L, "removed after the retention, not at idle");
            assertEquals(camera, removed, "the camera's entities are removed after the retention");
            gw.await(r -> r.topic().equals("haste/" + id + "/cameras/porch/availability") && r.payload().length == 0, 10);
        } finally {
            try (MqttTestClient clear = new MqttTestClient("none/" + id)) {
                for (String topic : configs) {
                    clear.publish(topic, new MqttMessage(new byte[0], 1, true, new MqttProperties()));
                }
            }
        }
    }

    @Test
    void aCameraOfAnEarlierRunIsUnavailableAfterARestartAndRemovedAfterTheRetention() throws Exception {
        String id = "hr" + UUID.randomUUID().toString().substring(0, 6);
        String node = "haste_" + id;
        String availability = "haste/" + id + "/cameras/yard/availability";
        Set<String> configs = new TreeSet<>();
        try (MqttTestClient c = new MqttTestClient("homeassistant/+/" + node + "/#");
             MqttTestClient gw = new MqttTestClient("haste/" + id + "/#")) {
            try (GatewayFixture first = new GatewayFixture(TestModels.hasteResNet20(), "gateway_id=" + id, "homeassistant.enabled=true").ready()) {
                gw.publish("haste/" + id + "/cameras/yard/frames", Files.readAllBytes(TestModels.cifar("cat", 2)), "image/jpeg", "y1", null);
                for (int i = 0; i < 3; i++) {
                    configs.add(c.await(r -> r.topic().contains("/yard_") && r.payload().length > 0, 15).topic());
                }
            }
            c.drain();
            gw.drain();
            // The restarted gateway never hears from yard: it reads back yard's retained configs, marks yard unavailable, and
            // removes its entities once the retention has passed, instead of leaving them orphaned for ever.
            try (GatewayFixture second = new GatewayFixture(TestModels.hasteResNet20(), "gateway_id=" + id, "homeassistant.enabled=true",
                    "homeassistant.stats_period_s=1", "homeassistant.camera_retention_s=3").ready()) {
                gw.await(r -> r.topic().equals(availability) && new String(r.payload(), StandardCharsets.UTF_8).equals("offline"), 10);
                Set<String> removed = new TreeSet<>();
                for (int i = 0; i < 3; i++) {
                    removed.add(c.await(r -> r.topic().contains("/yard_") && r.payload().length == 0, 15).topic());
                }
                assertEquals(configs, removed, "every entity of the earlier run's camera removed");
                gw.await(r -> r.topic().equals(availability) && r.payload().length == 0, 10);
            }
        } finally {
            List<String> clear = new ArrayList<>(configs);
            clear.add(availability);
            clear.add("homeassistant/number/" + node + "/level/config");
            clear.add("homeassistant/select/" + node + "/mode/config");
            for (String sensor : List.of("p95_latency", "energy_saved", "frames_per_second")) {
                clear.add("homeassistant/sensor/" + node + "/" + sensor + "/config");
            }
            MqttTestClient.clearRetained(clear);
        }
    }

    @Test
    void withSignedCommandsTheLevelIsAReadOnlySensor() {
        var messages = new HomeAssistantDiscovery("homeassistant", "gw1", "resnet20", "1.0", false).gateway(9, false);
        assertEquals("homeassistant/sensor/haste_gw1/level/config", messages.get(0).topic());
        assertFalse(new String(messages.get(0).payload(), StandardCharsets.UTF_8).contains("command_topic"));
    }

    @Test
    void entitiesProposeTheirEntityIdAModeSelectReturnsToAutoAndNothingChangesPerFrameButTheValue() {
        HomeAssistantDiscovery ha = new HomeAssistantDiscovery("homeassistant", "gw1", "resnet20", "1.0", false);
        Map<String, Map<String, Object>> configs = new java.util.TreeMap<>();
        ha.gateway(9, true).forEach(m -> configs.put(m.topic(), Json.parse(m.payload())));
        ha.camera("porch").forEach(m -> configs.put(m.topic(), Json.parse(m.payload())));
        configs.forEach((topic, c) -> {
            assertFalse(c.containsKey("object_id"), topic + ": object_id is ignored since Home Assistant 2026.4");
            String[] parts = topic.split("/");
            assertEquals(parts[1] + ".haste_gw1_" + parts[3], c.get("default_entity_id"), topic);
            assertFalse(c.containsKey("json_attributes_topic"), topic + ": no per-frame attributes");
        });
        Map<String, Object> mode = configs.get("homeassistant/select/haste_gw1/mode/config");
        assertEquals("haste/gw1/control/state", mode.get("state_topic"));
        assertEquals("{{ value_json.settings.mode }}", mode.get("value_template"));
        assertEquals("haste/gw1/control/set", mode.get("command_topic"));
        assertEquals("{\"mode\": \"{{ value }}\"}", mode.get("command_template"));
        assertEquals(List.of("auto", "fixed", "off"), mode.get("options"));
        assertEquals("{{ (value_json.top[0].score * 100) | round | int if value_json.top else 0 }}",
                configs.get("homeassistant/sensor/haste_gw1/porch_score/config").get("value_template"));
        assertFalse(new HomeAssistantDiscovery("homeassistant", "gw1", "resnet20", "1.0", false).gateway(9, false).stream()
                .anyMatch(m -> m.topic().contains("/select/")), "no mode select when commands must be signed");
    }

    @Test
    void aCameraIdOutsideTheSafeCharactersGetsAHashedKey() {
        String key = HomeAssistantDiscovery.key("Front Door's \"cam\" {{ 7*7 }}");
        assertTrue(key.matches("front_door_s_cam_7_7_[0-9a-f]{8}"), key);
        assertEquals("porch_2", HomeAssistantDiscovery.key("porch_2"));
        Set<String> topics = new HomeAssistantDiscovery("homeassistant", "gw1", "m", "1", false).camera("Front Door's \"cam\" {{ 7*7 }}").stream()
                .map(HomeAssistantDiscovery.Message::topic).collect(Collectors.toSet());
        assertTrue(topics.stream().allMatch(t -> t.matches("homeassistant/sensor/haste_gw1/[a-z0-9_]+/config")), topics.toString());
    }

    @Test
    void aDetectorsCameraHasItsBestDetectionAndObjectCountAndEachZoneLabelASensor() {
        HomeAssistantDiscovery ha = new HomeAssistantDiscovery("homeassistant", "gw1", "scene-detector", "1", true);
        Map<String, Map<String, Object>> configs = new java.util.TreeMap<>();
        ha.camera("yard").forEach(m -> configs.put(m.topic(), Json.parse(m.payload())));
        assertEquals("{{ value_json.detections[0].label if value_json.detections else 'none' }}",
                configs.get("homeassistant/sensor/haste_gw1/yard_label/config").get("value_template"));
        Map<String, Object> objects = configs.get("homeassistant/sensor/haste_gw1/yard_objects/config");
        assertEquals("{{ value_json.detections | length }}", objects.get("value_template"));
        assertEquals("haste/gw1/cameras/yard/predictions", objects.get("state_topic"));
        HomeAssistantDiscovery.Message zone = ha.zone("yard", "drive-way", "car", "haste/gw1/cameras/yard/zones/drive-way/car");
        assertTrue(zone.topic().matches("homeassistant/sensor/haste_gw1/yard_zone_drive_way_[0-9a-f]{8}_car/config"), zone.topic());
        Map<String, Object> z = Json.parse(zone.payload());
        assertEquals("car in drive-way (yard)", z.get("name"));
        assertEquals("haste/gw1/cameras/yard/zones/drive-way/car", z.get("state_topic"));
        assertEquals("{{ value | int }}", z.get("value_template"));
        assertEquals("objects", z.get("unit_of_measurement"));
        assertEquals("measurement", z.get("state_class"));
    }
}
