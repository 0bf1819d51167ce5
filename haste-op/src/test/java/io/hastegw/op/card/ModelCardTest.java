package io.hastegw.op.card;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hastegw.op.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelCardTest {
    @TempDir
    Path tmp;

    @Test
    void readsTheResNet20Card() throws Exception {
        ModelCard card = SharedData.cifarCard("resnet20");
        assertEquals("resnet20-cifar10", card.name());
        assertEquals("input", card.input().name());
        assertArrayEquals(new int[] {3, 32, 32}, card.chw());
        assertEquals("logits", card.output().name());
        assertEquals("airplane", card.labels().get(0));
    }

    @Test
    void readsTheDetectorsCardWithItsDefaults() throws Exception {
        ModelCard card = ModelCard.read(SharedData.root().resolve("models/synthetic-detector/scene-detector.json"));
        assertEquals(ModelCard.Task.OBJECT_DETECTION, card.task());
        assertEquals(OutputKind.YOLOV8, card.output().kind());
        assertEquals(ModelCard.Resize.LETTERBOX, card.input().resize());
        assertEquals(114, card.input().padValue());
        assertEquals(new ModelCard.DetectionDefaults(0.25, 0.5, 100), card.output().detection());
    }

    @Test
    void classifierCardsKeepStretchAndLogits() throws Exception {
        ModelCard card = SharedData.cifarCard("resnet20");
        assertEquals(ModelCard.Task.CLASSIFICATION, card.task());
        assertEquals(OutputKind.LOGITS, card.output().kind());
        assertEquals(ModelCard.Resize.STRETCH, card.input().resize());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "cifar10-resnet-akamaster/resnet20.json|\"layout\": \"NCHW\"|\"layout\": \"NHWC\"|key 'input.layout' must be NCHW",
        "cifar10-resnet-akamaster/resnet20.json|\"color\": \"RGB\"|\"color\": \"GRAY\"|key 'input.color' must be a colour that matches the 3 input channel(s)",
        "cifar10-resnet-akamaster/resnet20.json|\"name\": \"logits\"|\"nom\": \"logits\"|key 'output.name' must be the graph output's name",
        "synthetic-detector/scene-detector.json|\"kind\": \"yolov8\"|\"kind\": \"logits\"|key 'output.kind' must be one of yolov8, yolov5 for task object-detection (got 'logits')",
        "synthetic-detector/scene-detector.json|\"kind\": \"yolov8\"|\"kind\": \"yolov8\", \"iou_threshold\": 1.5|key 'output.iou_threshold' must be above 0 and at most 1 (got 1.5)",
        "synthetic-detector/scene-detector.json|\"kind\": \"yolov8\"|\"kind\": \"yolov8\", \"max_detections\": 0|key 'output.max_detections' must be 1 to 10000 (got 0)",
        "synthetic-detector/scene-detector.json|\"task\": \"object-detection\"|\"task\": \"segmentation\"|key 'task' must be one of image-classification, object-detection (got 'segmentation')",
        "synthetic-detector/scene-detector.json|\"layout\": \"NCHW\"|\"layout\": \"NCHW\", \"resize\": \"crop\"|key 'input.resize' must be stretch or letterbox (got 'crop')",
    })
    void aBadKeyIsNamed(String card, String from, String to, String message) throws Exception {
        String json = Files.readString(SharedData.root().resolve("models").resolve(card)).replace(from, to);
        Path file = tmp.resolve("card.json");
        Files.writeString(file, json);
        var e = assertThrows(ModelCard.ModelCardException.class, () -> ModelCard.read(file));
        assertEquals(file + ": " + message, e.getMessage());
    }
}
