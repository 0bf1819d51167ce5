package io.hastegw.plugin.api;

import java.util.List;

/**
 * The model the gateway runs, as its model card describes it.
 *
 * @param name          model name
 * @param channels      input channels
 * @param height        input height
 * @param width         input width
 * @param labels        class names, index = output position
 * @param probabilities whether the output is probabilities already (else logits)
 */
public record ModelInfo(String name, int channels, int height, int width, List<String> labels, boolean probabilities) {
    /** Copies the labels. */
    public ModelInfo {
        labels = List.copyOf(labels);
    }
}
