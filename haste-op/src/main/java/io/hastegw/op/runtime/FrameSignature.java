package io.hastegw.op.runtime;

import io.hastegw.op.onnx.FloatTensor;
import java.util.Arrays;

/**
 * A small pooled summary of a frame, to tell a scene that changed from one that merely jittered:
 * the model input {@code [1, C, H, W]} averaged over a {@value #GRID} x {@value #GRID} grid of
 * cells per channel, then centred and scaled to unit length. Centring and scaling make it blind
 * to global brightness and contrast drift (which move every cell alike), pooling to sensor noise
 * and to shifts of a pixel or two; a scene cut changes it wholesale. Cost: one read of the input.
 *
 * @param values C x GRID x GRID cells, centred, unit length (all zero for a flat frame)
 */
public record FrameSignature(float[] values) {
    /** Cells per side of the grid. */
    public static final int GRID = 4;

    /** The signature of {@code input} (batch 1, NCHW). */
    public static FrameSignature of(FloatTensor input) {
        long[] s = input.shape();
        if (s.length != 4 || s[0] != 1) {
            throw new IllegalArgumentException("a frame signature needs a [1, C, H, W] input, got " + Arrays.toString(s));
        }
        int c = (int) s[1], h = (int) s[2], w = (int) s[3];
        float[] x = input.data();
        double[] cells = new double[c * GRID * GRID];
        int[] counts = new int[GRID * GRID];
        int[] column = new int[w];
        for (int xp = 0; xp < w; xp++) {
            column[xp] = xp * GRID / w;
        }
        for (int y = 0; y < h; y++) {
            int row = y * GRID / h * GRID;
            for (int xp = 0; xp < w; xp++) {
                counts[row + column[xp]]++;
            }
        }
        double[] rowSums = new double[GRID];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                int base = (ch * h + y) * w;
                Arrays.fill(rowSums, 0);
                for (int xp = 0; xp < w; xp++) {
                    rowSums[column[xp]] += x[base + xp];
                }
                int cell = (ch * GRID + y * GRID / h) * GRID;
                for (int cx = 0; cx < GRID; cx++) {
                    cells[cell + cx] += rowSums[cx];
                }
            }
        }
        for (int i = 0; i < cells.length; i++) {
            cells[i] /= Math.max(1, counts[i % (GRID * GRID)]);
        }
        double mean = 0;
        for (double v : cells) {
            mean += v;
        }
        mean /= cells.length;
        double norm = 0;
        for (int i = 0; i < cells.length; i++) {
            cells[i] -= mean;
            norm += cells[i] * cells[i];
        }
        float[] out = new float[cells.length];
        if (norm > 0) {
            double scale = 1 / Math.sqrt(norm);
            for (int i = 0; i < cells.length; i++) {
                out[i] = (float) (cells[i] * scale);
            }
        }
        return new FrameSignature(out);
    }

    /**
     * 1 minus the cosine of the two signatures: 0 for the same scene whatever its brightness, about
     * 1 for unrelated scenes, 2 for a negative; 1 where either frame is flat.
     */
    public double distance(FrameSignature other) {
        if (other.values.length != values.length) {
            return 2;
        }
        double dot = 0;
        for (int i = 0; i < values.length; i++) {
            dot += (double) values[i] * other.values[i];
        }
        return 1 - dot;
    }
}
