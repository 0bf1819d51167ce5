package io.hastegw.op.transform;

import io.hastegw.op.onnx.Nodes;
import io.hastegw.op.onnx.Tensors;
import java.util.List;
import java.util.Random;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.TensorProto;

/** Test support: small hand-built ONNX models for cases the real models do not have. */
public final class TinyModels {
    private TinyModels() {}

    /**
     * input [1, 3, 8, 8] -> Conv 3->4 (3x3, pad 1) -> Relu -> Conv 4->4 with {@code group} -> output.
     * Its first conv is skipped by default; the second is eligible only when {@code group} is 1.
     */
    public static ModelProto twoConvs(int group) {
        Random random = new Random(1);
        GraphProto graph = GraphProto.newBuilder().setName("tiny")
                .addInput(Tensors.valueInfo("input", TensorProto.DataType.FLOAT_VALUE, 1, 3, 8, 8))
                .addOutput(Tensors.valueInfo("output", TensorProto.DataType.FLOAT_VALUE, 1, 4, 8, 8))
                .addInitializer(Tensors.floats("w0", gaussian(random, 4 * 3 * 9), 4, 3, 3, 3))
                .addInitializer(Tensors.floats("w1", gaussian(random, 4 * (4 / group) * 9), 4, 4 / group, 3, 3))
                .addNode(conv("conv0", List.of("input", "w0"), "a", 1))
                .addNode(Nodes.node("Relu", "relu", List.of("a"), List.of("b")))
                .addNode(conv("conv1", List.of("b", "w1"), "output", group))
                .build();
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("haste-op tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).setGraph(graph).build();
    }

    /**
     * input [1, 3, 8, 8] -> Conv 3->8 without bias whose filter o is {@code multiples[o]} times
     * filter 0 -> Relu -> Conv 8->4 -> output: the second conv's input channels are exact positive
     * multiples of one map, so HASTE's scale-aware merge computes it exactly.
     */
    public static ModelProto multiplesOfOneMap(float[] multiples) {
        Random random = new Random(2);
        int c = multiples.length;
        float[] base = gaussian(random, 3 * 9);
        float[] w0 = new float[c * 3 * 9];
        for (int o = 0; o < c; o++) {
            for (int i = 0; i < base.length; i++) {
                w0[o * base.length + i] = multiples[o] * base[i];
            }
        }
        GraphProto graph = GraphProto.newBuilder().setName("multiples")
                .addInput(Tensors.valueInfo("input", TensorProto.DataType.FLOAT_VALUE, 1, 3, 8, 8))
                .addOutput(Tensors.valueInfo("output", TensorProto.DataType.FLOAT_VALUE, 1, 4, 8, 8))
                .addInitializer(Tensors.floats("w0", w0, c, 3, 3, 3))
                .addInitializer(Tensors.floats("w1", gaussian(random, 4 * c * 9), 4, c, 3, 3))
                .addNode(conv("conv0", List.of("input", "w0"), "a", 1))
                .addNode(Nodes.node("Relu", "relu", List.of("a"), List.of("b")))
                .addNode(conv("conv1", List.of("b", "w1"), "output", 1))
                .build();
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("haste-op tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).setGraph(graph).build();
    }

    private static onnx.Onnx.NodeProto.Builder conv(String name, List<String> inputs, String output, int group) {
        return Nodes.node("Conv", name, inputs, List.of(output)).addAttribute(Nodes.intsAttr("kernel_shape", 3, 3))
                .addAttribute(Nodes.intsAttr("pads", 1, 1, 1, 1)).addAttribute(Nodes.intAttr("group", group));
    }

    private static float[] gaussian(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}
