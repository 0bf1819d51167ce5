package io.hastegw.op.transform;

/**
 * One convolution that the transformer replaced by HASTE.
 *
 * @param name               the original Conv node's name
 * @param hyperplanes        hyperplanes stored for it (the most any level uses)
 * @param cumulativeNonzeros entry l: non-zeros of the first l hyperplanes (the hashing cost per channel)
 */
public record HasteLayer(String name, int hyperplanes, long[] cumulativeNonzeros) {}
