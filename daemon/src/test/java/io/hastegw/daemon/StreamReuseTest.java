package io.hastegw.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastegw.op.card.ModelCard;
import io.hastegw.op.eval.Preprocessor;
import io.hastegw.op.runtime.FrameSignature;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * HASTE stream reuse in the running gateway, on the real Mosquitto, the HASTE ResNet-20 and real
 * CIFAR-10 images: reuse and refreshes by cause in /status and /metrics, the memory budget, the
 * switch, and one camera's frames on several workers.
 */
@Tag("broker")
class StreamReuseTest {
    private static final Path CAT = TestModels.cifar("cat", 0);
    private static final Path SHIP = TestModels.cifar("ship", 2);

    private static GatewayFixture start(int port, String... sets) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of("model.level=3", "http.enabled=true", "http.port=" + port,
                "pipeline.queue_per_camera=64"));
        all.addAll(List.of(sets));
        return new GatewayFixture(TestModels.hasteResNet20(), all.toArray(new String[0])).ready();
    }

    @Test
    void repeatedFramesReuseTheCamerasStateAndASceneCutOrALevelChangeRefreshesIt() throws Exception {
        ModelCard card = ModelCard.read(TestModels.resnet20Card());
        Preprocessor pre = new Preprocessor(card);
        double cut = FrameSignature.of(pre.load(CAT)).distance(FrameSignature.of(pre.load(SHIP)));
        assertTrue(cut > 0.25, "the two images are a scene cut for the default threshold: " + cut);
        int port = LocalMosquitto.freePort();
        try (GatewayFixture g = start(port); MqttTestClient client = new MqttTestClient(g.all())) {
            for (int i = 0; i < 4; i++) {
                send(client, g, "a", CAT, "cat" + i);
            }
            send(client, g, "a", SHIP, "ship");
            client.publish("haste/" + g.id + "/control/level/set", "5".getBytes(StandardCharsets.UTF_8), null, null, null);
            client.await(r -> r.topic().endsWith("/control/level/state") && Integer.valueOf(5).equals(r.json().get("level")), 10);
            send(client, g, "a", SHIP, "ship-level5");

            Map<String, Object> reuse = streamReuse(port);
            assertEquals(true, reuse.get("enabled"));
            assertEquals(6, ((Number) reuse.get("frames")).intValue());
            assertEquals(3, ((Number) reuse.get("reused")).intValue());
            assertEquals(Map.of("first", 1, "level", 1, "model", 0, "quiet", 0, "interval", 0, "drift", 1), Map.copyOf(intValues(reuse.get("refreshes"))));
            assertEquals(1, ((Number) reuse.get("cameras_with_state")).intValue());
            assertTrue(((Number) reuse.get("state_bytes")).longValue() > 0);
            String metrics = LocalHttp.get(port, "/metrics");
            assertTrue(metrics.contains("haste_stream_reused_frames_total 3.0"), metrics);
            assertTrue(metrics.contains("haste_stream_refreshes_total{cause=\"drift\"} 1.0"), metrics);
            assertTrue(metrics.contains("haste_stream_refreshes_total{cause=\"level\"} 1.0"), metrics);
            assertTrue(metrics.contains("haste_stream_reuse_ratio 0.5"), metrics);
        }
    }

    @Test
    void beyondTheMemoryBudgetTheLeastRecentlyUsedCameraLosesItsState() throws Exception {
        int port = LocalMosquitto.freePort();
        long oneCamera;
        try (GatewayFixture g = start(port); MqttTestClient client = new MqttTestClient(g.all())) {
            send(client, g, "probe", CAT, "p");
            oneCamera = ((Number) streamReuse(port).get("state_bytes")).longValue();
        }
        long budgetMb = (long) Math.ceil(1.5 * oneCamera / (1 << 20));
        assertTrue(budgetMb << 20 < 2 * oneCamera, "room for one camera's state, not two: " + oneCamera + " bytes each");
        port = LocalMosquitto.freePort();
        try (GatewayFixture g = start(port, "model.stream_reuse.memory_budget_mb=" + budgetMb); MqttTestClient client = new MqttTestClient(g.all())) {
            send(client, g, "a", CAT, "a1");
            send(client, g, "b", CAT, "b1");
            Map<String, Object> reuse = streamReuse(port);
            assertEquals(1, ((Number) reuse.get("evictions")).intValue(), "a's state dropped for b's");
            assertEquals(1, ((Number) reuse.get("cameras_with_state")).intValue());
            assertTrue(((Number) reuse.get("state_bytes")).longValue() <= budgetMb << 20);
            send(client, g, "a", CAT, "a2");
            reuse = streamReuse(port);
            assertEquals(0, ((Number) reuse.get("reused")).intValue(), "a starts again from a refresh");
            assertEquals(3, intValues(reuse.get("refreshes")).get("first"));
            assertEquals(2, ((Number) reuse.get("evictions")).intValue());
        }
    }

    @Test
    void withReuseOffEveryFrameRunsOnItsOwnAndNothingIsKept() throws Exception {
        int port = LocalMosquitto.freePort();
        try (GatewayFixture g = start(port, "model.stream_reuse.enabled=false"); MqttTestClient client = new MqttTestClient(g.all())) {
            var first = send(client, g, "a", CAT, "1");
            var second = send(client, g, "a", CAT, "2");
            assertEquals(first.json().get("top"), second.json().get("top"));
            assertEquals(first.json().get("macs"), second.json().get("macs"), "both hashed and merged: the same MACs");
            assertEquals(Map.of("enabled", false), streamReuse(port));
            assertFalse(LocalHttp.get(port, "/metrics").contains("haste_stream_"));
        }
    }

    @Test
    void oneCamerasFramesOnTwoWorkersAllComeBack() throws Exception {
        int port = LocalMosquitto.freePort();
        try (GatewayFixture g = start(port, "pipeline.workers=2", "pipeline.max_in_flight=2"); MqttTestClient client = new MqttTestClient(g.all())) {
            byte[] cat = Files.readAllBytes(CAT);
            for (int i = 0; i < 24; i++) {
                client.publish(g.frames("busy"), cat, "image/jpeg", "f" + i, null);
            }
            Set<Object> ids = new HashSet<>();
            for (int i = 0; i < 24; i++) {
                ids.add(client.await(r -> r.topic().endsWith("/cameras/busy/predictions"), 30).json().get("frame_id"));
            }
            assertEquals(24, ids.size());
            Map<String, Object> reuse = streamReuse(port);
            assertEquals(24, ((Number) reuse.get("frames")).intValue());
            int refreshed = intValues(reuse.get("refreshes")).values().stream().mapToInt(Integer::intValue).sum();
            assertEquals(24, ((Number) reuse.get("reused")).intValue() + refreshed);
            assertEquals(1, intValues(reuse.get("refreshes")).get("first"), "one state for the camera, however many workers");
        }
    }

    private static MqttTestClient.Received send(MqttTestClient client, GatewayFixture g, String camera, Path image, String frameId)
            throws Exception {
        client.publish(g.frames(camera), Files.readAllBytes(image), "image/jpeg", frameId, null);
        return client.await(r -> r.topic().endsWith("/predictions") && frameId.equals(r.json().get("frame_id")), 20);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> streamReuse(int port) throws Exception {
        Map<String, Object> status = Json.parse(LocalHttp.get(port, "/status").getBytes(StandardCharsets.UTF_8));
        return (Map<String, Object>) ((Map<String, Object>) status.get("engine")).get("stream_reuse");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Integer> intValues(Object map) {
        Map<String, Integer> out = new java.util.TreeMap<>();
        ((Map<String, Object>) map).forEach((k, v) -> out.put(k, ((Number) v).intValue()));
        return out;
    }

}
