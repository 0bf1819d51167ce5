package io.hastegw.op.reference;

import io.hastegw.op.onnx.Nodes;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.onnx.Tensors;
import onnx.Onnx.GraphProto;
import onnx.Onnx.NodeProto;

/**
 * A 2-D convolution with group 1, as the reference computes it.
 *
 * @param weights  {@code [O][C][kh][kw]}, row-major
 * @param bias     {@code [O]}, or null
 * @param out      output channels O
 * @param in       input channels C
 * @param kh       kernel height
 * @param kw       kernel width
 * @param strides  {@code [sh, sw]}
 * @param pads     ONNX order {@code [top, left, bottom, right]}
 * @param dilations {@code [dh, dw]}
 */
public record ConvSpec(float[] weights, float[] bias, int out, int in, int kh, int kw, int[] strides, int[] pads, int[] dilations) {

    /** Reads a Conv node with constant weights and explicit padding from {@code graph}. */
    public static ConvSpec of(GraphProto graph, NodeProto conv) {
        if (!Nodes.stringValue(conv, "auto_pad", "NOTSET").equals("NOTSET")) {
            throw new IllegalArgumentException(conv.getName() + ": the reference needs explicit pads, not auto_pad");
        }
        if (Nodes.intValue(conv, "group", 1) != 1) {
            throw new IllegalArgumentException(conv.getName() + ": the reference handles group = 1 only");
        }
        var w = OnnxModels.initializer(graph, conv.getInput(1));
        long[] d = Tensors.dims(w);
        float[] bias = conv.getInputCount() > 2 && !conv.getInput(2).isEmpty()
                ? Tensors.toFloats(OnnxModels.initializer(graph, conv.getInput(2))) : null;
        return new ConvSpec(Tensors.toFloats(w), bias, (int) d[0], (int) d[1], (int) d[2], (int) d[3],
                toInts(Nodes.ints(conv, "strides", new long[] {1, 1})), toInts(Nodes.ints(conv, "pads", new long[] {0, 0, 0, 0})),
                toInts(Nodes.ints(conv, "dilations", new long[] {1, 1})));
    }

    /** Output height for an input of height {@code h}. */
    public int outHeight(int h) {
        return (h + pads[0] + pads[2] - dilations[0] * (kh - 1) - 1) / strides[0] + 1;
    }

    /** Output width for an input of width {@code w}. */
    public int outWidth(int w) {
        return (w + pads[1] + pads[3] - dilations[1] * (kw - 1) - 1) / strides[1] + 1;
    }

    private static int[] toInts(long[] v) {
        int[] r = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = Math.toIntExact(v[i]);
        }
        return r;
    }
}
