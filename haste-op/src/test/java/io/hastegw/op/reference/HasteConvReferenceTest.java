package io.hastegw.op.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastegw.op.transform.Hyperplanes;
import io.hastegw.op.transform.MergeMode;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HasteConvReferenceTest {
    private static final int H = 12;
    private static final int W = 12;
    private static final int LMAX = 24;

    /** 8 channels: 4 random patterns, channel c equal to channel c + 4. */
    private static float[] duplicatedChannels(Random random) {
        float[] x = new float[8 * H * W];
        for (int c = 0; c < 4; c++) {
            for (int p = 0; p < H * W; p++) {
                float v = (float) Math.max(0, random.nextGaussian());
                x[c * H * W + p] = v;
                x[(c + 4) * H * W + p] = v;
            }
        }
        return x;
    }

    private static ConvSpec randomConv(Random random, int out, int in) {
        float[] w = new float[out * in * 9];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian();
        }
        float[] b = new float[out];
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) random.nextGaussian();
        }
        return new ConvSpec(w, b, out, in, 3, 3, new int[] {1, 1}, new int[] {1, 1, 1, 1}, new int[] {1, 1});
    }

    private static float[] hyperplanes() {
        return Hyperplanes.sample(7, 0, H * W, LMAX, 2.0 / 3.0);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 8, 16, 24})
    void identicalChannelsAlwaysShareABucket(int l) {
        Random random = new Random(l);
        var result = HasteConvReference.haste(randomConv(random, 6, 8), duplicatedChannels(random), H, W, hyperplanes(), LMAX, l);
        for (List<Integer> bucket : result.buckets()) {
            for (int c : bucket) {
                assertTrue(bucket.contains(c < 4 ? c + 4 : c - 4), "channel " + c + " separated from its copy: " + result.buckets());
            }
        }
    }

    @Test
    void mergingIdenticalChannelsEqualsTheDenseConvolution() {
        Random random = new Random(3);
        ConvSpec conv = randomConv(random, 6, 8);
        float[] x = duplicatedChannels(random);
        var result = HasteConvReference.haste(conv, x, H, W, hyperplanes(), LMAX, LMAX);
        assertEquals(List.of(List.of(0, 4), List.of(1, 5), List.of(2, 6), List.of(3, 7)),
                result.buckets().stream().sorted((a, b) -> a.get(0) - b.get(0)).toList());
        float[] dense = HasteConvReference.dense(conv, x, H, W);
        for (int i = 0; i < dense.length; i++) {
            assertEquals(dense[i], result.output()[i], 1e-5 * Math.max(1, Math.abs(dense[i])), "output " + i);
        }
    }

    @Test
    void unrelatedChannelsDoNotMergeWithEnoughHyperplanes() {
        Random random = new Random(5);
        float[] x = new float[16 * H * W];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        var result = HasteConvReference.haste(randomConv(random, 4, 16), x, H, W, hyperplanes(), LMAX, LMAX);
        assertEquals(16, result.reducedChannels());
    }

    @Test
    void zeroHyperplanesIsTheDenseConvolutionExactly() {
        Random random = new Random(9);
        ConvSpec conv = randomConv(random, 6, 8);
        float[] x = duplicatedChannels(random);
        var result = HasteConvReference.haste(conv, x, H, W, hyperplanes(), LMAX, 0);
        assertEquals(8, result.reducedChannels());
        float[] dense = HasteConvReference.dense(conv, x, H, W);
        for (int i = 0; i < dense.length; i++) {
            assertEquals(dense[i], result.output()[i], 0f);
        }
    }

    @Test
    void fewerHyperplanesNeverSplitABucket() {
        Random random = new Random(11);
        float[] x = new float[32 * H * W];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.max(0, random.nextGaussian());
        }
        float[] r = hyperplanes();
        long[] previous = HasteConvReference.codes(x, 32, H * W, r, LMAX, LMAX);
        for (int l = LMAX - 1; l >= 1; l--) {
            long[] codes = HasteConvReference.codes(x, 32, H * W, r, LMAX, l);
            for (int a = 0; a < 32; a++) {
                for (int b = 0; b < 32; b++) {
                    if (previous[a] == previous[b]) {
                        assertEquals(codes[a], codes[b], "channels " + a + "," + b + " split at L=" + l);
                    }
                }
            }
            previous = codes;
        }
    }

    /** 8 channels, each a positive multiple of one map: centred, they split into those above and below the mean multiple. */
    private static float[] multiplesOfOneMap(Random random) {
        float[] base = new float[H * W];
        for (int p = 0; p < base.length; p++) {
            base[p] = (float) Math.max(0, random.nextGaussian());
        }
        float[] multiples = {0.25f, 0.5f, 0.75f, 1f, 1.5f, 2f, 3f, 4.5f};
        float[] x = new float[8 * H * W];
        for (int c = 0; c < 8; c++) {
            for (int p = 0; p < H * W; p++) {
                x[c * H * W + p] = multiples[c] * base[p];
            }
        }
        return x;
    }

    @ParameterizedTest(name = "hash stride {0}")
    @ValueSource(ints = {1, 2, 5})
    void theScaleAwareMergeIsExactWhenABucketsChannelsAreMultiplesOfOneAnother(int stride) {
        Random random = new Random(13);
        ConvSpec conv = randomConv(random, 6, 8);
        float[] x = multiplesOfOneMap(random);
        int hashed = ((H + stride - 1) / stride) * ((W + stride - 1) / stride);
        float[] r = Hyperplanes.sample(7, 0, hashed, LMAX, 2.0 / 3.0);
        var scaled = HasteConvReference.haste(conv, x, H, W, new HasteConvReference.Hash(r, LMAX, LMAX, stride, MergeMode.SCALE));
        var mean = HasteConvReference.haste(conv, x, H, W, new HasteConvReference.Hash(r, LMAX, LMAX, stride, MergeMode.MEAN));
        assertEquals(2, scaled.reducedChannels(), "above and below the mean multiple: " + scaled.buckets());
        float[] dense = HasteConvReference.dense(conv, x, H, W);
        double meanError = 0;
        for (int i = 0; i < dense.length; i++) {
            assertEquals(dense[i], scaled.output()[i], 1e-4 * Math.max(1, Math.abs(dense[i])), "output " + i);
            meanError = Math.max(meanError, Math.abs(dense[i] - mean.output()[i]));
        }
        assertTrue(meanError > 0.1, "the paper's mean merge is not exact here: max error " + meanError);
    }

    @Test
    void aHashStrideHashesThePixelsOfItsGrid() {
        Random random = new Random(17);
        float[] x = new float[16 * H * W];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.max(0, random.nextGaussian());
        }
        float[] grid = HasteConvReference.subsample(x, 16, H, W, 3);
        assertEquals(16 * 4 * 4, grid.length);
        assertEquals(x[(5 * H + 9) * W + 6], grid[(5 * 4 + 3) * 4 + 2], 0f, "channel 5, row 9, column 6");
        float[] r = Hyperplanes.sample(7, 0, 16, LMAX, 2.0 / 3.0);
        var strided = HasteConvReference.haste(randomConv(random, 4, 16), x, H, W, new HasteConvReference.Hash(r, LMAX, 10, 3, MergeMode.MEAN));
        long[] codes = HasteConvReference.codes(grid, 16, 16, r, LMAX, 10);
        for (List<Integer> bucket : strided.buckets()) {
            assertTrue(bucket.stream().allMatch(c -> codes[c] == codes[bucket.get(0)]), "bucket " + bucket);
        }
        assertEquals(java.util.Arrays.stream(codes).distinct().count(), strided.reducedChannels());
    }

    /**
     * Patch-wise with unrelated channels and all 24 hyperplanes: nothing merges, so the tiles, each
     * convolved without padding from its halo-overlapping window, must give the dense output
     * exactly; for stride 1 and stride 2 (12x12 input, pad 1: outputs 12x12 and 6x6).
     */
    @ParameterizedTest(name = "stride {0}, tiles of {1}")
    @CsvSource({"1, 4", "1, 6", "2, 3", "2, 2"})
    void patchTilingIsExactAtFullL(int convStride, int tile) {
        Random random = new Random(19);
        float[] x = new float[16 * H * W];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        ConvSpec base = randomConv(random, 5, 16);
        ConvSpec conv = new ConvSpec(base.weights(), base.bias(), 5, 16, 3, 3, new int[] {convStride, convStride}, new int[] {1, 1, 1, 1},
                new int[] {1, 1});
        int window = (tile - 1) * convStride + 3;
        float[] r = Hyperplanes.sample(7, 0, window * window, LMAX, 2.0 / 3.0);
        var patched = HasteConvReference.hastePatched(conv, x, H, W, new HasteConvReference.Hash(r, LMAX, LMAX, 1, MergeMode.SCALE), tile);
        int tiles = (conv.outHeight(H) / tile) * (conv.outWidth(W) / tile);
        assertEquals(16 * tiles, patched.reducedChannels(), "every tile keeps its 16 channels");
        float[] dense = HasteConvReference.dense(conv, x, H, W);
        assertEquals(dense.length, patched.output().length);
        for (int i = 0; i < dense.length; i++) {
            assertEquals(dense[i], patched.output()[i], 1e-5 * Math.max(1, Math.abs(dense[i])), "output " + i);
        }
    }

    @Test
    void theFirstHyperplanesDoNotDependOnHowManyAreDrawn() {
        float[] eight = Hyperplanes.sample(7, 3, 50, 8, 2.0 / 3.0);
        float[] sixteen = Hyperplanes.sample(7, 3, 50, 16, 2.0 / 3.0);
        for (int p = 0; p < 50; p++) {
            for (int l = 0; l < 8; l++) {
                assertEquals(eight[p * 8 + l], sixteen[p * 16 + l], 0f, "pixel " + p + ", hyperplane " + l);
            }
        }
    }

    @Test
    void strideAndPaddingFollowTheOnnxFormula() {
        ConvSpec conv = new ConvSpec(new float[9], null, 1, 1, 3, 3, new int[] {2, 2}, new int[] {1, 1, 1, 1}, new int[] {1, 1});
        assertEquals(16, conv.outHeight(32));
        assertEquals(16, conv.outWidth(32));
    }
}
