package io.hastegw.op.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import io.hastegw.op.SharedData;
import io.hastegw.op.card.ModelCard;
import io.hastegw.op.cost.CalibrationInputs;
import io.hastegw.op.onnx.FloatTensor;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.runtime.RuntimeOptions;
import io.hastegw.op.transform.HasteModelInfo;
import io.hastegw.op.transform.HasteOptions;
import io.hastegw.op.transform.LevelSchedule;
import java.util.Arrays;
import java.util.List;
import onnx.Onnx.ModelProto;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The budget search on the real ResNet-20, data-free (synthetic frames), with few candidates to stay quick. */
class ScheduleSearchTest {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    private static final BudgetOptions BUDGET = new BudgetOptions(List.of(0.97, 0.94, 0.90, 0.90), List.of(16, 12, 8), 6);
    private static BudgetTransform.Outcome outcome;

    @BeforeAll
    static void search() throws Exception {
        ModelCard card = SharedData.cifarCard("resnet20");
        ModelProto model = OnnxModels.read(SharedData.cifarModel("resnet20"));
        List<FloatTensor> frames = CalibrationInputs.synthetic(card, BUDGET.frames());
        RuntimeOptions runtime = RuntimeOptions.of(1);
        outcome = new BudgetTransform(ENV, runtime, new ScheduleSearch(ENV, runtime, (done, total) -> { }))
                .transform(model, new long[] {1, 3, 32, 32}, HasteOptions.defaults(), card, frames, "synthetic frames (data-free)", BUDGET);
    }

    /** How aggressive an L is: dense least, then decreasing L. */
    private static int aggressiveness(int l) {
        return l == 0 ? 0 : 100 - l;
    }

    @Test
    void everyLayerIsProbedAtEveryCandidate() {
        assertEquals(18 * 3, outcome.search().probes().size());
        assertEquals(List.of(16, 12, 8), outcome.search().probes().subList(0, 3).stream().map(LayerProbe::planes).toList());
    }

    @Test
    void aHigherLevelIsNeverLessAggressiveOnAnyLayerNorPredictedToCostMore() {
        LevelSchedule s = outcome.search().schedule();
        assertEquals(5, s.levels());
        for (int level = 1; level < s.levels(); level++) {
            assertTrue(outcome.search().predicted()[level] <= outcome.search().predicted()[level - 1], "level " + level);
            for (int layer = 0; layer < s.layers(); layer++) {
                assertTrue(aggressiveness(s.hyperplanes(level, layer)) >= aggressiveness(s.hyperplanes(level - 1, layer)),
                        "level " + level + " layer " + layer);
            }
        }
        assertEquals(outcome.search().predicted()[3], outcome.search().predicted()[4], "equal budgets, equal schedules");
    }

    @Test
    void eachLevelFitsItsBudgetOrIsTheMostThePathOffers() {
        double[] predicted = outcome.search().predicted();
        double last = predicted[predicted.length - 1];
        for (int level = 1; level < predicted.length; level++) {
            double budget = BUDGET.budgets().get(level - 1);
            assertTrue(predicted[level] <= budget || predicted[level] == last, "level " + level + ": " + predicted[level] + " > " + budget);
        }
    }

    @Test
    void theModelCarriesTheScheduleFoundAndSaysHowItWasMade() {
        HasteModelInfo info = HasteModelInfo.of(outcome.transform().model()).orElseThrow();
        assertTrue(Arrays.deepEquals(outcome.search().schedule().hyperplanes(), info.schedule().hyperplanes()));
        assertTrue(info.scheduleOrigin().startsWith("searched for MACs budgets 0.97,0.94,0.90,0.90 of dense on 6 synthetic frames (data-free)"),
                info.scheduleOrigin());
    }

    @Test
    void budgetsMustNotIncreaseAndCandidatesMustDecrease() {
        IllegalArgumentException budgets = assertThrows(IllegalArgumentException.class,
                () -> new BudgetOptions(List.of(0.8, 0.9), List.of(16), 4));
        assertEquals("budgets must lie in (0, 1] and not increase from level to level, got [0.8, 0.9]", budgets.getMessage());
        IllegalArgumentException candidates = assertThrows(IllegalArgumentException.class,
                () -> new BudgetOptions(List.of(0.9), List.of(8, 12), 4));
        assertEquals("candidate L values must lie in 1..24 and decrease, got [8, 12]", candidates.getMessage());
    }
}
