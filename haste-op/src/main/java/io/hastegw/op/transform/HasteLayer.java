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
 * @param patch              patch-wise: tiles of this many output pixels a side, each hashed and
 *                           merged on its own input window ({@link Tiling}); 0: the whole map
 * @param window             patch-wise: the input window's rows and columns; null for the whole map
 */
public record HasteLayer(String name, int hyperplanes, long[] cumulativeNonzeros, int hashStride, int patch, int[] window) {
    /** A stride below 1 (absent from older files) reads as 1, a patch below 1 as the whole map. */
    public HasteLayer {
        hashStride = Math.max(1, hashStride);
        if (patch <= 0 || window == null) {
            patch = 0;
            window = null;
        }
    }

    /** Pixels hashed per channel and patch: the input map's (or window's) on a grid of the hash stride. */
    public int hashedPixels(LayerInfo layer) {
        return patch == 0 ? hashedPixels(layer, hashStride) : grid(window[0], hashStride) * grid(window[1], hashStride);
    }

    /** Pixels of {@code layer}'s input map on a grid of {@code stride}. */
    public static int hashedPixels(LayerInfo layer, int stride) {
        long[] s = layer.inputShape();
        return Math.toIntExact(grid(s[2], stride) * grid(s[3], stride));
    }

    /** Input pixels one patch merges: the window's, or the whole map's. */
    public long mergedPixels(LayerInfo layer) {
        return patch == 0 ? layer.inputPixels() : (long) window[0] * window[1];
    }

    /** How many patches the layer is computed in (1 for the whole map). */
    public int patches(LayerInfo layer) {
        long[] out = layer.outputShape();
        return patch == 0 ? 1 : Math.toIntExact(out[2] / patch * (out[3] / patch));
    }

    private static int grid(long side, int stride) {
        return Math.toIntExact((side + stride - 1) / stride);
    }
}
