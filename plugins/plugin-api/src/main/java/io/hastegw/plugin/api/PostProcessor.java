package io.hastegw.plugin.api;

import java.util.List;

/**
 * Stage 4: turns raw scores into the labelled result that is published. Post-processors run in
 * a chain: the first (the built-in top-k) makes labels from the scores, the next ones refine
 * them (thresholds, label mapping, zone filters).
 */
public interface PostProcessor {
    /**
     * The labelled result, best first.
     *
     * @param scores the model's raw output
     * @param labels what the previous post-processor of the chain returned (empty for the first)
     * @param frame  the frame (camera, user properties)
     */
    List<ScoredLabel> process(float[] scores, List<ScoredLabel> labels, Frame frame);

    /**
     * A detector's detections refined (since API 2.1): filtered, relabelled. Called in the same
     * chain order for every frame of a detector, with what the previous post-processor returned
     * (the first gets the decoded boxes, best first); the default leaves them as they are.
     *
     * @param detections the detections so far, boxes in frame pixels, best first
     * @param frame      the frame (camera, user properties)
     */
    default List<Detection> detections(List<Detection> detections, Frame frame) {
        return detections;
    }
}
