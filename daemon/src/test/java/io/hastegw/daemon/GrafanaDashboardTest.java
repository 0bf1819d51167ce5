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
 * deploy/grafana: every metric the dashboard queries is one a real gateway serves (so the
 * dashboard cannot drift from /metrics), it filters on the {@code gateway_id} label, and the
 * example Prometheus configuration sets that label on each target.
 */
@Tag("broker")
class GrafanaDashboardTest {
    private static final Path GRAFANA = Path.of(System.getProperty("haste.repo.dir", "..")).resolve("deploy/grafana");

    @Test
    void everyMetricTheDashboardQueriesIsServedByAGateway(@TempDir Path tmp) throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(GRAFANA.resolve("haste-gateway.json").toFile());
        Set<String> queried = new TreeSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                String expr = target.get("expr").asText();
                assertTrue(expr.contains("gateway_id=~\"$gateway_id\""), panel.get("title") + ": " + expr);
                Matcher m = Pattern.compile("haste_[a-z0-9_]+").matcher(expr);
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
            // Per-camera drop and shed counters are born with a camera's first dropped or shed frame (none here).
            assertEquals(Set.of("haste_frames_dropped_total", "haste_frames_shed_total"), missing, "queried by the dashboard but not served");
        }
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
