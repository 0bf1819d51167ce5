package io.hastegw.plugin.api;

/**
 * The outcome of one inference.
 *
 * @param scores       the model output (logits or probabilities), one per label
 * @param level        the compression level used (0 = dense)
 * @param denseMacs    MACs of the dense model for this input
 * @param executedMacs MACs actually executed, HASTE overhead included
 */
public record InferenceResult(float[] scores, int level, long denseMacs, long executedMacs) {}
