package io.hastegw.op.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import io.hastegw.op.SharedData;
import io.hastegw.op.card.ModelCard;
import io.hastegw.op.card.OutputKind;
import io.hastegw.op.cost.CalibrationInputs;
import io.hastegw.op.detection.DetectionDecoder;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.runtime.RuntimeOptions;
import io.hastegw.op.transform.HasteModelInfo;
import io.hastegw.op.transform.HasteOptions;
import java.util.List;
import onnx.Onnx.ModelProto;
import org.junit.jupiter.api.Test;

/** The budget search's damage for detectors ({@link OutputDamage#detections}), and a data-free search on the shared detector. */
class DetectionSearchTest {
    /** A YOLOv8 output of 1 class over 2 cells: cell 0 a box at (20, 20) 10x10 scoring {@code s0}, cell 1 one at (60, 60) scoring {@code s1}. */
    private static float[] output(float s0, float s1, float shift) {
        return new float[] {20 + shift, 60, 20, 60, 10, 10, 10, 10, s0, s1};
    }

    private static final OutputDamage DAMAGE = OutputDamage.detections(new DetectionDecoder(OutputKind.YOLOV8, 1));

    @Test
    void theSameDetectionsAreNoDamage() {
        assertEquals(0, DAMAGE.between(output(0.9f, 0.6f, 0), output(0.9f, 0.6f, 0)), 1e-9);
    }

    @Test
    void aLostDetectionCostsItsShareOfTheScore() {
        // The 0.6 detection vanishes: 0.6 of 1.5 lost.
        assertEquals(0.6 / 1.5, DAMAGE.between(output(0.9f, 0.6f, 0), output(0.9f, 0.01f, 0)), 1e-6);
    }

    @Test
    void aMovedBoxAndALowerScoreCountByIouAndScoreRatio() {
        // Cell 0's box moves 5 px (IoU 50/150 = 1/3) and scores 0.45 instead of 0.9: it keeps 1/3 x 0.5 of its 0.9.
        double kept = (1.0 / 3) * 0.5;
        assertEquals(0.9 * (1 - kept) / 1.5, DAMAGE.between(output(0.9f, 0.6f, 0), output(0.45f, 0.6f, 5)), 1e-5);
    }

    @Test
    void aFalseAlarmWhereDenseFoundNothingIsItsScore() {
        assertEquals(0.7, DAMAGE.between(output(0.01f, 0.01f, 0), output(0.7f, 0.01f, 0)), 1e-6);
    }

    @Test
    void aDataFreeSearchOnTheDetectorGivesMonotoneLevelsAndSaysItsDamage() throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        ModelCard card = ModelCard.read(SharedData.root().resolve("models/synthetic-detector/scene-detector.json"));
        ModelProto model = OnnxModels.read(SharedData.root().resolve("models/synthetic-detector/scene-detector.onnx"));
        BudgetOptions budget = new BudgetOptions(List.of(0.97, 0.92), List.of(12, 8), 2);
        RuntimeOptions runtime = RuntimeOptions.of(1);
        HasteOptions options = HasteOptions.defaults().withHashing(0, io.hastegw.op.transform.MergeMode.SCALE);
        BudgetTransform.Outcome o = new BudgetTransform(env, runtime, new ScheduleSearch(env, runtime, (done, total) -> { }))
                .transform(model, new long[] {1, 3, 256, 256}, options, card, CalibrationInputs.synthetic(card, budget.frames()),
                        "synthetic frames (data-free)", budget);
        assertEquals(18 * 2, o.search().probes().size());
        assertTrue(o.search().probes().stream().allMatch(p -> p.damage() >= 0 && Double.isFinite(p.damage())));
        assertTrue(o.search().predicted()[2] <= o.search().predicted()[1] && o.search().predicted()[1] <= 1);
        HasteModelInfo info = HasteModelInfo.of(o.transform().model()).orElseThrow();
        assertTrue(info.scheduleOrigin().contains("damage: detections lost, moved or added against the dense model's"), info.scheduleOrigin());
    }
}
