package io.hastegw.plugins.labels;

import io.hastegw.plugin.api.Extensions;
import io.hastegw.plugin.api.Plugin;
import io.hastegw.plugin.api.PluginContext;
import io.hastegw.plugin.api.ScoredLabel;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Post-processing after top-k, each stage registered only when configured: {@code threshold}
 * keeps the labels scoring at least {@code min_score}; {@code zones} keeps, for a camera listed
 * in {@code zones} (a camera watches one zone: a door, a yard), only the labels that matter in
 * its zone (cameras not listed keep every label); {@code mapping} renames labels
 * ({@code rename}: from → to) and removes those listed in {@code drop}. A prediction may end
 * with no label (nothing confident enough, nothing of interest there): that is an answer, not an
 * error.
 */
public final class LabelFiltersPlugin implements Plugin {
    @Override
    @SuppressWarnings("unchecked")
    public void init(PluginContext context, Extensions extensions) {
        Map<String, Object> c = context.config();
        double minScore = ((Number) c.getOrDefault("min_score", 0)).doubleValue();
        if (minScore > 0) {
            extensions.postProcessor("threshold", (scores, labels, frame) -> labels.stream().filter(l -> l.score() >= minScore).toList());
        }
        Map<String, List<String>> zones = (Map<String, List<String>>) c.getOrDefault("zones", Map.of());
        if (!zones.isEmpty()) {
            Map<String, Set<String>> wanted = new java.util.HashMap<>();
            zones.forEach((camera, labels) -> wanted.put(camera, Set.copyOf(labels)));
            extensions.postProcessor("zones", (scores, labels, frame) -> {
                Set<String> keep = wanted.get(frame.cameraId());
                return keep == null ? labels : labels.stream().filter(l -> keep.contains(l.label())).toList();
            });
        }
        Map<String, String> rename = (Map<String, String>) c.getOrDefault("rename", Map.of());
        Set<String> drop = Set.copyOf((List<String>) c.getOrDefault("drop", List.of()));
        if (!rename.isEmpty() || !drop.isEmpty()) {
            extensions.postProcessor("mapping", (scores, labels, frame) -> labels.stream().filter(l -> !drop.contains(l.label()))
                    .map(l -> new ScoredLabel(l.index(), rename.getOrDefault(l.label(), l.label()), l.score())).toList());
        }
    }
}
