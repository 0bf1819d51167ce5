package io.hastegw.op.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class GreedyPathTest {
    /** Layer 0 is cheap to damage per MAC, layer 1 dear; layer 2 never saves anything. */
    private static final List<List<LayerProbe>> OPTIONS = List.of(
            List.of(LayerProbe.dense(0), new LayerProbe(0, 16, 100, 0.01), new LayerProbe(0, 8, 300, 0.05)),
            List.of(LayerProbe.dense(1), new LayerProbe(1, 16, 100, 0.50), new LayerProbe(1, 8, 150, 0.60)),
            List.of(LayerProbe.dense(2), new LayerProbe(2, 16, -20, 0.00), new LayerProbe(2, 8, -5, 0.10)));

    @Test
    void movesGoByLeastDamagePerMacSavedAndALayerThatSavesNothingStaysDense() {
        List<GreedyPath.Point> path = GreedyPath.walk(OPTIONS);
        assertEquals(4, path.size());
        assertArrayEquals(new int[] {0, 0, 0}, path.get(0).choice());
        assertArrayEquals(new int[] {1, 0, 0}, path.get(1).choice(), "0.01 / 100 first");
        assertArrayEquals(new int[] {2, 0, 0}, path.get(2).choice(), "then 0.04 / 200 (layer 0 to L = 8)");
        assertArrayEquals(new int[] {2, 2, 0}, path.get(3).choice(), "then 0.60 / 150, better than 0.50 / 100");
        assertEquals(450, path.get(3).saving(), 1e-9);
        assertEquals(0.65, path.get(3).damage(), 1e-9);
    }

    @Test
    void everyStepSavesMoreAndNoLayerEverBecomesLessAggressive() {
        List<GreedyPath.Point> path = GreedyPath.walk(OPTIONS);
        for (int k = 1; k < path.size(); k++) {
            GreedyPath.Point before = path.get(k - 1);
            GreedyPath.Point after = path.get(k);
            assertEquals(true, after.saving() > before.saving(), "step " + k);
            for (int i = 0; i < before.choice().length; i++) {
                assertEquals(true, after.choice()[i] >= before.choice()[i], "step " + k + " layer " + i);
            }
        }
    }
}
