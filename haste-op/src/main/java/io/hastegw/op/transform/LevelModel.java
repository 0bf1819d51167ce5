package io.hastegw.op.transform;

import static io.hastegw.op.transform.GraphWriting.PREFIX;

import io.hastegw.op.analysis.LayerInfo;
import io.hastegw.op.onnx.Nodes;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.onnx.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.TensorProto;

/**
 * The model to run at one level: no level input and no {@code If}; the layers with L = 0 are the
 * original convolutions (so ONNX Runtime applies all its constant-weight optimisations to them)
 * and the others are HASTE with their L fixed. This is what io.hastegw.op.runtime.HasteSession
 * and the gateway run: a level whose layers are all dense is exactly the original model.
 */
public final class LevelModel {
    /**
     * How a level's model is written.
     *
     * @param kernel     the HASTE kernel
     * @param nchwcBlock with the native kernel and a block &gt; 0 (ONNX Runtime's NCHWc block size on this
     *                   machine, io.hastegw.op.runtime.NchwcLayout), the reduced convolutions run on ONNX Runtime's NCHWc Conv
     * @param threads    threads the native hash-and-merge may use on large layers (the session's intra-op threads)
     * @param step       the stream-reuse step: {@link StreamStep#REFRESH} adds every HASTE layer's state to the
     *                   outputs, {@link StreamStep#REUSE} takes it as inputs (and has no channel-count output)
     */
    public record Options(HasteKernel kernel, int nchwcBlock, int threads, StreamStep step) {
        /** {@code kernel} in plain NCHW, one thread, a frame on its own. */
        public static Options of(HasteKernel kernel) {
            return new Options(kernel, 0, 1, StreamStep.FRAME);
        }

        /** These options for another stream-reuse step. */
        public Options withStep(StreamStep other) {
            return new Options(kernel, nchwcBlock, threads, other);
        }
    }

    private LevelModel() {}

    /**
     * The level whose HASTE layers use {@code planes} hyperplanes each (0 = dense).
     *
     * @param original the original model ({@link DenseBypass#original(ModelProto)} recovers it from a HASTE model)
     * @param info     the HASTE metadata (layers, seed, sparsity, schedule for the hyperplane count)
     * @param planes   L per HASTE layer, 0 = dense
     */
    public static ModelProto of(ModelProto original, HasteModelInfo info, int[] planes, Options options) {
        if (planes.length != info.hasteLayers().size()) {
            throw new IllegalArgumentException(planes.length + " L values for " + info.hasteLayers().size() + " HASTE layers");
        }
        HasteKernel kernel = options.kernel();
        GraphProto graph = original.getGraph();
        GraphProto.Builder out = graph.toBuilder().clearNode();
        GraphWriting.fixBatchToOne(out, info.inputName(), info.inputShape());
        if (kernel == HasteKernel.PORTABLE && Arrays.stream(planes).anyMatch(l -> l > 0)) {
            out.addInitializer(Tensors.floats(PREFIX + "zero_f", new float[] {0f}));
            out.addInitializer(Tensors.longs(PREFIX + "axis0", new long[] {0}, 1));
            out.addInitializer(Tensors.longs(PREFIX + "axis1", new long[] {1}, 1));
        }
        Map<String, Integer> layerOf = new LinkedHashMap<>();
        for (int i = 0; i < info.hasteLayers().size(); i++) {
            layerOf.put(info.hasteLayers().get(i).name(), i);
        }
        List<String> channels = new ArrayList<>();
        for (NodeProto node : graph.getNodeList()) {
            Integer layer = layerOf.get(node.getName());
            if (layer == null) {
                out.addNode(node);
                continue;
            }
            channels.add(PREFIX + layer + "/channels");
            layer(out, original, node, info, layer, planes[layer], options);
        }
        if (options.step() != StreamStep.REUSE) {
            out.addNode(Nodes.node("Concat", PREFIX + "channels", channels, List.of(HasteModelInfo.CHANNELS_OUTPUT))
                    .addAttribute(Nodes.intAttr("axis", 0)));
            out.addOutput(Tensors.valueInfo(HasteModelInfo.CHANNELS_OUTPUT, TensorProto.DataType.INT64_VALUE, planes.length));
        }
        GraphWriting.dropUnreadInitializers(out);
        ModelProto.Builder m = GraphWriting.withKernelDomain(original.toBuilder().setGraph(out), kernel);
        if (kernel == HasteKernel.NATIVE && options.nchwcBlock() > 0) {
            m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(GraphWriting.NCHWC_DOMAIN).setVersion(1));
        }
        return m.build();
    }

    /** Writes HASTE layer {@code layer} ({@code node}) at L = {@code l}: the original node when 0. */
    private static void layer(GraphProto.Builder out, ModelProto original, NodeProto node, HasteModelInfo info, int layer, int l,
                              Options options) {
        String p = PREFIX + layer + "/";
        LayerInfo li = info.layer(node.getName());
        if (l == 0) {
            out.addNode(node);
            out.addInitializer(Tensors.longs(p + "channels", new long[] {li.inChannels()}, 1));
            return;
        }
        int lmax = Math.max(1, info.schedule().maxHyperplanes(layer));
        if (l > lmax) {
            throw new IllegalArgumentException("layer " + layer + " stores " + lmax + " hyperplanes, L = " + l + " asked");
        }
        HasteLayer hl = info.hasteLayers().get(layer);
        Optional<Tiling> tiling = Tiling.of(node, li, hl.patch());
        LayerSetup setup = new LayerSetup(options.kernel(), options.nchwcBlock(), options.threads(), hl.hashStride(), info.merge(), options.step());
        long opset = OnnxModels.defaultOpset(original);
        if (options.step() == StreamStep.REUSE) {
            LayerWriter.write(new LayerContext(out, out, original.getGraph(), node, li, null, lmax, setup, opset, p), tiling, p,
                    node.getOutput(0), null);
            return;
        }
        float[] r = info.format() >= 3 ? Hyperplanes.sample(info.seed(), layer, hl.hashedPixels(li), lmax, info.sparsity())
                : Hyperplanes.sampleRowMajor(info.seed(), layer, hl.hashedPixels(li), lmax, info.sparsity());
        out.addInitializer(options.kernel() == HasteKernel.NATIVE
                ? Tensors.longs(p + "planes", new long[] {l})
                : Tensors.floats(p + "level_weights", PortableKernelWriter.codeWeights(new long[] {l}, lmax), lmax));
        LayerWriter.write(new LayerContext(out, out, original.getGraph(), node, li, r, lmax, setup, opset, p), tiling, p, node.getOutput(0),
                p + "channels");
    }
}
