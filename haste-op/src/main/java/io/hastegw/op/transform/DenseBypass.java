package io.hastegw.op.transform;

import static io.hastegw.op.transform.GraphWriting.PREFIX;

import io.hastegw.op.onnx.Nodes;
import io.hastegw.op.onnx.Tensors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.ValueInfoProto;

/**
 * The dense bypass of a multi-level HASTE model, in one place: the whole HASTE graph wrapped in
 * {@code If(level == 0)} whose then-branch is the original graph, and its inverse, the original
 * model recovered from that branch.
 */
public final class DenseBypass {
    private static final String DENSE = "dense/";

    private DenseBypass() {}

    /**
     * Wraps the HASTE graph in {@code If(level == 0)}: the then-branch is the original graph,
     * untouched but for its names (prefixed {@code dense/}), with its own copy of the original
     * weights as branch initializers: ONNX Runtime only applies its constant-weight optimisations
     * (fusions, NCHWc layout) to initializers of the graph being optimised, and with outer-scope
     * weights level 0 ran 1.5x slower than dense instead of about 1.07x (ResNet-56, measured). The
     * else-branch is the HASTE graph.
     *
     * @param inChannels every HASTE layer's input channels (what a dense level reports convolving)
     */
    static GraphProto.Builder wrap(GraphProto original, GraphProto.Builder haste, long[] inChannels) {
        List<String> outputs = new ArrayList<>();
        original.getOutputList().forEach(v -> outputs.add(v.getName()));
        outputs.add(HasteModelInfo.CHANNELS_OUTPUT);

        Map<String, String> denseNames = new LinkedHashMap<>();
        original.getNodeList().forEach(n -> n.getOutputList().forEach(o -> denseNames.put(o, DENSE + o)));
        GraphProto.Builder dense = GraphProto.newBuilder().setName("haste/dense_graph");
        for (TensorProto t : original.getInitializerList()) {
            denseNames.put(t.getName(), DENSE + t.getName());
            dense.addInitializer(t.toBuilder().setName(DENSE + t.getName()));
        }
        original.getNodeList().forEach(n -> dense.addNode(renamed(n, denseNames)));
        dense.addNode(Nodes.node("Identity", "dense/haste_channels", List.of(PREFIX + "in_channels_all"),
                List.of(DENSE + HasteModelInfo.CHANNELS_OUTPUT)));

        List<NodeProto> nodes = haste.getNodeList();
        List<NodeProto> levelCheck = nodes.subList(0, 2);
        Map<String, String> hasteNames = new LinkedHashMap<>();
        outputs.forEach(o -> hasteNames.put(o, "haste_out/" + o));
        GraphProto.Builder hasteBranch = GraphProto.newBuilder().setName("haste/haste_graph");
        nodes.subList(2, nodes.size()).forEach(n -> hasteBranch.addNode(renamed(n, hasteNames)));

        for (ValueInfoProto v : haste.getOutputList()) {
            dense.addOutput(v.toBuilder().setName(DENSE + v.getName()));
            hasteBranch.addOutput(v.toBuilder().setName("haste_out/" + v.getName()));
        }
        GraphProto.Builder top = haste.clone().clearNode().clearValueInfo();
        top.addInitializer(Tensors.longs(PREFIX + "in_channels_all", inChannels, inChannels.length));
        top.addAllNode(levelCheck);
        top.addNode(Nodes.node("Equal", PREFIX + "level_zero", List.of(PREFIX + "level", PREFIX + "zero_i64"), List.of(PREFIX + "level_is_zero")));
        top.addNode(Nodes.node("If", PREFIX + "dense_bypass", List.of(PREFIX + "level_is_zero"), outputs)
                .addAttribute(Nodes.graphAttr("then_branch", dense.build()))
                .addAttribute(Nodes.graphAttr("else_branch", hasteBranch.build())));
        return top;
    }

    /**
     * The original model inside a HASTE model: the then-branch of its dense bypass, with the
     * original names and weights, as a model of its own (no HASTE metadata, no level input).
     *
     * @throws IllegalArgumentException when the model has no dense bypass (transformed without it)
     */
    public static ModelProto original(ModelProto haste) {
        NodeProto bypass = haste.getGraph().getNodeList().stream().filter(n -> n.getName().equals(PREFIX + "dense_bypass"))
                .findFirst().orElseThrow(() -> new IllegalArgumentException(
                        "the HASTE model has no dense bypass (the original graph); transform it again with the default options"));
        GraphProto dense = bypass.getAttributeList().stream().filter(a -> a.getName().equals("then_branch")).findFirst()
                .orElseThrow().getG();
        GraphProto.Builder g = GraphProto.newBuilder().setName(haste.getGraph().getName());
        dense.getNodeList().stream().filter(n -> !n.getName().equals("dense/haste_channels"))
                .forEach(n -> g.addNode(unprefixed(n)));
        dense.getInitializerList().forEach(t -> g.addInitializer(t.toBuilder().setName(t.getName().substring(DENSE.length()))));
        haste.getGraph().getInputList().stream().filter(v -> !v.getName().equals(HasteModelInfo.LEVEL_INPUT)).forEach(g::addInput);
        haste.getGraph().getOutputList().stream().filter(v -> !v.getName().equals(HasteModelInfo.CHANNELS_OUTPUT)).forEach(g::addOutput);
        ModelProto.Builder m = haste.toBuilder().setGraph(g).clearMetadataProps().clearOpsetImport();
        haste.getOpsetImportList().stream().filter(o -> !o.getDomain().equals(GraphWriting.NATIVE_DOMAIN)).forEach(m::addOpsetImport);
        haste.getMetadataPropsList().stream().filter(e -> !e.getKey().equals(HasteModelInfo.METADATA_KEY)).forEach(m::addMetadataProps);
        return m.build();
    }

    /** {@code node} with its input and output names mapped through {@code names} (names not in it stay). */
    private static NodeProto renamed(NodeProto node, Map<String, String> names) {
        NodeProto.Builder b = node.toBuilder().clearInput().clearOutput();
        node.getInputList().forEach(i -> b.addInput(names.getOrDefault(i, i)));
        node.getOutputList().forEach(o -> b.addOutput(names.getOrDefault(o, o)));
        return b.build();
    }

    private static NodeProto unprefixed(NodeProto node) {
        NodeProto.Builder b = node.toBuilder().clearInput().clearOutput();
        node.getInputList().forEach(i -> b.addInput(i.startsWith(DENSE) ? i.substring(DENSE.length()) : i));
        node.getOutputList().forEach(o -> b.addOutput(o.startsWith(DENSE) ? o.substring(DENSE.length()) : o));
        return b.build();
    }
}
