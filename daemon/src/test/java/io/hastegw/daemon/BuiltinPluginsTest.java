package io.hastegw.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The built-in plugins in a real gateway (real Mosquitto, the HASTE ResNet-20, CIFAR-10 JPEGs):
 * the directory source replays a folder as cameras, the webhook sink POSTs every prediction,
 * the JSON Lines sink writes and rotates, the label filters rename, and a webhook that is slow
 * neither slows nor loses the MQTT predictions: its queue is bounded and its drops counted.
 */
@Tag("broker")
class BuiltinPluginsTest {
    private static final Map<String, List<String>> CAMERAS = Map.of("yard", List.of("cat", "ship", "truck"), "door", List.of("frog", "airplane"));
    private static final long JSONL_MAX = 1024;
    private static final double MIN_SCORE = 0.02;
    private static Path dir;
    private static HttpServer http;
    private static final List<byte[]> POSTED = new CopyOnWriteArrayList<>();
    private static final List<String> POSTED_TYPES = new CopyOnWriteArrayList<>();
    private static final List<String> SLOW = new CopyOnWriteArrayList<>();
    private static MqttTestClient client;
    private static GatewayFixture gateway;
    private static final List<MqttTestClient.Received> PREDICTIONS = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("haste-builtin-plugins");
        Path frames = dir.resolve("frames");
        for (Map.Entry<String, List<String>> camera : CAMERAS.entrySet()) {
            Path folder = Files.createDirectories(frames.resolve(camera.getKey()));
            for (String cls : camera.getValue()) {
                Files.copy(TestModels.cifar(cls, 1), folder.resolve(cls + ".jpg"));
            }
        }
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/ok", x -> {
            POSTED.add(x.getRequestBody().readAllBytes());
            POSTED_TYPES.add(x.getRequestHeaders().getFirst("Content-Type"));
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        http.createContext("/slow", x -> {
            SLOW.add(new String(x.getRequestBody().readAllBytes()));
            sleep(1000);
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        http.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        http.start();
        String id = "bp" + UUID.randomUUID().toString().substring(0, 6);
        client = new MqttTestClient("haste/" + id + "/#");
        gateway = new GatewayFixture(TestModels.hasteResNet20(), "gateway_id=" + id, "model.level=2",
                "plugins.settings.directory-source.enabled=true", "plugins.settings.directory-source.config.dir=" + frames,
                "plugins.settings.directory-source.config.rate=20",
                "plugins.settings.webhook-sink.enabled=true", "plugins.settings.webhook-sink.config.url=http://127.0.0.1:"
                        + http.getAddress().getPort() + "/ok",
                "plugins.settings.jsonl-sink.enabled=true", "plugins.settings.jsonl-sink.config.path=" + dir.resolve("predictions.jsonl"),
                "plugins.settings.jsonl-sink.config.max_bytes=" + JSONL_MAX, "plugins.settings.jsonl-sink.config.keep=2",
                "plugins.settings.label-filters.config.rename.cat=kitty", "plugins.settings.label-filters.config.rename.ship=boat",
                "plugins.settings.label-filters.config.min_score=" + MIN_SCORE, "plugins.settings.label-filters.config.zones.door=[\"frog\"]").ready();
        int frameCount = CAMERAS.values().stream().mapToInt(List::size).sum();
        for (int i = 0; i < frameCount; i++) {
            PREDICTIONS.add(client.await(r -> r.topic().endsWith("/predictions"), 30));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        gateway.close();
        http.stop(0);
        TestPlugins.deleteTree(dir);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Set<String> frameIds(List<byte[]> messages) {
        return messages.stream().map(m -> (String) Json.parse(m).get("frame_id")).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> expectedFrameIds() {
        return CAMERAS.entrySet().stream().flatMap(c -> c.getValue().stream().map(cls -> c.getKey() + "/" + cls + ".jpg"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void theDirectorySourceReplaysEachSubfolderAsACameraOnce() {
        assertEquals(expectedFrameIds(), frameIds(PREDICTIONS.stream().map(MqttTestClient.Received::payload).toList()));
        for (MqttTestClient.Received p : PREDICTIONS) {
            String frameId = (String) p.json().get("frame_id");
            assertEquals("haste/" + gateway.running.config().gatewayId() + "/cameras/" + frameId.split("/")[0] + "/predictions", p.topic());
        }
    }

    @Test
    void theWebhookSinkPostsEveryPredictionMessage() throws Exception {
        for (int i = 0; i < 100 && POSTED.size() < PREDICTIONS.size(); i++) {
            Thread.sleep(50);
        }
        assertEquals(expectedFrameIds(), frameIds(POSTED));
        assertEquals(List.of("application/json"), POSTED_TYPES.stream().distinct().toList());
        for (byte[] body : POSTED) {
            assertTrue(Json.validate("prediction", body).isEmpty(), Json.validate("prediction", body).toString());
        }
    }

    @Test
    void theJsonLinesSinkWritesOneLinePerPredictionAndRotatesBySize() throws Exception {
        Path file = dir.resolve("predictions.jsonl");
        List<Path> files = List.of(file, dir.resolve("predictions.jsonl.1"), dir.resolve("predictions.jsonl.2"));
        for (int i = 0; i < 100 && !Files.exists(files.get(2)); i++) {
            Thread.sleep(50);
        }
        List<byte[]> lines = new ArrayList<>();
        for (Path f : files) {
            assertTrue(Files.size(f) <= JSONL_MAX || Files.readAllLines(f).size() == 1, "rotated before passing max_bytes: " + f + " " + Files.size(f));
            Files.readAllLines(f).forEach(l -> lines.add(l.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        assertTrue(!Files.exists(dir.resolve("predictions.jsonl.3")), "keep = 2 rotated files");
        assertTrue(expectedFrameIds().containsAll(frameIds(lines)) && lines.size() == frameIds(lines).size(), "one line per prediction");
        for (byte[] line : lines) {
            assertTrue(Json.validate("prediction", line).isEmpty());
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> labels(String camera) {
        return PREDICTIONS.stream().filter(p -> p.topic().contains("/cameras/" + camera + "/"))
                .flatMap(p -> ((List<Map<String, Object>>) p.json().get("top")).stream()).toList();
    }

    @Test
    void theLabelFiltersRenameLabels() {
        Set<String> labels = labels("yard").stream().map(l -> (String) l.get("label")).collect(Collectors.toSet());
        assertTrue(!labels.contains("cat") && !labels.contains("ship"), labels.toString());
        assertTrue(labels.contains("kitty") && labels.contains("boat"), "cat and ship rank among the top 3 of these images: " + labels);
    }

    @Test
    void theThresholdRemovesLabelsScoringUnderIt() {
        assertTrue(labels("yard").stream().allMatch(l -> ((Number) l.get("score")).doubleValue() >= MIN_SCORE), labels("yard").toString());
    }

    @Test
    void theZoneFilterKeepsOnlyTheLabelsThatMatterForItsCamera() {
        assertEquals(Set.of("frog"), labels("door").stream().map(l -> (String) l.get("label")).collect(Collectors.toSet()),
                "the door's zone lists frog only; its frog image ranks frog first");
    }

    @Test
    void aSlowWebhookNeitherSlowsNorLosesMqttPredictionsAndItsDropsAreCounted() throws Exception {
        String id = "slow" + UUID.randomUUID().toString().substring(0, 6);
        int httpPort = LocalMosquitto.freePort();
        int frames = 30;
        try (MqttTestClient c = new MqttTestClient("haste/" + id + "/#");
             GatewayFixture g = new GatewayFixture(TestModels.hasteResNet20(), "gateway_id=" + id, "model.level=2", "plugins.sink_queue=4",
                     "plugins.settings.webhook-sink.enabled=true", "plugins.settings.webhook-sink.config.url=http://127.0.0.1:"
                             + http.getAddress().getPort() + "/slow", "plugins.settings.webhook-sink.config.timeout_ms=5000",
                     "pipeline.queue_per_camera=64", "http.enabled=true", "http.port=" + httpPort).ready()) {
            byte[] jpeg = Files.readAllBytes(TestModels.cifar("dog", 3));
            for (int i = 0; i < frames; i++) {
                c.publish("haste/" + id + "/cameras/cam" + (i % 3) + "/frames", jpeg, "image/jpeg", "f" + i, null);
            }
            for (int i = 0; i < frames; i++) {
                c.await(r -> r.topic().endsWith("/predictions"), 30);
            }
            int takenByWebhook = SLOW.size();
            assertTrue(takenByWebhook < frames / 2, "the webhook (1 s per request) took " + takenByWebhook + " while MQTT had all " + frames);
            String metrics = LocalHttp.get(httpPort, "/metrics");
            double dropped = counter(metrics, "haste_plugin_sink_dropped_total{plugin=\"webhook-sink\",sink=\"webhook\"}");
            assertTrue(dropped >= frames - 4 - 3, "dropped " + dropped + " of " + frames + " (queue 4): " + metrics);
        }
    }

    @Test
    void anUnreachableWebhookIsCountedAndShownInItsHealthWhileMqttGoesOn() throws Exception {
        String id = "down" + UUID.randomUUID().toString().substring(0, 6);
        int httpPort = LocalMosquitto.freePort();
        int closedPort = LocalMosquitto.freePort();
        try (MqttTestClient c = new MqttTestClient("haste/" + id + "/cameras/+/predictions");
             GatewayFixture g = new GatewayFixture(TestModels.hasteResNet20(), "gateway_id=" + id, "plugins.settings.webhook-sink.enabled=true",
                     "plugins.settings.webhook-sink.config.url=http://127.0.0.1:" + closedPort + "/hook", "plugins.settings.webhook-sink.config.retries=1",
                     "plugins.settings.webhook-sink.config.backoff_ms=10", "http.enabled=true", "http.port=" + httpPort).ready()) {
            c.publish("haste/" + id + "/cameras/cam/frames", Files.readAllBytes(TestModels.cifar("cat", 5)), "image/jpeg", "down-1", null);
            assertEquals("down-1", c.await(r -> true, 20).json().get("frame_id"));
            double failed = 0;
            for (int i = 0; i < 100 && failed == 0; i++) {
                Thread.sleep(50);
                failed = LocalHttp.get(httpPort, "/metrics").lines().filter(l -> l.startsWith("haste_plugin_webhook_failed_total{plugin=\"webhook-sink\"}"))
                        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(0);
            }
            assertEquals(1.0, failed, "the prediction's attempts all failed, counted once");
            @SuppressWarnings("unchecked")
            Map<String, Object> webhook = ((List<Map<String, Object>>) LocalHttp.status(httpPort).get("plugins")).stream()
                    .filter(p -> "webhook-sink".equals(p.get("id"))).findFirst().orElseThrow();
            assertEquals("running", webhook.get("state"), "an endpoint that is down does not disable the sink");
            assertEquals(false, webhook.get("healthy"));
            assertTrue(((String) webhook.get("health")).startsWith("last delivery to http://127.0.0.1:" + closedPort + "/hook failed: ConnectException"),
                    (String) webhook.get("health"));
        }
    }

    @Test
    void withPublishingOffPredictionsGoOnlyToTheOtherSinks() throws Exception {
        String id = "nomqtt" + UUID.randomUUID().toString().substring(0, 6);
        Path file = dir.resolve("only-file.jsonl");
        try (MqttTestClient c = new MqttTestClient("haste/" + id + "/#");
             GatewayFixture g = new GatewayFixture(TestModels.hasteResNet20(), "gateway_id=" + id, "mqtt.publish_predictions=false",
                     "plugins.settings.jsonl-sink.enabled=true", "plugins.settings.jsonl-sink.config.path=" + file).ready()) {
            c.publish("haste/" + id + "/cameras/cam/frames", Files.readAllBytes(TestModels.cifar("cat", 4)), "image/jpeg", "only-file", null);
            for (int i = 0; i < 200 && (!Files.exists(file) || Files.size(file) == 0); i++) {
                Thread.sleep(25);
            }
            assertEquals("only-file", Json.parse(Files.readAllLines(file).get(0).getBytes(java.nio.charset.StandardCharsets.UTF_8)).get("frame_id"));
            assertTrue(c.drain().stream().noneMatch(r -> r.topic().endsWith("/predictions")), "no prediction on MQTT");
        }
    }

    private static double counter(String metrics, String series) {
        return metrics.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no " + series));
    }
}
