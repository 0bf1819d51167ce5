package io.hastegw.op.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * A dense float tensor held in Java memory (row-major), used to move activations between ONNX
 * Runtime and the plain-Java reference.
 *
 * @param data  values, row-major
 * @param shape dimensions
 */
public record FloatTensor(float[] data, long[] shape) {

    /** Checks that {@code data} holds exactly the elements of {@code shape}. */
    public FloatTensor {
        long n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        if (n != data.length) {
            throw new IllegalArgumentException(data.length + " values for shape " + Arrays.toString(shape));
        }
    }

    /** Copies an ONNX Runtime float tensor. */
    public static FloatTensor of(OnnxTensor tensor) {
        FloatBuffer buf = tensor.getFloatBuffer();
        float[] data = new float[buf.remaining()];
        buf.get(data);
        return new FloatTensor(data, tensor.getInfo().getShape());
    }

    /** A new ONNX Runtime tensor with these values; the caller closes it. */
    public OnnxTensor toOnnx(OrtEnvironment env) throws OrtException {
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
    }

    /** Largest absolute difference to {@code other} divided by the largest absolute value of this tensor. */
    public double relativeMaxDifference(FloatTensor other) {
        double maxAbs = 0;
        for (float v : data) {
            maxAbs = Math.max(maxAbs, Math.abs(v));
        }
        double maxDiff = maxDifference(other);
        return maxAbs == 0 ? maxDiff : maxDiff / maxAbs;
    }

    /** Largest absolute element-wise difference to {@code other} (same shape required). */
    public double maxDifference(FloatTensor other) {
        if (!Arrays.equals(shape, other.shape)) {
            throw new IllegalArgumentException("shapes differ: " + Arrays.toString(shape) + " vs " + Arrays.toString(other.shape));
        }
        double maxDiff = 0;
        for (int i = 0; i < data.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(data[i] - other.data[i]));
        }
        return maxDiff;
    }

    /** Index of the largest value (the top-1 class of a logits row). */
    public int argmax() {
        return argmax(data);
    }

    /** Index of the largest of {@code values} (the first on ties). */
    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Softmax of {@code logits}, in double (shifted by the largest for stability). */
    public static double[] softmax(float[] logits) {
        float max = logits.length == 0 ? 0 : logits[argmax(logits)];
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp(logits[i] - (double) max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
