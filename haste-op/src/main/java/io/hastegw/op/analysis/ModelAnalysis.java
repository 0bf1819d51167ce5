package io.hastegw.op.analysis;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.hastegw.op.onnx.FloatTensor;
import io.hastegw.op.onnx.Nodes;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.onnx.OrtModels;
import io.hastegw.op.onnx.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;

/**
 * Finds the Conv and Gemm layers of a model and their shapes at batch 1. Shapes come from one
 * ONNX Runtime run on a zero input of the given shape, so every op the runtime knows is handled.
 */
public final class ModelAnalysis {
    private ModelAnalysis() {}

    /**
     * The Conv and Gemm layers of {@code model}, in graph order, with shapes for an input of
     * {@code inputShape} fed to {@code inputName}.
     */
    public static List<LayerInfo> layers(OrtEnvironment env, ModelProto model, String inputName, long[] inputShape)
            throws OrtException {
        GraphProto graph = model.getGraph();
        List<NodeProto> compute = graph.getNodeList().stream()
                .filter(n -> n.getOpType().equals("Conv") || n.getOpType().equals("Gemm")).toList();
        List<String> probe = new ArrayList<>();
        for (NodeProto n : compute) {
            probe.add(n.getInput(0));
            probe.add(n.getOutput(0));
            if (!OnnxModels.isInitializer(graph, n.getInput(1))) {
                probe.add(n.getInput(1));
            }
        }
        Map<String, FloatTensor> values;
        try (OnnxTensor zeros = OrtModels.zeros(env, inputShape)) {
            values = OrtModels.run(env, model, Map.of(inputName, zeros), probe);
        }
        List<LayerInfo> layers = new ArrayList<>();
        for (NodeProto n : compute) {
            long[] weight = OnnxModels.isInitializer(graph, n.getInput(1))
                    ? Tensors.dims(OnnxModels.initializer(graph, n.getInput(1)))
                    : values.get(n.getInput(1)).shape();
            if (n.getOpType().equals("Gemm") && Nodes.intValue(n, "transB", 0) == 1) {
                weight = new long[] {weight[1], weight[0]};
            }
            layers.add(new LayerInfo(n.getName(), n.getOpType(), values.get(n.getInput(0)).shape(), weight,
                    values.get(n.getOutput(0)).shape(), Nodes.intValue(n, "group", 1)));
        }
        return layers;
    }
}
