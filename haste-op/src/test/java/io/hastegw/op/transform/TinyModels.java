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

    /**
     * A YOLOv8-shaped detector at toy size: input [1, 3, 32, 32] -> stem Conv 3->16 stride 2 + SiLU
     * (Sigmoid, Mul) -> a C2f block (Conv 1x1 + SiLU, Split in halves, a 3x3 Conv + SiLU on the
     * second half, Concat of the three, Conv 1x1 + SiLU) -> Conv 16->32 stride 2 + SiLU -> Resize
     * (nearest, x2) -> Concat with the C2f output -> Conv 48->16 + SiLU -> Conv 1x1 16->6 (4 box rows,
     * 2 classes) -> Sigmoid -> Reshape [1, 6, 256]: the operators YOLO exports are made of around
     * their convolutions. Weights are random (seeded).
     */
    public static ModelProto yoloShaped() {
        Random random = new Random(3);
        GraphProto.Builder g = GraphProto.newBuilder().setName("yolo-shaped")
                .addInput(Tensors.valueInfo("images", TensorProto.DataType.FLOAT_VALUE, 1, 3, 32, 32))
                .addOutput(Tensors.valueInfo("output0", TensorProto.DataType.FLOAT_VALUE, 1, 6, 256));
        String x = silu(g, random, "stem", "images", 3, 16, 3, 2);
        String c = silu(g, random, "c2f.cv1", x, 16, 16, 1, 1);
        g.addInitializer(Tensors.longs("c2f.split", new long[] {8, 8}, 2));
        g.addNode(Nodes.node("Split", "c2f.split", List.of(c, "c2f.split"), List.of("c2f.a", "c2f.b")).addAttribute(Nodes.intAttr("axis", 1)));
        String m = silu(g, random, "c2f.m", "c2f.b", 8, 8, 3, 1);
        g.addNode(Nodes.node("Concat", "c2f.cat", List.of("c2f.a", "c2f.b", m), List.of("c2f.cat")).addAttribute(Nodes.intAttr("axis", 1)));
        String p3 = silu(g, random, "c2f.cv2", "c2f.cat", 24, 16, 1, 1);
        String p4 = silu(g, random, "down", p3, 16, 32, 3, 2);
        g.addInitializer(Tensors.floats("up.scales", new float[] {1, 1, 2, 2}, 4));
        g.addNode(Nodes.node("Resize", "up", List.of(p4, "", "up.scales"), List.of("up")).addAttribute(
                onnx.Onnx.AttributeProto.newBuilder().setName("mode").setType(onnx.Onnx.AttributeProto.AttributeType.STRING)
                        .setS(com.google.protobuf.ByteString.copyFromUtf8("nearest"))));
        g.addNode(Nodes.node("Concat", "fuse.cat", List.of("up", p3), List.of("fuse.cat")).addAttribute(Nodes.intAttr("axis", 1)));
        String f = silu(g, random, "fuse", "fuse.cat", 48, 16, 3, 1);
        g.addInitializer(Tensors.floats("head.w", gaussian(random, 6 * 16), 6, 16, 1, 1));
        g.addNode(Nodes.node("Conv", "head", List.of(f, "head.w"), List.of("head")).addAttribute(Nodes.intsAttr("kernel_shape", 1, 1)));
        g.addNode(Nodes.node("Sigmoid", "head.sigmoid", List.of("head"), List.of("head.s")));
        g.addInitializer(Tensors.longs("head.shape", new long[] {1, 6, 256}, 3));
        g.addNode(Nodes.node("Reshape", "head.flat", List.of("head.s", "head.shape"), List.of("output0")));
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("haste-op tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).setGraph(g).build();
    }

    /** Conv (k x k, stride, pad k/2, with bias) + SiLU as exports write it (x * Sigmoid(x)); returns the output's name. */
    private static String silu(GraphProto.Builder g, Random random, String name, String input, int in, int out, int k, int stride) {
        g.addInitializer(Tensors.floats(name + ".w", scaled(gaussian(random, out * in * k * k), (float) Math.sqrt(2.0 / (in * k * k))), out, in, k, k));
        g.addInitializer(Tensors.floats(name + ".b", scaled(gaussian(random, out), 0.1f), out));
        g.addNode(Nodes.node("Conv", name, List.of(input, name + ".w", name + ".b"), List.of(name + ".conv"))
                .addAttribute(Nodes.intsAttr("kernel_shape", k, k)).addAttribute(Nodes.intsAttr("strides", stride, stride))
                .addAttribute(Nodes.intsAttr("pads", k / 2, k / 2, k / 2, k / 2)));
        g.addNode(Nodes.node("Sigmoid", name + ".sigmoid", List.of(name + ".conv"), List.of(name + ".sig")));
        g.addNode(Nodes.node("Mul", name + ".silu", List.of(name + ".conv", name + ".sig"), List.of(name + ".out")));
        return name + ".out";
    }

    private static float[] scaled(float[] v, float by) {
        for (int i = 0; i < v.length; i++) {
            v[i] *= by;
        }
        return v;
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
