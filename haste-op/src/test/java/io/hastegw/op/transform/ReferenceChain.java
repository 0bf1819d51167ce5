package io.hastegw.op.transform;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.hastegw.op.analysis.LayerInfo;
import io.hastegw.op.onnx.FloatTensor;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.onnx.OrtModels;
import io.hastegw.op.onnx.Tensors;
import io.hastegw.op.reference.ConvSpec;
import io.hastegw.op.reference.HasteConvReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;

/**
 * Test support: a whole network in which every HASTE convolution is computed by the Java
 * reference and everything else (ReLU, shortcuts, pooling, Gemm) by ONNX Runtime on the
 * original model. The HASTE convs are cut out of the original graph (their outputs become graph
 * inputs, their inputs graph outputs) and the network is run once per HASTE layer, in graph
 * order, feeding the reference results of the layers before it.
 */
final class ReferenceChain implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final GraphProto originalGraph;
    private final HasteModelInfo info;
    private final GraphProto hasteGraph;
    private final List<NodeProto> convs = new ArrayList<>();
    private final Map<String, LayerInfo> shapes = new HashMap<>();
    private final OrtSession session;
    private final String outputName;

    ReferenceChain(ModelProto original, ModelProto haste, HasteModelInfo info) throws Exception {
        this.originalGraph = original.getGraph();
        this.info = info;
        this.hasteGraph = haste.getGraph();
        this.outputName = originalGraph.getOutput(0).getName();
        info.computeLayers().forEach(l -> shapes.put(l.name(), l));
        List<String> names = info.hasteLayers().stream().map(HasteLayer::name).toList();
        GraphProto.Builder cut = originalGraph.toBuilder().clearNode();
        for (NodeProto n : originalGraph.getNodeList()) {
            if (names.contains(n.getName())) {
                convs.add(n);
                long[] outShape = shapes.get(n.getName()).outputShape();
                cut.addInput(Tensors.valueInfo(n.getOutput(0), TensorProto.DataType.FLOAT_VALUE, outShape));
            } else {
                cut.addNode(n);
            }
        }
        ModelProto cutModel = OnnxModels.withExtraOutputs(original.toBuilder().setGraph(cut).build(),
                convs.stream().map(n -> n.getInput(0)).toList());
        session = OrtModels.session(env, cutModel);
    }

    /** The network's output for {@code image} at {@code level}, HASTE convs computed by the reference. */
    FloatTensor run(FloatTensor image, int level) throws Exception {
        Map<String, FloatTensor> convOutputs = new HashMap<>();
        for (int i = 0; i <= convs.size(); i++) {
            Map<String, FloatTensor> values = runOnce(image, convOutputs);
            if (i == convs.size()) {
                return values.get(outputName);
            }
            NodeProto conv = convs.get(i);
            FloatTensor x = values.get(conv.getInput(0));
            TensorProto r = OnnxModels.initializer(hasteGraph, "haste/" + i + "/hyperplanes");
            int h = (int) x.shape()[2];
            int w = (int) x.shape()[3];
            var result = reference(ConvSpec.of(originalGraph, conv), x, Tensors.toFloats(r), (int) r.getDims(1),
                    info.schedule().hyperplanes(level, i), info.hasteLayers().get(i), info.merge());
            convOutputs.put(conv.getOutput(0), new FloatTensor(result.output(), shapes.get(conv.getName()).outputShape()));
        }
        throw new AssertionError("unreachable");
    }

    /** The Java reference of one HASTE layer as {@code layer} computes it: on the whole map, or patch-wise (dense at L = 0). */
    static HasteConvReference.Result reference(ConvSpec conv, FloatTensor x, float[] r, int lmax, int l, HasteLayer layer, MergeMode merge) {
        int h = (int) x.shape()[2];
        int w = (int) x.shape()[3];
        return layer.patch() == 0 || l == 0 ? HasteConvReference.haste(conv, x.data(), h, w, new HasteConvReference.Hash(r, lmax, l, layer.hashStride(), merge))
                : HasteConvReference.hastePatched(conv, x.data(), h, w, new HasteConvReference.Hash(r, lmax, l, layer.hashStride(), merge), layer.patch());
    }

    private Map<String, FloatTensor> runOnce(FloatTensor image, Map<String, FloatTensor> convOutputs) throws Exception {
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
            feeds.put(info.inputName(), image.toOnnx(env));
            for (NodeProto conv : convs) {
                FloatTensor known = convOutputs.get(conv.getOutput(0));
                feeds.put(conv.getOutput(0), known != null ? known.toOnnx(env)
                        : OrtModels.zeros(env, shapes.get(conv.getName()).outputShape()));
            }
            try (OrtSession.Result result = session.run(feeds)) {
                Map<String, FloatTensor> out = new HashMap<>();
                result.forEach(e -> out.put(e.getKey(), FloatTensor.of((OnnxTensor) e.getValue())));
                return out;
            }
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() throws Exception {
        session.close();
    }
}
