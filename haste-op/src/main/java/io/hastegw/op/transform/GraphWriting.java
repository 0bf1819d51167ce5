package io.hastegw.op.transform;

import io.hastegw.op.onnx.Nodes;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;

/** The graph-editing helpers every HASTE writer shares: names, constants, small nodes, the model's domains and input shape. */
final class GraphWriting {
    /** Prefix of every name HASTE adds to a graph. */
    static final String PREFIX = "haste/";
    /** The native operators' domain (the library is io.hastegw.op.runtime.NativeKernel). */
    static final String NATIVE_DOMAIN = "io.hastegw.haste";
    /** ONNX Runtime's NCHWc contrib-operator domain (io.hastegw.op.runtime.NchwcLayout). */
    static final String NCHWC_DOMAIN = "com.microsoft.nchwc";

    private GraphWriting() {}

    /**
     * Adds the initializer {@code name} to {@code g} unless it is there already: the tiles of a
     * patch-wise layer share their layer's constants (weights, hyperplanes, shapes).
     */
    static void constant(GraphProto.Builder g, String name, Supplier<TensorProto> tensor) {
        if (g.getInitializerList().stream().noneMatch(t -> t.getName().equals(name))) {
            g.addInitializer(tensor.get());
        }
    }

    /** Adds node {@code prefix+out} of {@code op} writing tensor {@code prefix+out}. */
    static void add(GraphProto.Builder g, String op, String prefix, List<String> inputs, String out) {
        g.addNode(Nodes.node(op, prefix + out, inputs, List.of(prefix + out)));
    }

    /** A Cast of {@code in} to float, writing {@code out}. */
    static NodeProto cast(String in, String out) {
        return Nodes.node("Cast", out, List.of(in), List.of(out)).addAttribute(Nodes.intAttr("to", TensorProto.DataType.FLOAT_VALUE)).build();
    }

    /** ReduceMean of {@code x} over the channel axis into {@code out}; axes is an attribute before opset 18 and an input from 18 on. */
    static NodeProto reduceMeanChannels(String x, String out, long opset) {
        if (opset >= 18) {
            return Nodes.node("ReduceMean", out, List.of(x, PREFIX + "axis0"), List.of(out))
                    .addAttribute(Nodes.intAttr("keepdims", 1)).build();
        }
        return Nodes.node("ReduceMean", out, List.of(x), List.of(out))
                .addAttribute(Nodes.intsAttr("axes", 0)).addAttribute(Nodes.intAttr("keepdims", 1)).build();
    }

    /** Fixes the image input {@code inputName} to {@code inputShape} (batch 1: the hyperplanes span the whole map). */
    static void fixBatchToOne(GraphProto.Builder graph, String inputName, long[] inputShape) {
        for (int i = 0; i < graph.getInputCount(); i++) {
            ValueInfoProto v = graph.getInput(i);
            if (v.getName().equals(inputName)) {
                TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
                for (long d : inputShape) {
                    shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
                }
                TypeProto.Tensor tensor = v.getType().getTensorType().toBuilder().setShape(shape).build();
                graph.setInput(i, v.toBuilder().setType(v.getType().toBuilder().setTensorType(tensor)));
            }
        }
    }

    /**
     * Leaves out the initializers no node reads: the original filters of HASTE layers that read
     * pre-blocked copies (NCHWc) or, on a reuse frame, the kept merged filters. ONNX Runtime would
     * drop them itself, with a warning per initializer and session.
     */
    static void dropUnreadInitializers(GraphProto.Builder graph) {
        Set<String> read = new HashSet<>();
        graph.getNodeList().forEach(n -> read.addAll(n.getInputList()));
        graph.getInputList().forEach(v -> read.add(v.getName())); // an initializer listed as a graph input (older IR) stays
        List<TensorProto> used = graph.getInitializerList().stream().filter(t -> read.contains(t.getName())).toList();
        graph.clearInitializer().addAllInitializer(used);
    }

    /** Declares the native operator's domain when {@code kernel} is native. */
    static ModelProto.Builder withKernelDomain(ModelProto.Builder model, HasteKernel kernel) {
        if (kernel == HasteKernel.NATIVE && model.getOpsetImportList().stream().noneMatch(o -> o.getDomain().equals(NATIVE_DOMAIN))) {
            model.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(NATIVE_DOMAIN).setVersion(1));
        }
        return model;
    }
}
