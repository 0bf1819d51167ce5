package io.hastegw.op.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hastegw.op.SharedData;
import io.hastegw.op.card.ModelCard;
import io.hastegw.op.detection.Detection;
import io.hastegw.op.detection.DetectionDecoder;
import io.hastegw.op.detection.DetectionSet;
import io.hastegw.op.detection.MeanAveragePrecision;
import io.hastegw.op.eval.Preprocessor;
import io.hastegw.op.onnx.FloatTensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** haste-op on the shared detector: eval on a detection folder, scenes and clips, stream-bench on clips, decode-bench. */
@Tag("slow")
class DetectionCliTest {
    @TempDir
    static Path tmp;
    private static Path detector;
    private static Path card;
    private static Path haste;
    private static Path scenes;

    @BeforeAll
    static void transform() {
        detector = SharedData.root().resolve("models/synthetic-detector/scene-detector.onnx");
        card = SharedData.root().resolve("models/synthetic-detector/scene-detector.json");
        scenes = SharedData.root().resolve("data/detection-scenes/test");
        haste = tmp.resolve("detector-haste.onnx");
        HasteOpCliTest.Run run = HasteOpCliTest.cli("transform", "--model", detector.toString(), "--card", card.toString(), "--out",
                haste.toString(), "--levels", "16,12");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().endsWith("wrote " + haste + " (18 HASTE layers, levels 0..2)\n"), run.out());
    }

    @Test
    void evalOnADetectionFolderReportsMapPerLevelWithTheSameKeysForDenseAndEveryLevel() throws Exception {
        Path json = tmp.resolve("eval.json");
        HasteOpCliTest.Run run = HasteOpCliTest.cli("eval", "--dense", detector.toString(), "--haste", haste.toString(), "--card", card.toString(),
                "--images", scenes.toString(), "--limit", "8", "--warmup", "1", "--json", json.toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("config L        mAP@0.5    delta   mAP@.5:.95    MACs (M)  reduction"), run.out());
        assertTrue(run.out().contains("static baselines at each level's mean channel counts"), run.out());
        JsonNode rows = new ObjectMapper().readTree(json.toFile()).path("rows");
        assertEquals(List.of("dense", "0", "1", "2"), List.of(rows.get(0).path("config").asText(), rows.get(1).path("config").asText(),
                rows.get(2).path("config").asText(), rows.get(3).path("config").asText()));
        for (JsonNode row : rows) {
            for (String key : List.of("config", "map50", "map50_95", "reduction")) {
                assertTrue(row.has(key), key + " in " + row);
            }
            assertTrue(!row.has("top1"), row.toString());
        }
        assertEquals(100 * direct(8), rows.get(0).path("map50").asDouble(), 1e-9, "dense mAP@0.5, as an ORT run and the decoder give it");
        assertEquals(rows.get(0).path("map50").asDouble(), rows.get(1).path("map50").asDouble(), 1e-9, "level 0 is the dense model");
        assertEquals(0.0, rows.get(0).path("reduction").asDouble());
    }

    /** mAP@0.5 of the first {@code n} scenes, dense model run directly, decoded at eval's defaults. */
    private static double direct(int n) throws Exception {
        ModelCard c = ModelCard.read(card);
        DetectionDecoder decoder = new DetectionDecoder(c.output().kind(), c.labels().size());
        MeanAveragePrecision map = new MeanAveragePrecision(c.labels().size());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(detector.toString(), new OrtSession.SessionOptions())) {
            for (DetectionSet.Scene scene : DetectionSet.read(scenes, c.labels(), n)) {
                try (OnnxTensor x = new Preprocessor(c).load(scene.file()).toOnnx(env); OrtSession.Result r = s.run(Map.of("images", x))) {
                    List<Detection> found = decoder.decode(FloatTensor.of((OnnxTensor) r.get("output0").orElseThrow()).data(), 0.01, 0.5, 300);
                    map.add(found, scene.truth());
                }
            }
        }
        return map.map50();
    }

    @Test
    void scenesAndClipsAreWrittenAsDetectionFoldersTheSameForTheSameSeed() throws Exception {
        Path cifar = SharedData.root().resolve("data/cifar10-jpeg/train");
        Path a = tmp.resolve("stills-a");
        Path b = tmp.resolve("stills-b");
        for (Path out : List.of(a, b)) {
            HasteOpCliTest.Run run = HasteOpCliTest.cli("scenes", "--images", cifar.toString(), "--card", card.toString(), "--out", out.toString(),
                    "--count", "5", "--per-class", "20", "--seed", "3");
            assertEquals(0, run.status(), run.err());
            assertEquals("wrote 5 scenes to " + out + "\n", run.out());
        }
        assertEquals(Files.readString(a.resolve("boxes.json")), Files.readString(b.resolve("boxes.json")));
        ModelCard c = ModelCard.read(card);
        List<DetectionSet.Scene> read = DetectionSet.read(a, c.labels(), 0);
        assertEquals(5, read.size());
        for (DetectionSet.Scene s : read) {
            assertTrue(!s.truth().isEmpty() && s.truth().size() <= 5, s.toString());
        }
        Path clips = tmp.resolve("clips");
        HasteOpCliTest.Run run = HasteOpCliTest.cli("scenes", "--images", cifar.toString(), "--card", card.toString(), "--out", clips.toString(),
                "--clips", "2", "--cameras", "2", "--clip-frames", "3", "--per-class", "20");
        assertEquals(0, run.status(), run.err());
        assertTrue(Files.isRegularFile(clips.resolve("images/cam1/c001-f002.jpg")));
        List<DetectionSet.Scene> frames = DetectionSet.read(clips, c.labels(), 0);
        assertEquals(12, frames.size());
        // Within a clip the same objects move: the same labels, boxes a few pixels apart.
        List<Detection> first = frames.get(0).truth();
        List<Detection> next = frames.get(1).truth();
        assertEquals(first.stream().map(Detection::classIndex).toList(), next.stream().map(Detection::classIndex).toList());
        for (int i = 0; i < first.size(); i++) {
            assertTrue(Math.abs(first.get(i).x0() - next.get(i).x0()) <= 2.05 && first.get(i).iou(next.get(i)) > 0.5, first + " then " + next);
        }
    }

    @Test
    void streamBenchRunsADetectorsClipsAndScoresThemByMap() throws Exception {
        Path clips = tmp.resolve("bench-clips");
        assertEquals(0, HasteOpCliTest.cli("scenes", "--images", SharedData.root().resolve("data/cifar10-jpeg/test").toString(), "--card",
                card.toString(), "--out", clips.toString(), "--clips", "2", "--clip-frames", "4", "--per-class", "20").status());
        HasteOpCliTest.Run run = HasteOpCliTest.cli("stream-bench", "--model", detector.toString(), "--card", card.toString(), "--haste",
                haste.toString(), "--images", clips.toString(), "--run-levels", "1", "--warmup", "1");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("| level | merged channels | mAP@0.5 dense | per-frame HASTE | with reuse |"), run.out());
        assertTrue(run.out().contains("2 clips, 8 frames, from " + clips), run.out());
    }

    @Test
    void decodeBenchTimesTheDecoderOnAYoloV8SizedOutput() {
        HasteOpCliTest.Run run = HasteOpCliTest.cli("decode-bench", "--runs", "20");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("output [1, 84, 8400] (80 classes), 20 objects"), run.out());
        assertTrue(run.out().matches("(?s).*\\| prediction: score > 0\\.25, IoU 0\\.5, at most 100 \\| \\d+ \\| 2\\d \\|.*"), run.out());
    }
}
