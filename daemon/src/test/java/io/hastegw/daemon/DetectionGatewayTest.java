package io.hastegw.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.hastegw.op.card.ModelCard;
import io.hastegw.op.detection.Detection;
import io.hastegw.op.detection.DetectionDecoder;
import io.hastegw.op.eval.Preprocessor;
import io.hastegw.op.onnx.FloatTensor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A detector in the gateway against the real Mosquitto: the shared scene-detector (dense), real
 * labelled scenes, zones on camera {@code yard} (its left half counts horses and frogs), the HTTP
 * endpoint with the cameras' latest frames.
 */
@Tag("broker")
class DetectionGatewayTest {
    private static GatewayFixture gateway;
    private static MqttTestClient client;
    private static int httpPort;
    private static ModelCard card;

    @BeforeAll
    static void start() throws Exception {
        httpPort = LocalMosquitto.freePort();
        card = ModelCard.read(TestModels.detectorCard());
        gateway = new GatewayFixture(TestModels.detector(), "model.card=" + TestModels.detectorCard(), "pipeline.queue_per_camera=16",
                "http.enabled=true", "http.port=" + httpPort, "detection.cameras={\"yard\": {\"width\": 256, \"height\": 256}}",
                "detection.zones=[{\"name\": \"left\", \"camera\": \"yard\", \"polygon\": [[0, 0], [128, 0], [128, 256], [0, 256]], "
                        + "\"labels\": [\"horse\", \"frog\"]}]").ready();
        client = new MqttTestClient(gateway.all());
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        gateway.close();
        MqttTestClient.clearRetained(List.of(zoneTopic("horse"), zoneTopic("frog")));
    }

    private static String zoneTopic(String label) {
        return "haste/" + gateway.id + "/cameras/yard/zones/left/" + label;
    }

    /** What the dense model and the same decoder give for {@code image} run directly on ONNX Runtime, boxes in its pixels. */
    private static List<Detection> direct(Path image) throws Exception {
        Preprocessor.Prepared in = new Preprocessor(card).prepare(image);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(TestModels.detector().toString(), new OrtSession.SessionOptions());
             OnnxTensor x = in.tensor().toOnnx(env); OrtSession.Result r = s.run(Map.of("images", x))) {
            float[] out = FloatTensor.of((OnnxTensor) r.get("output0").orElseThrow()).data();
            return new DetectionDecoder(card.output().kind(), card.labels().size()).decode(out, 0.25, 0.5, 100).stream()
                    .map(d -> in.geometry().toFrame(d).orElseThrow()).toList();
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> detections(MqttTestClient.Received msg) {
        return (List<Map<String, Object>>) msg.json().get("detections");
    }

    private static double at(Map<String, Object> detection, int i) {
        return ((Number) ((List<?>) detection.get("box")).get(i)).doubleValue();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void aSceneComesBackAsTheBoxesOfADirectOrtRun(int scene) throws Exception {
        Path image = TestModels.scene(scene);
        String frameId = "scene-" + scene;
        client.publish(gateway.frames("cam" + scene), Files.readAllBytes(image), "image/jpeg", frameId, null);
        var msg = client.await(r -> r.topic().endsWith("/predictions") && frameId.equals(r.json().get("frame_id")), 30);
        assertTrue(Json.validate("prediction", msg.payload()).isEmpty(), Json.validate("prediction", msg.payload()).toString());
        assertEquals("haste.prediction/3", msg.json().get("schema"));
        assertEquals(Map.of("width", 256, "height", 256), msg.json().get("frame"));
        assertEquals(Map.of(), msg.json().get("zones"));
        List<Detection> expected = direct(image);
        List<Map<String, Object>> got = detections(msg);
        assertEquals(expected.size(), got.size(), got.toString());
        assertTrue(!got.isEmpty(), "every test scene holds an object the detector finds");
        for (int i = 0; i < got.size(); i++) {
            Detection e = expected.get(i);
            Map<String, Object> d = got.get(i);
            assertEquals(card.labels().get(e.classIndex()), d.get("label"));
            assertEquals(e.classIndex(), d.get("index"));
            assertEquals(e.score(), ((Number) d.get("score")).doubleValue(), 1e-4);
            assertEquals(e.x0(), at(d, 0), 0.051);
            assertEquals(e.y0(), at(d, 1), 0.051);
            assertEquals(e.x1(), at(d, 2), 0.051);
            assertEquals(e.y1(), at(d, 3), 0.051);
            assertEquals(List.of(), d.get("zones"));
        }
    }

    @Test
    void zonesCountWhereObjectsStandAndAnEventSaysWhenACountChanges() throws Exception {
        // Scene 3: a frog on the right (bottom-centre x 201) and a horse at the bottom left (bottom-centre 70, 250).
        client.publish(gateway.frames("yard"), Files.readAllBytes(TestModels.scene(3)), "image/jpeg", "yard-1", null);
        var msg = client.await(r -> r.topic().endsWith("/cameras/yard/predictions") && "yard-1".equals(r.json().get("frame_id")), 30);
        assertEquals(Map.of("left", Map.of("horse", 1)), msg.json().get("zones"));
        Map<String, Object> horse = detections(msg).stream().filter(d -> d.get("label").equals("horse")).findFirst().orElseThrow();
        assertEquals(List.of("left"), horse.get("zones"));
        Map<String, Object> frog = detections(msg).stream().filter(d -> d.get("label").equals("frog")).findFirst().orElseThrow();
        assertEquals(List.of(), frog.get("zones"));
        var event = client.await(r -> r.topic().equals("haste/" + gateway.id + "/events") && "yard-1".equals(r.json().get("frame_id")), 10);
        assertTrue(Json.validate("zone-event", event.payload()).isEmpty(), Json.validate("zone-event", event.payload()).toString());
        assertEquals(Map.of("camera_id", "yard", "zone", "left", "label", "horse", "count", 1, "previous", 0),
                Map.of("camera_id", event.json().get("camera_id"), "zone", event.json().get("zone"), "label", event.json().get("label"),
                        "count", event.json().get("count"), "previous", event.json().get("previous")));
        try (MqttTestClient count = new MqttTestClient(zoneTopic("horse"))) {
            assertEquals("1", new String(count.await(r -> true, 10).payload(), java.nio.charset.StandardCharsets.US_ASCII), "retained");
        }
        assertTrue(LocalHttp.get(httpPort, "/metrics").contains("haste_zone_objects{camera=\"yard\",label=\"horse\",zone=\"left\"} 1.0"));

        // Scene 0: one airplane, no horse: the count goes back to 0.
        client.publish(gateway.frames("yard"), Files.readAllBytes(TestModels.scene(0)), "image/jpeg", "yard-2", null);
        var back = client.await(r -> r.topic().equals("haste/" + gateway.id + "/events") && "yard-2".equals(r.json().get("frame_id")), 30);
        assertEquals(0, back.json().get("count"));
        assertEquals(1, back.json().get("previous"));
        assertTrue(LocalHttp.get(httpPort, "/metrics").contains("haste_zone_objects{camera=\"yard\",label=\"horse\",zone=\"left\"} 0.0"));
    }

    @Test
    void aLargerFrameIsLetterboxedAndItsBoxesComeBackInItsOwnPixels() throws Exception {
        BufferedImage scene = ImageIO.read(TestModels.scene(3).toFile());
        BufferedImage big = new BufferedImage(512, 512, BufferedImage.TYPE_INT_RGB);
        big.createGraphics().drawImage(scene, 0, 0, 512, 512, null);
        client.publish(gateway.frames("big"), TestImages.png(big), "image/png", "big-1", null);
        var msg = client.await(r -> r.topic().endsWith("/cameras/big/predictions"), 30);
        assertEquals(Map.of("width", 512, "height", 512), msg.json().get("frame"));
        Map<String, Object> horse = detections(msg).stream().filter(d -> d.get("label").equals("horse")).findFirst().orElseThrow();
        // The labelled horse of scene 3 is [30.7, 197.3, 110.2, 250.5] in 256x256: twice that here, within a few pixels.
        double[] truth = {30.7, 197.3, 110.2, 250.5};
        for (int i = 0; i < 4; i++) {
            assertEquals(2 * truth[i], at(horse, i), 8, "coordinate " + i + " of " + horse);
        }
    }

    @Test
    void tinyAndExtremelyWideFramesArePredictedInTheirOwnPixels() throws Exception {
        client.publish(gateway.frames("tiny"), TestImages.png(TestImages.smooth(1, 1, BufferedImage.TYPE_INT_RGB)), "image/png", "tiny-1", null);
        var tiny = client.await(r -> r.topic().endsWith("/cameras/tiny/predictions"), 30);
        assertEquals(Map.of("width", 1, "height", 1), tiny.json().get("frame"));
        client.publish(gateway.frames("wide"), TestImages.jpeg(TestImages.smooth(20000, 100, BufferedImage.TYPE_INT_RGB), false), "image/jpeg",
                "wide-1", null);
        var wide = client.await(r -> r.topic().endsWith("/cameras/wide/predictions"), 60);
        assertEquals(Map.of("width", 20000, "height", 100), wide.json().get("frame"));
        for (Map<String, Object> d : detections(wide)) {
            assertTrue(at(d, 0) >= 0 && at(d, 2) <= 20000 && at(d, 1) >= 0 && at(d, 3) <= 100, d.toString());
        }
        assertTrue(Json.validate("prediction", wide.payload()).isEmpty());
    }

    @Test
    void theLatestFrameOfACameraIsServedWithItsBoxesDrawn() throws Exception {
        client.publish(gateway.frames("porch"), Files.readAllBytes(TestModels.scene(5)), "image/jpeg", "porch-1", null);
        client.await(r -> r.topic().endsWith("/cameras/porch/predictions"), 30);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<byte[]> jpeg = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/cameras/porch/latest.jpg"))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, jpeg.statusCode());
        assertEquals("image/jpeg", jpeg.headers().firstValue("content-type").orElseThrow());
        assertEquals("no-store", jpeg.headers().firstValue("cache-control").orElseThrow());
        BufferedImage drawn = ImageIO.read(new ByteArrayInputStream(jpeg.body()));
        assertEquals(256, drawn.getWidth());
        assertEquals(256, drawn.getHeight());
        BufferedImage original = ImageIO.read(TestModels.scene(5).toFile());
        assertTrue(differs(original, drawn), "boxes are drawn on the frame");
        HttpResponse<String> none = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/cameras/nobody/latest.jpg"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, none.statusCode());
    }

    /** Whether some pixel differs by more than JPEG noise. */
    private static boolean differs(BufferedImage a, BufferedImage b) {
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                if (Math.abs(((p >> 8) & 0xff) - ((q >> 8) & 0xff)) > 100) {
                    return true;
                }
            }
        }
        return false;
    }
}
