package io.hastegw.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastegw.op.onnx.Nodes;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.onnx.Tensors;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.TensorProto;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A detector's bad inputs: a model whose output does not fit its card, zones that cannot be
 * (outside the frame, crossing themselves, on an undeclared camera, counting an unknown label),
 * and a model that outputs NaN. Each is a clear error at start or an error event; none crashes.
 */
@Tag("broker")
class DetectionFaultsTest {
    private static Path dir;

    @BeforeAll
    static void models() throws Exception {
        dir = Files.createTempDirectory("haste-detection-faults");
        Files.write(dir.resolve("nan.onnx"), constantDetector(Float.NaN).toByteArray());
        Files.writeString(dir.resolve("nan.json"), card(List.of("cat", "dog")));
        Files.writeString(dir.resolve("three.json"), card(List.of("cat", "dog", "bird")));
    }

    @AfterAll
    static void clean() throws Exception {
        TestPlugins.deleteTree(dir);
    }

    /**
     * A tiny YOLOv8-layout detector with 2 classes: a 1x1 convolution with zero weights whose biases
     * are the output rows (cx 4, cy 4, w 2, h 2, class 0 {@code score0}, class 1 0.9) at each of its
     * 8x8 = 64 cells.
     */
    static ModelProto constantDetector(float score0) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("constant-detector");
        g.addInput(Tensors.valueInfo("images", TensorProto.DataType.FLOAT_VALUE, 1, 3, 8, 8));
        g.addOutput(Tensors.valueInfo("output0", TensorProto.DataType.FLOAT_VALUE, 1, 6, 64));
        g.addInitializer(Tensors.floats("w", new float[6 * 3], 6, 3, 1, 1));
        g.addInitializer(Tensors.floats("b", new float[] {4, 4, 2, 2, score0, 0.9f}, 6));
        g.addInitializer(Tensors.longs("shape", new long[] {1, 6, 64}, 3));
        g.addNode(Nodes.node("Conv", "conv", List.of("images", "w", "b"), List.of("rows")));
        g.addNode(Nodes.node("Reshape", "flat", List.of("rows", "shape"), List.of("output0")));
        return ModelProto.newBuilder().setIrVersion(8).addOpsetImport(onnx.Onnx.OperatorSetIdProto.newBuilder().setVersion(17))
                .setGraph(g).build();
    }

    private static String card(List<String> labels) {
        return "{\"name\": \"constant-detector\", \"task\": \"object-detection\", \"input\": {\"name\": \"images\", \"layout\": \"NCHW\", "
                + "\"shape\": [null, 3, 8, 8], \"color\": \"RGB\", \"scale\": 0.00392156862745098, \"mean\": [0, 0, 0], \"std\": [1, 1, 1]}, "
                + "\"output\": {\"name\": \"output0\", \"kind\": \"yolov8\"}, \"labels\": [\"" + String.join("\", \"", labels) + "\"]}";
    }

    private record Start(int status, String err) {}

    private static Start start(String... sets) {
        List<String> args = new ArrayList<>(List.of("--set", "mqtt.host=127.0.0.1", "--set", "model.cost_plan=false",
                "--set", "model.path=" + TestModels.detector(), "--set", "model.card=" + TestModels.detectorCard()));
        for (String s : sets) {
            args.add("--set");
            args.add(s);
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicReference<RunningGateway> ref = new AtomicReference<>();
        int status = Main.start(args.toArray(new String[0]), Map.of(), new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true), ref);
        if (ref.get() != null) {
            ref.get().stop();
        }
        return new Start(status, err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aModelWhoseOutputDoesNotFitItsCardIsRefusedNamingBoth() {
        Start s = start("model.path=" + dir.resolve("nan.onnx"), "model.card=" + dir.resolve("three.json"));
        assertEquals(1, s.status());
        assertEquals("haste-gateway: the model card says output.kind yolov8 with 3 labels, [N, 4 + 3 classes = 7, cells], but the model's "
                + "output 'output0' has shape [1, 6, 64]\n", s.err());
    }

    @Test
    void aClassifiersCardOnTheDetectorIsRefused() {
        Start s = start("model.card=" + TestModels.resnet20Card());
        assertEquals(1, s.status());
        assertTrue(s.err().startsWith("haste-gateway: "), s.err());
    }

    private static final String CAMERAS = "detection.cameras={\"yard\": {\"width\": 640, \"height\": 480}}";

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[[0, 0], [700, 0], [700, 480]]|key 'detection.zones[0] (drive).polygon' corner 1 [700, 0] lies outside the camera's 640x480 frame (x 0 to 640, y 0 to 480)",
        "[[0, 0], [100, 100], [100, 0], [0, 100]]|key 'detection.zones[0] (drive).polygon' crosses itself: edge 0 (corners 0-1) and edge 2 (corners 2-3) meet",
        "[[0, 0], [100, 100]]|key 'detection.zones[0] (drive).polygon' must list at least 3 corners [x, y] (got 2)",
        "[[0, 0], [100, 100], [200, 200]]|key 'detection.zones[0] (drive).polygon' crosses itself: edge 0 (corners 0-1) and edge 2 (corners 2-0) meet",
    })
    void aZoneThatCannotBeIsRefusedAtStart(String polygon, String message) {
        Start s = start(CAMERAS, "detection.zones=[{\"name\": \"drive\", \"camera\": \"yard\", \"polygon\": " + polygon + "}]");
        assertEquals(1, s.status(), s.err());
        assertTrue(s.err().contains(message), s.err());
    }

    @Test
    void aZoneOnAnUndeclaredCameraIsRefusedNamingTheDeclaredOnes() {
        Start s = start(CAMERAS, "detection.zones=[{\"name\": \"drive\", \"camera\": \"gate\", \"polygon\": [[0, 0], [10, 0], [10, 10]]}]");
        assertEquals(1, s.status(), s.err());
        assertTrue(s.err().contains("key 'detection.zones[0] (drive).camera' names camera 'gate', which detection.cameras does not declare "
                + "(declared: yard); declare it there with the frame size of its zones"), s.err());
    }

    @Test
    void aZoneCountingALabelTheModelDoesNotKnowIsRefused() {
        Start s = start(CAMERAS, "detection.zones=[{\"name\": \"drive\", \"camera\": \"yard\", \"polygon\": [[0, 0], [10, 0], [10, 10]], "
                + "\"labels\": [\"car\"]}]");
        assertEquals(1, s.status(), s.err());
        assertTrue(s.err().contains("key 'detection.zones[0] (drive).labels' names label 'car', which the model card's labels do not hold "
                + "(airplane, automobile, bird, cat, deer, dog, frog, horse, ship, truck)"), s.err());
    }

    @Test
    void zonesForAClassifierAreRefused() {
        Start s = start("model.path=" + TestModels.resnet20(), "model.card=" + TestModels.resnet20Card(), CAMERAS,
                "detection.zones=[{\"name\": \"drive\", \"camera\": \"yard\", \"polygon\": [[0, 0], [10, 0], [10, 10]]}]");
        assertEquals(1, s.status(), s.err());
        assertEquals("haste-gateway: key 'detection.zones' lists zones, but the model card says task image-classification: zones need an object "
                + "detector\n", s.err());
    }

    @Test
    void aNanScoreIsAnErrorEventAndTheGatewayGoesOn() throws Exception {
        try (GatewayFixture gateway = new GatewayFixture(dir.resolve("nan.onnx"), "model.card=" + dir.resolve("nan.json")).ready();
             MqttTestClient client = new MqttTestClient(gateway.all())) {
            byte[] frame = TestImages.png(TestImages.smooth(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB));
            client.publish(gateway.frames("cam"), frame, "image/png", "nan-1", null);
            var error = client.await(r -> r.topic().endsWith("/errors") && "nan-1".equals(r.json().get("frame_id")), 20);
            assertEquals("inference_failed", error.json().get("reason"));
            assertEquals("the model's output holds NaN as the score of class 0 of cell 0: no detections for this frame", error.json().get("message"));
            assertTrue(Json.validate("error", error.payload()).isEmpty());
            client.publish(gateway.frames("cam"), frame, "image/png", "nan-2", null);
            client.await(r -> r.topic().endsWith("/errors") && "nan-2".equals(r.json().get("frame_id")), 20);
            assertTrue(gateway.running.gateway().pipelineHealthy());
        }
    }

    @Test
    void theConstantDetectorDecodesItsBoxWhenItsScoresAreFinite() throws Exception {
        Files.write(dir.resolve("fine.onnx"), constantDetector(0.1f).toByteArray());
        try (GatewayFixture gateway = new GatewayFixture(dir.resolve("fine.onnx"), "model.card=" + dir.resolve("nan.json")).ready();
             MqttTestClient client = new MqttTestClient(gateway.all())) {
            // A 16x8 frame letterboxed into 8x8 (content 8x4 from row 2): the box (3, 3)-(5, 5) in input pixels is
            // (6, 2)-(10, 6) in the frame's; all 64 cells are the same box, so NMS keeps one dog (0.9) and nothing of cat (0.1 < 0.25).
            byte[] frame = TestImages.png(TestImages.smooth(16, 8, java.awt.image.BufferedImage.TYPE_INT_RGB));
            client.publish(gateway.frames("cam"), frame, "image/png", "fine-1", null);
            var msg = client.await(r -> r.topic().endsWith("/predictions"), 20);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> d = (List<Map<String, Object>>) msg.json().get("detections");
            assertEquals(1, d.size(), d.toString());
            assertEquals("dog", d.get(0).get("label"));
            assertEquals(0.9, ((Number) d.get(0).get("score")).doubleValue(), 1e-6);
            assertEquals(Arrays.asList(6.0, 2.0, 10.0, 6.0), ((List<?>) d.get(0).get("box")).stream().map(v -> ((Number) v).doubleValue()).toList());
        }
    }
}
