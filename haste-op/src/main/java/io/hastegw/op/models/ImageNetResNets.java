package io.hastegw.op.models;

import io.hastegw.op.card.ModelCard;
import io.hastegw.op.onnx.Nodes;
import io.hastegw.op.onnx.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.TensorProto;

/**
 * ImageNet-shaped ResNet-18 and ResNet-50 (torchvision layout, batch normalisation folded into
 * the convolutions' biases) with random He-normal weights from a seed, at 224x224. For timing
 * only: their predictions mean nothing. Input {@code input} [1, 3, 224, 224], output {@code logits} [1, 1000].
 */
public final class ImageNetResNets {
    /** Opset the models declare. */
    public static final int OPSET = 17;

    private final Random random;
    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private int nodes;

    private ImageNetResNets(long seed) {
        this.random = new Random(seed);
    }

    /** The architectures built here. */
    public enum Depth {
        /** Basic blocks [2, 2, 2, 2], 1.82 G MACs. */
        RESNET18,
        /** Bottleneck blocks [3, 4, 6, 3], 4.1 G MACs. */
        RESNET50
    }

    /** Builds {@code depth} with weights drawn from {@code seed}. */
    public static ModelProto build(Depth depth, long seed) {
        return new ImageNetResNets(seed).model(depth);
    }

    /** The card of the models built here: RGB 224x224, ImageNet mean and std, 1000 classes named class0..class999. */
    public static ModelCard card(Depth depth) {
        return ModelCard.classifier(depth.name().toLowerCase(java.util.Locale.ROOT) + "-imagenet-random-weights",
                new ModelCard.Input("input", "NCHW", java.util.Arrays.asList(null, 3L, 224L, 224L), "RGB", 1.0 / 255,
                        List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225), ModelCard.Resize.STRETCH, 114),
                "logits", io.hastegw.op.card.OutputKind.LOGITS,
                IntStream.range(0, 1000).mapToObj(i -> "class" + i).toList());
    }

    private ModelProto model(Depth depth) {
        graph.setName(depth.name().toLowerCase(java.util.Locale.ROOT));
        graph.addInput(Tensors.valueInfo("input", TensorProto.DataType.FLOAT_VALUE, 1, 3, 224, 224));
        String x = relu(conv("conv1", "input", 3, 64, 7, 2));
        x = node("MaxPool", "maxpool", List.of(x), b -> b.addAttribute(Nodes.intsAttr("kernel_shape", 3, 3))
                .addAttribute(Nodes.intsAttr("strides", 2, 2)).addAttribute(Nodes.intsAttr("pads", 1, 1, 1, 1)));
        int[] blocks = depth == Depth.RESNET18 ? new int[] {2, 2, 2, 2} : new int[] {3, 4, 6, 3};
        int in = 64;
        for (int stage = 0; stage < 4; stage++) {
            int width = 64 << stage;
            for (int block = 0; block < blocks[stage]; block++) {
                int stride = block == 0 && stage > 0 ? 2 : 1;
                String name = "layer" + (stage + 1) + "." + block;
                x = depth == Depth.RESNET18 ? basic(name, x, in, width, stride) : bottleneck(name, x, in, width, stride);
                in = depth == Depth.RESNET18 ? width : width * 4;
            }
        }
        x = node("GlobalAveragePool", "avgpool", List.of(x), b -> b);
        x = node("Flatten", "flatten", List.of(x), b -> b.addAttribute(Nodes.intAttr("axis", 1)));
        graph.addInitializer(Tensors.floats("fc.weight", gaussian(1000 * in, Math.sqrt(1.0 / in)), 1000, in));
        graph.addInitializer(Tensors.floats("fc.bias", new float[1000], 1000));
        graph.addNode(Nodes.node("Gemm", "fc", List.of(x, "fc.weight", "fc.bias"), List.of("logits"))
                .addAttribute(Nodes.intAttr("transB", 1)));
        graph.addOutput(Tensors.valueInfo("logits", TensorProto.DataType.FLOAT_VALUE, 1, 1000));
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("haste-op ImageNetResNets")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET)).setGraph(graph).build();
    }

    private String basic(String name, String x, int in, int width, int stride) {
        String y = relu(conv(name + ".conv1", x, in, width, 3, stride));
        y = conv(name + ".conv2", y, width, width, 3, 1);
        String shortcut = stride != 1 || in != width ? conv(name + ".downsample", x, in, width, 1, stride) : x;
        return relu(node("Add", name + ".add", List.of(y, shortcut), b -> b));
    }

    private String bottleneck(String name, String x, int in, int width, int stride) {
        String y = relu(conv(name + ".conv1", x, in, width, 1, 1));
        y = relu(conv(name + ".conv2", y, width, width, 3, stride));
        y = conv(name + ".conv3", y, width, width * 4, 1, 1);
        String shortcut = stride != 1 || in != width * 4 ? conv(name + ".downsample", x, in, width * 4, 1, stride) : x;
        return relu(node("Add", name + ".add", List.of(y, shortcut), b -> b));
    }

    /** Conv (k x k, padding k/2) with He-normal weights and a small random bias (the folded batch norm). */
    private String conv(String name, String x, int in, int out, int k, int stride) {
        graph.addInitializer(Tensors.floats(name + ".weight", gaussian(out * in * k * k, Math.sqrt(2.0 / (in * k * k))), out, in, k, k));
        graph.addInitializer(Tensors.floats(name + ".bias", gaussian(out, 0.05), out));
        int pad = k / 2;
        return node("Conv", name, List.of(x, name + ".weight", name + ".bias"), b -> b
                .addAttribute(Nodes.intsAttr("kernel_shape", k, k)).addAttribute(Nodes.intsAttr("strides", stride, stride))
                .addAttribute(Nodes.intsAttr("pads", pad, pad, pad, pad)));
    }

    private String relu(String x) {
        return node("Relu", x + ".relu", List.of(x), b -> b);
    }

    private String node(String op, String name, List<String> inputs, java.util.function.UnaryOperator<onnx.Onnx.NodeProto.Builder> attrs) {
        String out = name + ".out" + (nodes++);
        graph.addNode(attrs.apply(Nodes.node(op, name, new ArrayList<>(inputs), List.of(out))));
        return out;
    }

    private float[] gaussian(int n, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextGaussian() * std);
        }
        return v;
    }
}
