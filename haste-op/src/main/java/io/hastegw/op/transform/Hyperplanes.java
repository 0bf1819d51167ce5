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
     * Draws {@code count} hyperplanes over {@code pixels} dimensions for layer {@code layer}.
     *
     * @return row-major {@code [pixels][count]}: column l is hyperplane l
     */
    public static float[] sample(long seed, int layer, int pixels, int count, double sparsity) {
        if (sparsity < 0 || sparsity >= 1) {
            throw new IllegalArgumentException("sparsity must be in [0, 1), got " + sparsity);
        }
        Random random = new Random(seed * 1_000_003L + layer);
        float[] r = new float[pixels * count];
        for (int i = 0; i < r.length; i++) {
            double u = random.nextDouble();
            r[i] = u < sparsity ? 0f : (u < sparsity + (1 - sparsity) / 2 ? 1f : -1f);
        }
        return r;
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
