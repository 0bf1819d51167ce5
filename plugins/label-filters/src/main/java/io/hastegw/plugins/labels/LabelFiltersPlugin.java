package io.hastegw.plugins.labels;

import io.hastegw.plugin.api.Detection;
import io.hastegw.plugin.api.Extensions;
import io.hastegw.plugin.api.Frame;
import io.hastegw.plugin.api.Plugin;
import io.hastegw.plugin.api.PluginContext;
import io.hastegw.plugin.api.PostProcessor;
import io.hastegw.plugin.api.ScoredLabel;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Post-processing after top-k, each stage registered only when configured, for a classifier's
 * labels and a detector's detections alike: {@code threshold} keeps those scoring at least
 * {@code min_score}; {@code zones} keeps, for a camera listed in {@code zones} (a camera watches
 * one place: a door, a yard), only the labels that matter there (cameras not listed keep every
 * label); {@code mapping} renames labels ({@code rename}: from → to) and removes those listed in
 * {@code drop}. A prediction may end with no label or no detection (nothing confident enough,
 * nothing of interest there): that is an answer, not an error.
 */
public final class LabelFiltersPlugin implements Plugin {
    /** Which labels stay, given the label, its score and the camera. */
    @FunctionalInterface
    private interface Keep {
        boolean test(String label, double score, String camera);
    }

    /** One stage: what it keeps, and what it calls the labels it keeps. */
    private record Stage(Keep keep, UnaryOperator<String> rename) implements PostProcessor {
        @Override
        public List<ScoredLabel> process(float[] scores, List<ScoredLabel> labels, Frame frame) {
            return labels.stream().filter(l -> keep.test(l.label(), l.score(), frame.cameraId()))
                    .map(l -> new ScoredLabel(l.index(), rename.apply(l.label()), l.score())).toList();
        }

        @Override
        public List<Detection> detections(List<Detection> detections, Frame frame) {
            return detections.stream().filter(d -> keep.test(d.label(), d.score(), frame.cameraId()))
                    .map(d -> d.withLabel(rename.apply(d.label()))).toList();
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public void init(PluginContext context, Extensions extensions) {
        Map<String, Object> c = context.config();
        double minScore = ((Number) c.getOrDefault("min_score", 0)).doubleValue();
        if (minScore > 0) {
            extensions.postProcessor("threshold", new Stage((label, score, camera) -> score >= minScore, UnaryOperator.identity()));
        }
        Map<String, List<String>> zones = (Map<String, List<String>>) c.getOrDefault("zones", Map.of());
        if (!zones.isEmpty()) {
            Map<String, Set<String>> wanted = new java.util.HashMap<>();
            zones.forEach((camera, labels) -> wanted.put(camera, Set.copyOf(labels)));
            extensions.postProcessor("zones", new Stage((label, score, camera) -> !wanted.containsKey(camera) || wanted.get(camera).contains(label),
                    UnaryOperator.identity()));
        }
        Map<String, String> rename = (Map<String, String>) c.getOrDefault("rename", Map.of());
        Set<String> drop = Set.copyOf((List<String>) c.getOrDefault("drop", List.of()));
        if (!rename.isEmpty() || !drop.isEmpty()) {
            extensions.postProcessor("mapping", new Stage((label, score, camera) -> !drop.contains(label), l -> rename.getOrDefault(l, l)));
        }
    }
}
