package io.hastegw.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/grafana: every metric the dashboard queries is one a real gateway serves from its first
 * frame on (so the dashboard cannot drift from /metrics, and no panel says "No data" while a counter
 * has not counted yet), it filters on the {@code gateway_id} label, states read as states (a
 * disconnected broker or a down gateway is red, not green), and the example Prometheus
 * configuration sets that label on each target.
 */
class GrafanaDashboardTest {
    private static final Path GRAFANA = Path.of(System.getProperty("haste.repo.dir", "..")).resolve("deploy/grafana");

    @Test
    @Tag("broker")
    void everyMetricTheDashboardQueriesIsServedByAGateway(@TempDir Path tmp) throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(GRAFANA.resolve("haste-gateway.json").toFile());
        Set<String> queried = new TreeSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                String expr = target.get("expr").asText();
                assertTrue(expr.contains("gateway_id=~\"$gateway_id\""), panel.get("title") + ": " + expr);
                Matcher m = Pattern.compile("haste_[a-z0-9_]+|\\bup\\b").matcher(expr);
                while (m.find()) {
                    queried.add(m.group());
                }
            }
        }
        assertEquals("label_values(haste_compression_level, gateway_id)", dashboard.at("/templating/list/0/definition").asText());
        int port = LocalMosquitto.freePort();
        String id = "gf" + UUID.randomUUID().toString().substring(0, 6);
        try (MqttTestClient c = new MqttTestClient("haste/" + id + "/cameras/+/predictions");
             GatewayFixture g = new GatewayFixture(TestModels.hasteResNet20(), "gateway_id=" + id, "http.enabled=true", "http.port=" + port,
                     "plugins.settings.jsonl-sink.enabled=true", "plugins.settings.jsonl-sink.config.path=" + tmp.resolve("p.jsonl")).ready()) {
            c.publish("haste/" + id + "/cameras/cam/frames", Files.readAllBytes(TestModels.cifar("cat", 9)), "image/jpeg", "g1", null);
            c.await(r -> true, 20);
            c.publish("haste/" + id + "/cameras/cam/frames", "not an image".getBytes(java.nio.charset.StandardCharsets.UTF_8), "image/jpeg", "g2", null);
            Thread.sleep(1500);
            Set<String> served = new TreeSet<>();
            LocalHttp.get(port, "/metrics").lines().filter(l -> !l.startsWith("#")).forEach(l -> served.add(l.split("[{ ]")[0]));
            Set<String> missing = new TreeSet<>(queried);
            missing.removeAll(served);
            // up is Prometheus' own series about its scrape; everything else comes from the gateway, at 0 before it counts.
            assertEquals(Set.of("up"), missing, "queried by the dashboard but not served");
            String metrics = LocalHttp.get(port, "/metrics");
            assertTrue(metrics.contains("haste_frames_dropped_total{camera=\"cam\"} 0.0"), "no drop yet, served at 0");
            assertTrue(metrics.contains("haste_frames_shed_total{camera=\"cam\"} 0.0"), "no shedding yet, served at 0");
            assertTrue(metrics.contains("haste_frame_errors_total{reason=\"dropped\"} 0.0"), "every reason served at 0");
        }
    }

    @Test
    void statesReadAsStatesAndTemperatureHasItsUnit() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(GRAFANA.resolve("haste-gateway.json").toFile());
        Map<String, JsonNode> byTitle = new java.util.HashMap<>();
        dashboard.get("panels").forEach(p -> byTitle.put(p.get("title").asText(), p));
        for (String[] state : new String[][] {{"MQTT connected", "disconnected", "connected"}, {"Gateway up (scrape)", "down", "up"}}) {
            JsonNode defaults = byTitle.get(state[0]).at("/fieldConfig/defaults");
            assertEquals(state[1], defaults.at("/mappings/0/options/0/text").asText(), state[0]);
            assertEquals("red", defaults.at("/mappings/0/options/0/color").asText(), state[0]);
            assertEquals(state[2], defaults.at("/mappings/0/options/1/text").asText(), state[0]);
            assertEquals("red", defaults.at("/thresholds/steps/0/color").asText(), state[0] + ": below 1 is red");
            assertEquals("green", defaults.at("/thresholds/steps/1/color").asText(), state[0]);
        }
        assertEquals("up{gateway_id=~\"$gateway_id\"}", byTitle.get("Gateway up (scrape)").at("/targets/0/expr").asText());
        assertEquals("red", byTitle.get("Plugins disabled").at("/fieldConfig/defaults/thresholds/steps/1/color").asText(), "one disabled is red");
        assertEquals("celsius", byTitle.get("Temperature and throttling").at("/fieldConfig/defaults/unit").asText());
        for (JsonNode panel : dashboard.get("panels")) {
            if (panel.get("type").asText().equals("stat")) {
                String mode = panel.at("/fieldConfig/defaults/color/mode").asText();
                assertTrue(mode.equals("thresholds") || mode.equals("fixed"), panel.get("title") + ": no default green for a figure");
            }
        }
        int width = 0;
        for (JsonNode panel : dashboard.get("panels")) {
            if (panel.at("/gridPos/y").asInt() == 0) {
                width += panel.at("/gridPos/w").asInt();
            }
        }
        assertEquals(24, width, "the stat row fills the dashboard's 24 columns");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theExamplePrometheusConfigurationLabelsEachGateway() throws Exception {
        Map<String, Object> config = new Yaml().load(Files.readString(GRAFANA.resolve("prometheus.yml")));
        Map<String, Object> job = ((List<Map<String, Object>>) config.get("scrape_configs")).get(0);
        assertEquals("/metrics", job.get("metrics_path"));
        for (Map<String, Object> target : (List<Map<String, Object>>) job.get("static_configs")) {
            assertTrue(((Map<String, Object>) target.get("labels")).containsKey("gateway_id"), target.toString());
        }
    }
}
