package io.hastegw.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The third-party example, plugins/examples/http-snapshot-source, built from its sources during
 * the test (as its own pom would: against the plugin API only), installed in an operator plugins
 * folder, enabled and configured: its snapshots become a camera's predictions, and a camera whose
 * URL fails shows in the plugin's health while the other goes on.
 */
@Tag("broker")
class ExamplePluginTest {
    private static final Path EXAMPLE = Path.of(System.getProperty("haste.repo.dir", "..")).resolve("plugins/examples/http-snapshot-source");
    private Path dir;
    private HttpServer http;

    @BeforeEach
    void snapshots() throws IOException {
        dir = Files.createTempDirectory("haste-example-plugin");
        byte[] jpeg = Files.readAllBytes(TestModels.cifar("horse", 2));
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/porch.jpg", x -> {
            x.getResponseHeaders().add("Content-Type", "image/jpeg");
            x.sendResponseHeaders(200, jpeg.length);
            x.getResponseBody().write(jpeg);
            x.close();
        });
        http.start();
    }

    @AfterEach
    void stop() throws IOException {
        http.stop(0);
        TestPlugins.deleteTree(dir);
    }

    /** The example's jar, built from its sources and resources as its pom would build it. */
    private Path build() throws IOException {
        Map<String, String> sources = new LinkedHashMap<>();
        Map<String, String> resources = new LinkedHashMap<>();
        Path java = EXAMPLE.resolve("src/main/java");
        Path res = EXAMPLE.resolve("src/main/resources");
        try (Stream<Path> walk = Files.walk(java)) {
            for (Path f : walk.filter(p -> p.toString().endsWith(".java")).toList()) {
                String name = java.relativize(f).toString().replace('/', '.');
                sources.put(name.substring(0, name.length() - ".java".length()), Files.readString(f));
            }
        }
        try (Stream<Path> walk = Files.walk(res)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                resources.put(res.relativize(f).toString(), Files.readString(f));
            }
        }
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        return TestPlugins.jar(plugins.resolve("http-snapshot-source-1.0.0.jar"), sources, resources, List.of());
    }

    @Test
    void itsSnapshotsBecomePredictionsAndAFailingCameraShowsInItsHealth() throws Exception {
        Path jar = build();
        String id = "ex" + UUID.randomUUID().toString().substring(0, 6);
        int httpPort = LocalMosquitto.freePort();
        String base = "http://127.0.0.1:" + http.getAddress().getPort();
        try (MqttTestClient client = new MqttTestClient("haste/" + id + "/cameras/+/predictions");
             GatewayFixture gateway = new GatewayFixture(TestModels.hasteResNet20(), "gateway_id=" + id, "model.level=2",
                     "plugins.dir=" + jar.getParent(), "plugins.settings.http-snapshot-source.enabled=true",
                     "plugins.settings.http-snapshot-source.config.cameras.porch=" + base + "/porch.jpg",
                     "plugins.settings.http-snapshot-source.config.cameras.garage=" + base + "/missing.jpg",
                     "plugins.settings.http-snapshot-source.config.interval_ms=200", "http.enabled=true", "http.port=" + httpPort).ready()) {
            for (int i = 0; i < 3; i++) {
                var prediction = client.await(r -> true, 20);
                assertEquals("haste/" + id + "/cameras/porch/predictions", prediction.topic());
                assertEquals("http-snapshot", prediction.json().get("user_properties") == null ? null
                        : ((Map<?, ?>) prediction.json().get("user_properties")).get("source"));
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> plugin = ((List<Map<String, Object>>) LocalHttp.status(httpPort).get("plugins")).stream()
                    .filter(p -> "http-snapshot-source".equals(p.get("id"))).findFirst().orElseThrow();
            assertEquals("running", plugin.get("state"));
            assertEquals("operator", plugin.get("origin"));
            assertEquals(false, plugin.get("healthy"));
            assertTrue(((String) plugin.get("health")).startsWith("snapshots failing: {garage=java.io.IOException: HTTP 404}"),
                    (String) plugin.get("health"));
        }
    }
}
