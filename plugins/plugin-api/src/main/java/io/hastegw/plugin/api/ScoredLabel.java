package io.hastegw.plugin.api;

/**
 * One class of a prediction.
 *
 * @param index class index in the model output
 * @param label class name from the model card
 * @param score probability (softmax of the logits, or the model's own probabilities)
 */
public record ScoredLabel(int index, String label, double score) {}
