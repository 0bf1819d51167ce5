package io.hastegw.op.transform;

import io.hastegw.op.analysis.LayerInfo;

/**
 * One convolution that the transformer replaced by HASTE.
 *
 * @param name               the original Conv node's name
 * @param hyperplanes        hyperplanes stored for it (the most any level uses)
 * @param cumulativeNonzeros entry l: non-zeros of the first l hyperplanes (the hashing cost per channel)
 * @param hashStride         channels are hashed on the pixels of a grid of this stride (1: every
 *                           pixel; files of metadata format 1 and 2, which lack it, read as 1)
 */
public record HasteLayer(String name, int hyperplanes, long[] cumulativeNonzeros, int hashStride) {
    /** A stride below 1 (absent from older files) reads as 1. */
    public HasteLayer {
        hashStride = Math.max(1, hashStride);
    }

    /** Pixels hashed per channel for {@code layer}'s input: ceil(H / stride) x ceil(W / stride). */
    public int hashedPixels(LayerInfo layer) {
        return hashedPixels(layer, hashStride);
    }

    /** Pixels of {@code layer}'s input map on a grid of {@code stride}. */
    public static int hashedPixels(LayerInfo layer, int stride) {
        long[] s = layer.inputShape();
        return Math.toIntExact((s[2] + stride - 1) / stride * ((s[3] + stride - 1) / stride));
    }
}
