package io.hastegw.op.transform;

import java.util.Random;

/**
 * Sparse random hyperplanes for HASTE hashing (Achlioptas-style): each entry is 0 with
 * probability {@code sparsity}, else +1 or -1 with equal probability, so projecting needs
 * additions only. Drawn once, data-free, from a seed per layer; {@link Random} is used because
 * its sequence is fixed by the Java specification, so a seed gives the same model bytes on every JVM.
 */
public final class Hyperplanes {
    private Hyperplanes() {}

    /**
     * Draws {@code count} hyperplanes over {@code pixels} dimensions for layer {@code layer}, one
     * hyperplane after the other, so that the first l hyperplanes do not depend on {@code count}:
     * a layer that stores fewer or more hyperplanes hashes alike at the same L (metadata format 3).
     *
     * @return row-major {@code [pixels][count]}: column l is hyperplane l
     */
    public static float[] sample(long seed, int layer, int pixels, int count, double sparsity) {
        Random random = random(seed, layer, sparsity);
        float[] r = new float[pixels * count];
        for (int l = 0; l < count; l++) {
            for (int p = 0; p < pixels; p++) {
                r[p * count + l] = entry(random, sparsity);
            }
        }
        return r;
    }

    /**
     * The draw of metadata formats 1 and 2: the same distribution, drawn pixel after pixel, so the
     * hyperplanes depend on {@code count}. Models of those formats are rebuilt with it.
     */
    public static float[] sampleRowMajor(long seed, int layer, int pixels, int count, double sparsity) {
        Random random = random(seed, layer, sparsity);
        float[] r = new float[pixels * count];
        for (int i = 0; i < r.length; i++) {
            r[i] = entry(random, sparsity);
        }
        return r;
    }

    private static Random random(long seed, int layer, double sparsity) {
        if (sparsity < 0 || sparsity >= 1) {
            throw new IllegalArgumentException("sparsity must be in [0, 1), got " + sparsity);
        }
        return new Random(seed * 1_000_003L + layer);
    }

    private static float entry(Random random, double sparsity) {
        double u = random.nextDouble();
        return u < sparsity ? 0f : (u < sparsity + (1 - sparsity) / 2 ? 1f : -1f);
    }

    /**
     * Cumulative non-zero counts: entry l is the number of non-zeros in the first l hyperplanes
     * (l = 0..count), the additions one channel's projection onto them costs.
     */
    public static long[] cumulativeNonzeros(float[] r, int pixels, int count) {
        long[] cumulative = new long[count + 1];
        for (int l = 0; l < count; l++) {
            long nnz = 0;
            for (int p = 0; p < pixels; p++) {
                if (r[p * count + l] != 0f) {
                    nnz++;
                }
            }
            cumulative[l + 1] = cumulative[l] + nnz;
        }
        return cumulative;
    }
}
