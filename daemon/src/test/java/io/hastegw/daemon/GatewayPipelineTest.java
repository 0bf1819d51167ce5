package io.hastegw.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import io.hastegw.op.card.ModelCard;
import io.hastegw.op.eval.Preprocessor;
import io.hastegw.op.onnx.FloatTensor;
import io.hastegw.op.runtime.HasteSession;
import io.hastegw.op.runtime.RuntimeOptions;
import io.hastegw.plugin.api.Image;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The gateway against the real Mosquitto on 127.0.0.1:1883, the real HASTE ResNet-20 and real CIFAR-10 images. */
@Tag("broker")
class GatewayPipelineTest {
    private static final int LEVEL = 3;
    private static final String[] CLASSES = {"airplane", "cat", "ship", "truck", "frog"};
    private static GatewayFixture gateway;
    private static MqttTestClient client;

    @BeforeAll
    static void start() throws Exception {
        gateway = new GatewayFixture(TestModels.hasteResNet20(), "model.level=" + LEVEL, "pipeline.max_payload_bytes=65536",
                "pipeline.queue_per_camera=64").ready();
        client = new MqttTestClient(gateway.all());
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        gateway.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4})
    void aJpegFrameComesBackAsTheSamePredictionAsADirectOrtRun(int i) throws Exception {
        Path image = TestModels.cifar(CLASSES[i], i);
        String frameId = "frame-" + i;
        client.publish(gateway.frames("cam" + i), Files.readAllBytes(image), "image/jpeg", frameId, null);
        var msg = client.await(r -> r.topic().endsWith("/predictions") && frameId.equals(r.json().get("frame_id")), 20);
        assertEquals("haste/" + gateway.id + "/cameras/cam" + i + "/predictions", msg.topic());

        ModelCard card = ModelCard.read(TestModels.resnet20Card());
        FloatTensor input = new Preprocessor(card).load(image);
        float[] logits;
        try (HasteSession direct = new HasteSession(OrtEnvironment.getEnvironment(), TestModels.hasteResNet20(), "logits", RuntimeOptions.of(1))) {
            logits = direct.run(input, LEVEL).scores().data();
        }
        int best = new FloatTensor(logits, new long[] {1, logits.length}).argmax();
        @SuppressWarnings("unchecked")
        Map<String, Object> top = ((List<Map<String, Object>>) msg.json().get("top")).get(0);
        assertEquals(best, top.get("index"));
        assertEquals(card.labels().get(best), top.get("label"));
        assertEquals(softmax(logits)[best], ((Number) top.get("score")).doubleValue(), 1e-6);
        assertEquals(LEVEL, msg.json().get("level"));
        assertTrue(Json.validate("prediction", msg.payload()).isEmpty(), Json.validate("prediction", msg.payload()).toString());
    }

    @Test
    void aPredictionEchoesFrameIdCorrelationDataAndUserProperties() throws Exception {
        byte[] correlation = "req-42".getBytes(StandardCharsets.UTF_8);
        client.publish(gateway.frames("echo"), Files.readAllBytes(TestModels.cifar("dog", 7)), null, "echo-1", correlation);
        var msg = client.await(r -> r.topic().endsWith("/cameras/echo/predictions"), 20);
        Map<String, Object> json = msg.json();
        assertEquals("haste.prediction/3", json.get("schema"));
        assertEquals(gateway.id, json.get("gateway_id"));
        assertEquals("echo", json.get("camera_id"));
        assertEquals("echo-1", json.get("frame_id"));
        assertEquals(Base64.getEncoder().encodeToString(correlation), json.get("correlation_data"));
        assertEquals(Map.of("frame_id", "echo-1"), json.get("user_properties"));
        assertEquals("resnet20-cifar10", json.get("model"));
        assertArrayEquals(correlation, msg.properties().getCorrelationData());
        assertEquals("application/json", msg.properties().getContentType());
        @SuppressWarnings("unchecked")
        Map<String, Object> macs = (Map<String, Object>) json.get("macs");
        assertEquals(40_551_040L, ((Number) macs.get("dense")).longValue());
        assertTrue(Json.validate("prediction", msg.payload()).isEmpty());
    }

    @Test
    void aPredictionCarriesItsEnergyAndTheDenseEstimate() throws Exception {
        client.publish(gateway.frames("energy"), Files.readAllBytes(TestModels.cifar("ship", 3)), null, null, null);
        @SuppressWarnings("unchecked")
        Map<String, Object> energy = (Map<String, Object>) client.await(r -> r.topic().endsWith("/cameras/energy/predictions"), 20).json().get("energy");
        double used = ((Number) energy.get("millijoules")).doubleValue();
        double dense = ((Number) energy.get("dense_millijoules")).doubleValue();
        assertTrue(used > 0 && dense > 0, energy.toString());
        assertEquals(dense - used, ((Number) energy.get("saved_millijoules")).doubleValue(), 0.002);
        // This machine is x86-64 without a cost plan in these tests.
        assertEquals("estimate, profile x86: MACs x 4.6 pJ + active ms x (65.0 W - 10.0 W) x threads/" + Runtime.getRuntime().availableProcessors()
                + "; dense time scaled by MACs", energy.get("method"));
    }

    @Test
    void aRawRgbFrameIsAccepted() throws Exception {
        byte[] pixels = new byte[32 * 32 * 3];
        Arrays.fill(pixels, (byte) 128);
        client.publish(gateway.frames("raw"), TestImages.raw(new Image(32, 32, 3, pixels)), null, "raw-1", null);
        var msg = client.await(r -> r.topic().endsWith("/cameras/raw/predictions"), 20);
        assertEquals("raw-1", msg.json().get("frame_id"));
    }

    static Stream<Arguments> badFrames() throws Exception {
        byte[] jpeg = Files.readAllBytes(TestModels.cifar("cat", 0));
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
        byte[] fourChannels = TestImages.raw(new Image(4, 4, 3, new byte[48]));
        fourChannels[5] = 4;
        byte[] byteChannels = fourChannels.clone();
        byteChannels[5] = (byte) 255;
        byte[] shortRaw = Arrays.copyOf(TestImages.raw(new Image(4, 4, 3, new byte[48])), 30);
        byte[] huge = hugeJpegHeader(jpeg);
        return Stream.of(
                Arguments.of("jpeg cut in its scan data", Arrays.copyOf(jpeg, jpeg.length * 9 / 10), null, "malformed_image",
                        "jpeg frame is corrupt or truncated"),
                Arguments.of("jpeg cut in its header", Arrays.copyOf(jpeg, 100), null, "malformed_image", "jpeg frame cannot be decoded"),
                Arguments.of("png header only", png, null, "malformed_image", "png frame cannot be decoded"),
                Arguments.of("random bytes", "not an image at all".getBytes(StandardCharsets.UTF_8), null, "unknown_format",
                        "payload is neither JPEG, PNG nor a raw HRAW frame"),
                Arguments.of("text content type", jpeg, "text/plain", "unknown_format",
                        "content type 'text/plain' is not supported (image/jpeg, image/png, application/x-haste-raw, or a plugin decoder's format)"),
                Arguments.of("oversized", new byte[70_000], null, "payload_too_large",
                        "payload of 70000 bytes exceeds pipeline.max_payload_bytes = 65536"),
                Arguments.of("raw with 4 channels", fourChannels, null, "wrong_image_shape", "raw frame with 4 channels; allowed: 1 (grey) or 3 (RGB)"),
                Arguments.of("raw with 255 channels", byteChannels, null, "wrong_image_shape",
                        "raw frame with 255 channels; allowed: 1 (grey) or 3 (RGB)"),
                Arguments.of("raw too short", shortRaw, null, "malformed_image", "raw frame of 4x4x3 needs 60 bytes, got 30"),
                Arguments.of("jpeg claiming 8192x8192", huge, null, "wrong_image_shape",
                        "jpeg frame of 8192x8192 pixels; allowed: up to 40000000 pixels"));
    }

    /** A real JPEG whose frame header (SOF0) claims 8192 x 8192 pixels: a decompression bomb in 1 KB. */
    private static byte[] hugeJpegHeader(byte[] jpeg) {
        byte[] out = jpeg.clone();
        for (int i = 2; i + 9 < out.length; i++) {
            if ((out[i] & 0xff) == 0xFF && (out[i + 1] & 0xff) == 0xC0) {
                out[i + 5] = 0x20;
                out[i + 6] = 0;
                out[i + 7] = 0x20;
                out[i + 8] = 0;
                return out;
            }
        }
        throw new IllegalStateException("no SOF0 marker");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFrames")
    void aBadFrameIsAnErrorEventAndThePipelineGoesOn(String name, byte[] payload, String contentType, String reason, String message)
            throws Exception {
        String camera = "bad-" + name.replace(' ', '-');
        client.publish(gateway.frames(camera), payload, contentType, "f-" + camera, null);
        var error = client.await(r -> r.topic().endsWith("/errors") && camera.equals(r.json().get("camera_id")), 20);
        Map<String, Object> json = error.json();
        assertEquals(reason, json.get("reason"));
        assertTrue(((String) json.get("message")).startsWith(message), (String) json.get("message"));
        assertEquals("f-" + camera, json.get("frame_id"));
        assertEquals(gateway.frames(camera), json.get("topic"));
        assertTrue(Json.validate("error", error.payload()).isEmpty(), Json.validate("error", error.payload()).toString());

        client.publish(gateway.frames(camera), Files.readAllBytes(TestModels.cifar("ship", 1)), null, "good", null);
        var ok = client.await(r -> r.topic().endsWith("/cameras/" + camera + "/predictions"), 20);
        assertEquals("good", ok.json().get("frame_id"));
    }

    @Test
    void aTopicWithAnEmptyCameraIdIsRejected() throws Exception {
        String topic = "haste/" + gateway.id + "/cameras//frames";
        client.publish(topic, Files.readAllBytes(TestModels.cifar("cat", 0)), null, "no-camera", null);
        var error = client.await(r -> r.topic().endsWith("/errors") && "no-camera".equals(r.json().get("frame_id")), 20);
        assertEquals("bad_topic", error.json().get("reason"));
        assertEquals("topic '" + topic + "' does not match haste/" + gateway.id + "/cameras/+/frames with a camera id", error.json().get("message"));
        assertEquals(null, error.json().get("camera_id"));
    }

    private static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
