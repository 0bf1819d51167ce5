package com.example.myplugin;

import io.hastegw.plugin.api.Extensions;
import io.hastegw.plugin.api.Plugin;
import io.hastegw.plugin.api.PluginContext;
import io.hastegw.plugin.api.ScoredLabel;
import java.util.List;

/**
 * The template's plugin: a post-processor that keeps the labels scoring at least {@code min_score} and counts the
 * ones it drops ({@code haste_plugin_dropped_labels_total{plugin="my-plugin"}}). Replace it with yours; keep the shape:
 * read the configuration in {@code init}, register stages, keep no state the gateway's threads race on.
 */
public final class MyPlugin implements Plugin {
    @Override
    public void init(PluginContext context, Extensions extensions) {
        double minScore = ((Number) context.config().getOrDefault("min_score", 0.5)).doubleValue();
        extensions.postProcessor("min-score", (scores, labels, frame) -> {
            List<ScoredLabel> kept = labels.stream().filter(l -> l.score() >= minScore).toList();
            if (kept.size() < labels.size()) {
                context.metrics().count("dropped_labels", labels.size() - kept.size());
            }
            return kept;
        });
    }
}
