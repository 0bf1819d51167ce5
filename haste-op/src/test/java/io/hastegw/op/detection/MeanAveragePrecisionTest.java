package io.hastegw.op.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** mAP against a tiny case computed by hand. */
class MeanAveragePrecisionTest {
    private static Detection box(int c, float score, float x0, float y0, float x1, float y1) {
        return new Detection(c, score, x0, y0, x1, y1);
    }

    /**
     * Class 0: two labelled boxes in image A, one in image B. Detections by score: 0.9 (A, exact:
     * TP), 0.8 (B, IoU 0 with B's box: FP), 0.7 (A, exact on the second box: TP), 0.6 (A, a
     * duplicate of the first box: FP). Recall/precision: 1/3 1/1, 1/3 1/2, 2/3 2/3, 2/3 2/4; the
     * envelope gives AP = 1/3 x 1 + 1/3 x 2/3 = 5/9. Class 1: one box, detected with IoU 0.6 (TP at
     * 0.5, FP from 0.65 on): AP 1 at 0.5. Class 2: nothing labelled, its detection ignored.
     */
    private static MeanAveragePrecision tiny() {
        MeanAveragePrecision map = new MeanAveragePrecision(3);
        map.add(List.of(box(0, 0.9f, 0, 0, 10, 10), box(0, 0.7f, 20, 20, 30, 30), box(0, 0.6f, 0, 0, 10, 10), box(1, 0.5f, 50, 50, 60, 65),
                box(2, 0.9f, 0, 0, 5, 5)),
                List.of(box(0, 1, 0, 0, 10, 10), box(0, 1, 20, 20, 30, 30), box(1, 1, 50, 50, 60, 60)));
        map.add(List.of(box(0, 0.8f, 100, 100, 110, 110)), List.of(box(0, 1, 40, 40, 50, 50)));
        return map;
    }

    @Test
    void apPerClassAndTheMeanMatchTheHandComputedCase() {
        double[] ap = tiny().perClass(0.5);
        assertEquals(5.0 / 9, ap[0], 1e-12);
        assertEquals(1.0, ap[1], 1e-12);
        assertTrue(Double.isNaN(ap[2]), "a class with no labelled box has no AP");
        assertEquals((5.0 / 9 + 1) / 2, tiny().map50(), 1e-12);
    }

    @Test
    void mapOverIouThresholdsAveragesTheTenThresholds() {
        // class 0 is exact (5/9 at every threshold); class 1 (IoU 100/150 = 0.667) is a TP up to 0.65, then AP 0.
        double expected = (4 * ((5.0 / 9 + 1) / 2) + 6 * ((5.0 / 9 + 0) / 2)) / 10;
        assertEquals(expected, tiny().map50to95(), 1e-12);
    }

    @Test
    void allPointInterpolationTakesTheEnvelope() {
        assertEquals(1.0 / 3 + 1.0 / 3 * 2 / 3, MeanAveragePrecision.allPointArea(new double[] {1.0 / 3, 1.0 / 3, 2.0 / 3, 2.0 / 3},
                new double[] {1, 0.5, 2.0 / 3, 0.5}), 1e-12);
    }

    @Test
    void nothingDetectedIsZero() {
        MeanAveragePrecision map = new MeanAveragePrecision(1);
        map.add(List.of(), List.of(box(0, 1, 0, 0, 1, 1)));
        assertEquals(0, map.map50());
    }
}
