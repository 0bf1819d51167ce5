package io.hastegw.op.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastegw.op.card.OutputKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The decoder and NMS against hand-computed cases, in both YOLO layouts. */
class DetectionDecoderTest {
    /**
     * A YOLOv8 output [1, 4 + 2, 4]: per cell cx, cy, w, h, then the scores of classes 0 and 1.
     * Cells 0 and 1 are the same class-0 object (IoU 0.6 of 10x10 boxes shifted by 2.5 px), cell 2
     * a class-1 object on top of cell 0, cell 3 scores below every threshold used.
     */
    private static final float[] V8 = {
        // cx
        20, 22.5f, 20, 80,
        // cy
        20, 20, 20, 80,
        // w
        10, 10, 10, 10,
        // h
        10, 10, 10, 10,
        // class 0
        0.9f, 0.8f, 0.05f, 0.1f,
        // class 1
        0.0f, 0.3f, 0.7f, 0.1f,
    };

    @Test
    void yoloV8CellsBecomeCornerBoxesAndNmsKeepsTheBestOfEachClass() throws Exception {
        List<Detection> d = new DetectionDecoder(OutputKind.YOLOV8, 2).decode(V8, 0.25, 0.5, 100);
        // class 0: cell 0 (0.9) suppresses cell 1 (0.8; IoU = 75/125 = 0.6 > 0.5); class 1: cell 2 (0.7), cell 1 (0.3; IoU 0.6 with cell 2) suppressed.
        assertEquals(List.of(new Detection(0, 0.9f, 15, 15, 25, 25), new Detection(1, 0.7f, 15, 15, 25, 25)), d);
    }

    @Test
    void anIouThresholdAboveTheOverlapKeepsBoth() throws Exception {
        List<Detection> d = new DetectionDecoder(OutputKind.YOLOV8, 2).decode(V8, 0.25, 0.61, 100);
        assertEquals(List.of(new Detection(0, 0.9f, 15, 15, 25, 25), new Detection(0, 0.8f, 17.5f, 15, 27.5f, 25),
                new Detection(1, 0.7f, 15, 15, 25, 25), new Detection(1, 0.3f, 17.5f, 15, 27.5f, 25)), d);
    }

    @Test
    void maxDetectionsKeepsTheBest() throws Exception {
        assertEquals(List.of(new Detection(0, 0.9f, 15, 15, 25, 25)), new DetectionDecoder(OutputKind.YOLOV8, 2).decode(V8, 0.25, 0.5, 1));
    }

    @Test
    void candidatesAreEveryCellAndClassAboveTheThreshold() throws Exception {
        // class 0: 0.9, 0.8, 0.1; class 1: 0.3, 0.7, 0.1
        assertEquals(6, new DetectionDecoder(OutputKind.YOLOV8, 2).candidates(V8, 0.09).size());
    }

    @Test
    void yoloV5ScoresAreObjectnessTimesClassProbability() throws Exception {
        float[] v5 = {
            // cx, cy, w, h, objectness, class 0, class 1
            50, 50, 20, 40, 0.9f, 0.5f, 0.9f,
            52, 50, 20, 40, 0.5f, 0.1f, 0.9f,
            10, 10, 4, 4, 0.2f, 1.0f, 0.0f,
        };
        List<Detection> d = new DetectionDecoder(OutputKind.YOLOV5, 2).decode(v5, 0.3, 0.5, 100);
        // 0.9 x 0.9 = 0.81 (class 1), 0.9 x 0.5 = 0.45 (class 0), cell 1: 0.45 (class 1, IoU 0.9 with cell 0: suppressed), cell 2: 0.2
        assertEquals(2, d.size());
        assertEquals(new Detection(1, 0.81f, 40, 30, 60, 70), round(d.get(0)));
        assertEquals(new Detection(0, 0.45f, 40, 30, 60, 70), round(d.get(1)));
    }

    @Test
    void aNanScoreFailsTheFrameWithTheCell() {
        float[] bad = V8.clone();
        bad[4 * 4 + 3] = Float.NaN;
        InvalidOutputException e = assertThrows(InvalidOutputException.class, () -> new DetectionDecoder(OutputKind.YOLOV8, 2).decode(bad, 0.25, 0.5, 100));
        assertEquals("the model's output holds NaN as the score of class 0 of cell 3: no detections for this frame", e.getMessage());
    }

    @Test
    void anInfiniteBoxOfACandidateFailsTheFrame() {
        float[] bad = V8.clone();
        bad[2 * 4] = Float.POSITIVE_INFINITY;
        InvalidOutputException e = assertThrows(InvalidOutputException.class, () -> new DetectionDecoder(OutputKind.YOLOV8, 2).decode(bad, 0.25, 0.5, 100));
        assertTrue(e.getMessage().startsWith("the model's output holds a box (cx 20.0, cy 20.0, w Infinity, h 10.0) that is not finite at cell 0"),
                e.getMessage());
    }

    @Test
    void aNegativeInfiniteScoreFailsTheFrameToo() {
        float[] bad = V8.clone();
        bad[5 * 4] = Float.NEGATIVE_INFINITY;
        assertThrows(InvalidOutputException.class, () -> new DetectionDecoder(OutputKind.YOLOV8, 2).decode(bad, 0.25, 0.5, 100));
    }

    @Test
    void boxesWithoutAreaAreDropped() throws Exception {
        float[] flat = V8.clone();
        flat[2 * 4] = 0;
        flat[3 * 4] = -3;
        // cell 0 (no width, negative height) is gone, so cell 1 is the best of class 0 and stays
        assertEquals(List.of(new Detection(0, 0.8f, 17.5f, 15, 27.5f, 25), new Detection(1, 0.7f, 15, 15, 25, 25)),
                new DetectionDecoder(OutputKind.YOLOV8, 2).decode(flat, 0.25, 0.5, 100));
    }

    @Test
    void anOutputOfTheWrongLengthIsRefused() {
        InvalidOutputException e = assertThrows(InvalidOutputException.class,
                () -> new DetectionDecoder(OutputKind.YOLOV8, 2).decode(new float[7], 0.25, 0.5, 100));
        assertEquals("a yolov8 output with 2 classes holds a multiple of 6 values; this one holds 7", e.getMessage());
    }

    @Test
    void theCardsKindIsCheckedAgainstTheRealShape() {
        assertEquals("the model card says output.kind yolov8 with 10 labels, [N, 4 + 10 classes = 14, cells], but the model's output "
                + "'output0' has shape [1, 1024, 14]", OutputKind.YOLOV8.mismatch("output0", new long[] {1, 1024, 14}, 10).orElseThrow());
        assertTrue(OutputKind.YOLOV8.mismatch("output0", new long[] {1, 14, 1024}, 10).isEmpty());
        assertTrue(OutputKind.YOLOV5.mismatch("output", new long[] {1, 25200, 85}, 80).isEmpty());
        assertEquals("the model card says output.kind logits with 10 labels, [N, 10], but the model's output 'logits' has shape [1, 14, 1024]",
                OutputKind.LOGITS.mismatch("logits", new long[] {1, 14, 1024}, 10).orElseThrow());
    }

    private static Detection round(Detection d) {
        return new Detection(d.classIndex(), Math.round(d.score() * 1000) / 1000f, d.x0(), d.y0(), d.x1(), d.y1());
    }

    @Test
    void aThresholdOfZeroConsidersOnlyTheBestCandidatesAndKeepsAtMostMax() throws Exception {
        float[] out = io.hastegw.op.bench.DecodeBenchmark.output(80, 8400, 20, 1);
        DetectionDecoder decoder = new DetectionDecoder(OutputKind.YOLOV8, 80);
        assertEquals(80 * 8400, decoder.candidates(out, 0).size(), "every (cell, class) passes a threshold of 0");
        List<Detection> kept = decoder.decode(out, 0, 0.5, 100);
        assertEquals(100, kept.size());
        for (int i = 1; i < kept.size(); i++) {
            assertTrue(kept.get(i).score() <= kept.get(i - 1).score(), "best first");
        }
    }
}
