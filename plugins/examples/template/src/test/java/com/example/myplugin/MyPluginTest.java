package com.example.myplugin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hastegw.plugin.api.ScoredLabel;
import io.hastegw.plugin.testkit.PluginHarness;
import io.hastegw.plugin.testkit.TestData;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plugin in the test kit: its stage, fed labels as the gateway's top-k makes them, and its metric. */
class MyPluginTest {
    private static final List<ScoredLabel> LABELS = List.of(new ScoredLabel(3, "cat", 0.7), new ScoredLabel(5, "dog", 0.2),
            new ScoredLabel(6, "frog", 0.1));

    @Test
    void labelsUnderMinScoreAreDroppedAndCounted() throws Exception {
        try (PluginHarness h = PluginHarness.builder(new MyPlugin()).config(Map.of("min_score", 0.15)).start()) {
            assertEquals(List.of("post:min-score"), h.stageNames());
            assertEquals(LABELS.subList(0, 2), h.postProcessor("min-score").process(new float[10], LABELS, TestData.frame("cam", "f1")));
            assertEquals(1, h.metrics().counter("dropped_labels"));
        }
    }

    @Test
    void theDefaultKeepsHalfAndAbove() throws Exception {
        try (PluginHarness h = PluginHarness.builder(new MyPlugin()).start()) {
            assertEquals(LABELS.subList(0, 1), h.postProcessor("min-score").process(new float[10], LABELS, TestData.frame("cam", "f1")));
        }
    }
}
