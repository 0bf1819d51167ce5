package io.hastegw.plugin.api;

/**
 * A model input: float values, row-major.
 *
 * @param data  the values
 * @param shape the dimensions, e.g. {@code [1, 3, 32, 32]}
 */
public record InputTensor(float[] data, long[] shape) {}
