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
 * @param probabilities whether the output is probabilities already (else logits; a detector's class scores are 0..1)
 * @param detector      whether the model is an object detector (its predictions carry {@link Prediction#detections()}; since API 2.1)
 */
public record ModelInfo(String name, int channels, int height, int width, List<String> labels, boolean probabilities, boolean detector) {
    /** Copies the labels. */
    public ModelInfo {
        labels = List.copyOf(labels);
    }

    /** A classifier's description: the constructor of API 2.0, kept for plugins built against it. */
    public ModelInfo(String name, int channels, int height, int width, List<String> labels, boolean probabilities) {
        this(name, channels, height, width, labels, probabilities, false);
    }
}
