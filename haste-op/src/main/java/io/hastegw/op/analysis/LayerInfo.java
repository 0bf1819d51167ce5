package io.hastegw.op.analysis;

import java.util.Arrays;

/**
 * One compute layer (Conv or Gemm) of a model with the shapes seen at batch 1.
 *
 * @param name        node name
 * @param opType      {@code Conv} or {@code Gemm}
 * @param inputShape  shape of the data input, e.g. {@code [1, C, H, W]}
 * @param weightShape shape of the weight input, e.g. {@code [O, C/group, kh, kw]}
 * @param outputShape shape of the output
 * @param group       Conv group count (1 for Gemm)
 */
public record LayerInfo(String name, String opType, long[] inputShape, long[] weightShape, long[] outputShape, long group) {

    /**
     * Multiply-accumulates of the layer at batch 1. Conv: O x (C/group) x kh x kw x Ho x Wo.
     * Gemm: K x N (one row). Bias additions are not counted (the usual MACs convention).
     */
    public long denseMacs() {
        if (opType.equals("Conv")) {
            long perOutput = 1;
            for (int i = 1; i < weightShape.length; i++) {
                perOutput *= weightShape[i];
            }
            return perOutput * elementsPerSample(outputShape);
        }
        return weightShape[0] * weightShape[1];
    }

    /** Input channels of a Conv. */
    public int inChannels() {
        return Math.toIntExact(inputShape[1]);
    }

    /** Output channels of a Conv. */
    public int outChannels() {
        return Math.toIntExact(weightShape[0]);
    }

    /** Pixels per input channel of a Conv (H x W, or the product of all spatial sizes). */
    public long inputPixels() {
        return elementsPerSample(inputShape) / inputShape[1];
    }

    /** Pixels per output channel of a Conv. */
    public long outputPixels() {
        return elementsPerSample(outputShape) / outputShape[1];
    }

    /** Kernel elements per filter slice (kh x kw). */
    public long kernelSize() {
        long k = 1;
        for (int i = 2; i < weightShape.length; i++) {
            k *= weightShape[i];
        }
        return k;
    }

    private static long elementsPerSample(long[] shape) {
        long n = 1;
        for (int i = 1; i < shape.length; i++) {
            n *= shape[i];
        }
        return n;
    }

    @Override
    public String toString() {
        return name + " " + opType + " in=" + Arrays.toString(inputShape) + " w=" + Arrays.toString(weightShape)
                + " out=" + Arrays.toString(outputShape);
    }
}
