package io.hastegw.op.transform;

import static io.hastegw.op.transform.GraphWriting.PREFIX;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.hastegw.op.analysis.LayerInfo;
import io.hastegw.op.analysis.ModelAnalysis;
import io.hastegw.op.onnx.Nodes;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.onnx.OrtModels;
import io.hastegw.op.onnx.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

/**
 * Turns an ONNX CNN into a HASTE-enabled ONNX model. Every eligible Conv becomes an {@code If} on
 * "is this layer dense at the requested level?": the then-branch is the original Conv, untouched;
 * the else-branch is the HASTE computation of HASTE.md (whole-map hashing), written either with
 * standard operators only (the portable kernel, which plain ONNX Runtime runs) or as one
 * {@code HasteMerge} node of the native kernel followed by the reduced Conv. The portable form:
 *
 * <pre>
 * xf    = Reshape(X, [C, P])                   one row per input channel
 * xs    = Reshape(Slice(X, step s), [C, Ps])   the pixels of a grid of stride s (xs = xf when s = 1)
 * z     = xs - ReduceMean(xs, axis 0)          centring across channels, for the hash only
 * bits  = Cast(MatMul(z, R) &gt; 0)              R: sparse +1/0/-1 hyperplanes [Ps, Lmax], strict &gt; 0
 * code  = bits . weights[level]                weights: 2^l for the L active hyperplanes, 0 beyond
 * uniq, counts = Unique(code, sorted)          buckets = identical codes
 * M     = Cast(code[:, None] == uniq[None, :]) one-hot bucket membership [C, Cred]
 * xm    = Gemm(M^T, xf) / counts               inputs averaged per bucket
 * wm    = MatMul(W^T [O, k*k, C], M)           filter slices summed per bucket
 * Y     = Conv(xm, wm, b)                      original stride, padding, dilation; bias once
 * </pre>
 *
 * With the scale-aware merge ({@link MergeMode#SCALE}) the membership that merges the filters
 * is weighted by each channel's scale against its bucket's mean on the hashed pixels:
 *
 * <pre>
 * rep   = M . (Gemm(M^T, xs) / counts)         each channel's bucket mean, on the hashed pixels
 * a     = Where(&lt;rep, rep&gt; &gt; 0, &lt;xs, rep&gt; / &lt;rep, rep&gt;, 1)   per channel
 * wm    = MatMul(W^T [O, k*k, C], M * a)
 * </pre>
 *
 * A graph input {@value HasteModelInfo#LEVEL_INPUT} (int64 scalar, required) selects the level;
 * the output {@value HasteModelInfo#CHANNELS_OUTPUT} reports the channels every HASTE layer
 * convolved (C on a dense level). Level 0 is dense everywhere, so it runs the original
 * convolutions. The model is fixed to batch 1 and to the input size it was transformed for (the
 * hyperplanes span the whole map): ONNX Runtime rejects other shapes when the session is run.
 *
 * <p>This class orchestrates: which convolutions are eligible, the schedule, one {@code If} per
 * layer. {@link LayerWriter} writes a layer's HASTE computation (whole map or patch-wise, through
 * {@link PortableKernelWriter}, {@link NativeKernelWriter} and {@link StreamReuseWriter});
 * {@link DenseBypass} wraps the graph and recovers the original; {@link LevelModel} builds the
 * model of one level without any {@code If}, which is what io.hastegw.op.runtime.HasteSession runs.
 */
public final class HasteTransformer {
    private final OrtEnvironment env;

    /** A transformer that uses {@code env} to find the layers' shapes. */
    public HasteTransformer(OrtEnvironment env) {
        this.env = env;
    }

    /**
     * Transforms {@code model}.
     *
     * @param inputShape the image input's shape {@code [1, C, H, W]} (from the model card)
     */
    public TransformResult transform(ModelProto model, long[] inputShape, HasteOptions options) throws OrtException {
        GraphProto graph = model.getGraph();
        String inputName = OrtModels.realInputs(model).get(0);
        List<LayerInfo> compute = ModelAnalysis.layers(env, model, inputName, inputShape);
        Map<String, LayerInfo> byName = new LinkedHashMap<>();
        compute.forEach(l -> byName.put(l.name(), l));
        checkNamesExist(byName.keySet(), options);

        List<String> decisions = new ArrayList<>();
        List<NodeProto> eligible = new ArrayList<>();
        int convIndex = 0;
        for (NodeProto node : graph.getNodeList()) {
            if (!node.getOpType().equals("Conv")) {
                continue;
            }
            Optional<String> reason = ineligibility(graph, node, byName.get(node.getName()), convIndex++, options);
            decisions.add(node.getName() + ": " + reason.map(r -> "dense (" + r + ")").orElse("HASTE"));
            if (reason.isEmpty()) {
                eligible.add(node);
            }
        }
        if (eligible.isEmpty()) {
            return new TransformResult(model, null, decisions, List.of("no eligible Conv in the model: it is returned unchanged"));
        }
        options.patchFor(0, eligible.size()); // one patch size, or one per eligible layer
        LevelSchedule schedule = options.schedule().orElseGet(() -> LevelSchedule.uniform(options.levels(), eligible.size()));
        if (schedule.layers() != eligible.size()) {
            throw new IllegalArgumentException("schedule has " + schedule.layers() + " columns but the model has "
                    + eligible.size() + " eligible convolutions");
        }

        GraphProto.Builder out = graph.toBuilder().clearNode();
        GraphWriting.fixBatchToOne(out, inputName, inputShape);
        addLevelInput(out, schedule.levels());
        List<HasteLayer> hasteLayers = new ArrayList<>();
        List<String> channelCounts = new ArrayList<>();
        int layer = 0;
        for (NodeProto node : graph.getNodeList()) {
            if (!eligible.contains(node)) {
                out.addNode(node);
                continue;
            }
            LayerInfo info = byName.get(node.getName());
            HasteLayer hl = emitLayer(out, model, node, info, layer, schedule, options.withPatch(options.patchFor(layer, eligible.size())));
            hasteLayers.add(hl);
            channelCounts.add(PREFIX + layer + "/reduced_channels");
            layer++;
        }
        out.addNode(Nodes.node("Concat", PREFIX + "channels", channelCounts, List.of(HasteModelInfo.CHANNELS_OUTPUT))
                .addAttribute(Nodes.intAttr("axis", 0)));
        out.addOutput(Tensors.valueInfo(HasteModelInfo.CHANNELS_OUTPUT, TensorProto.DataType.INT64_VALUE, hasteLayers.size()));

        if (options.denseBypass() && graph.getNodeList().stream().noneMatch(n -> n.getAttributeList().stream().anyMatch(a -> a.hasG()))) {
            long[] inChannels = hasteLayers.stream().mapToLong(h -> byName.get(h.name()).inChannels()).toArray();
            out = DenseBypass.wrap(graph, out, inChannels);
        }
        HasteModelInfo meta = new HasteModelInfo(HasteModelInfo.FORMAT, options.seed(), options.sparsity(), inputName,
                inputShape.clone(), schedule, compute, hasteLayers, options.kernel(), options.merge(), null);
        ModelProto result = GraphWriting.withKernelDomain(model.toBuilder().setGraph(out), options.kernel()).addMetadataProps(meta.toMetadata()).build();
        return new TransformResult(result, meta, decisions, List.of());
    }

    private static void checkNamesExist(Set<String> names, HasteOptions options) {
        for (String n : options.include()) {
            if (!names.contains(n)) {
                throw new IllegalArgumentException("--include names '" + n + "', which is no Conv node of the model");
            }
        }
        for (String n : options.exclude()) {
            if (!names.contains(n)) {
                throw new IllegalArgumentException("--exclude names '" + n + "', which is no Conv node of the model");
            }
        }
    }

    /** Why {@code node} stays dense, or empty when HASTE applies. */
    static Optional<String> ineligibility(GraphProto graph, NodeProto node, LayerInfo info, int convIndex, HasteOptions options) {
        String name = node.getName();
        if (options.exclude().contains(name)) {
            return Optional.of("excluded by name");
        }
        if (!options.include().isEmpty() && !options.include().contains(name)) {
            return Optional.of("not in the include list");
        }
        if (info.weightShape().length != 4) {
            return Optional.of("not a 2-D convolution");
        }
        if (info.group() != 1) {
            return Optional.of("grouped convolution, group=" + info.group());
        }
        if (info.inChannels() < 2) {
            return Optional.of(info.inChannels() + " input channel");
        }
        if (!OnnxModels.isInitializer(graph, node.getInput(1))
                || (node.getInputCount() > 2 && !node.getInput(2).isEmpty() && !OnnxModels.isInitializer(graph, node.getInput(2)))) {
            return Optional.of("weights or bias are not constant");
        }
        if (info.inputShape()[0] != 1) {
            return Optional.of("batch is not 1");
        }
        if (convIndex == 0 && options.skipFirstConv() && !options.include().contains(name)) {
            return Optional.of("first convolution, skipped by default");
        }
        return Optional.empty();
    }

    /** The level input and a checked index: negative levels are mapped out of range so Gather fails. */
    private static void addLevelInput(GraphProto.Builder graph, int levels) {
        graph.addInput(Tensors.valueInfo(HasteModelInfo.LEVEL_INPUT, TensorProto.DataType.INT64_VALUE));
        graph.addInitializer(Tensors.longs(PREFIX + "zero_i64", new long[] {0}));
        graph.addInitializer(Tensors.longs(PREFIX + "level_count", new long[] {levels}));
        graph.addInitializer(Tensors.floats(PREFIX + "zero_f", new float[] {0f}));
        graph.addInitializer(Tensors.longs(PREFIX + "axis0", new long[] {0}, 1));
        graph.addInitializer(Tensors.longs(PREFIX + "axis1", new long[] {1}, 1));
        graph.addNode(Nodes.node("Less", PREFIX + "level_negative", List.of(HasteModelInfo.LEVEL_INPUT, PREFIX + "zero_i64"),
                List.of(PREFIX + "level_is_negative")));
        graph.addNode(Nodes.node("Where", PREFIX + "level_checked",
                List.of(PREFIX + "level_is_negative", PREFIX + "level_count", HasteModelInfo.LEVEL_INPUT), List.of(PREFIX + "level")));
    }

    /**
     * Replaces {@code conv} (HASTE layer {@code layer}) by {@code If(dense at the level, conv, HASTE)}; its metadata.
     * {@code options} hold this layer's one patch size.
     */
    private static HasteLayer emitLayer(GraphProto.Builder g, ModelProto model, NodeProto conv, LayerInfo info, int layer,
                                        LevelSchedule schedule, HasteOptions options) {
        GraphProto original = model.getGraph();
        long opset = OnnxModels.defaultOpset(model);
        String p = PREFIX + layer + "/";
        int levels = schedule.levels();
        int lmax = Math.max(1, schedule.maxHyperplanes(layer));
        Optional<Tiling> tiling = Tiling.of(conv, info, options.patchFor(0, 1));
        LayerInfo hashedInfo = tiling.map(t -> t.tileInfo(info)).orElse(info);
        int stride = options.strideFor(hashedInfo.inputShape()[2], hashedInfo.inputShape()[3]);
        int hashed = HasteLayer.hashedPixels(hashedInfo, stride);
        float[] r = Hyperplanes.sample(options.seed(), layer, hashed, lmax, options.sparsity());
        boolean[] dense = new boolean[levels];
        long[] planes = new long[levels];
        for (int level = 0; level < levels; level++) {
            planes[level] = schedule.hyperplanes(level, layer);
            dense[level] = planes[level] == 0;
        }
        g.addInitializer(Tensors.bools(p + "dense_levels", dense, levels));
        g.addInitializer(Tensors.longs(p + "in_channels", new long[] {info.inChannels()}, 1));
        LayerSource level = options.kernel() == HasteKernel.NATIVE
                ? new LayerSource(List.of(Nodes.node("Gather", p + "planes", List.of(p + "planes_by_level", PREFIX + "level"),
                        List.of(p + "planes")).build()), Tensors.longs(p + "planes_by_level", planes, levels))
                : new LayerSource(List.of(Nodes.node("Gather", p + "level_weights", List.of(p + "code_weights", PREFIX + "level"),
                        List.of(p + "level_weights")).build()), Tensors.floats(p + "code_weights", PortableKernelWriter.codeWeights(planes, lmax), levels, lmax));
        g.addInitializer(level.table());

        // Dense branch: the original convolution, untouched.
        GraphProto.Builder denseBranch = GraphProto.newBuilder().setName(p + "dense")
                .addNode(conv.toBuilder().setName(p + "dense_conv").clearOutput().addOutput(p + "dense_output"))
                .addNode(Nodes.node("Identity", p + "dense_channels", List.of(p + "in_channels"), List.of(p + "dense_channels")))
                .addOutput(Tensors.floatValueInfo(p + "dense_output"))
                .addOutput(Tensors.valueInfo(p + "dense_channels", TensorProto.DataType.INT64_VALUE, 1));

        GraphProto.Builder h = GraphProto.newBuilder().setName(p + "haste").addAllNode(level.nodes());
        LayerSetup setup = new LayerSetup(options.kernel(), 0, 1, stride, options.merge(), StreamStep.FRAME);
        LayerWriter.write(new LayerContext(g, h, original, conv, info, r, lmax, setup, opset, p), tiling, p, p + "haste_output",
                p + "haste_channels");
        h.addOutput(Tensors.floatValueInfo(p + "haste_output"))
                .addOutput(Tensors.valueInfo(p + "haste_channels", TensorProto.DataType.INT64_VALUE, 1));

        g.addNode(Nodes.node("Gather", p + "is_dense", List.of(p + "dense_levels", PREFIX + "level"), List.of(p + "is_dense")));
        g.addNode(Nodes.node("If", p + "conv", List.of(p + "is_dense"), List.of(conv.getOutput(0), p + "reduced_channels"))
                .addAttribute(Nodes.graphAttr("then_branch", denseBranch.build()))
                .addAttribute(Nodes.graphAttr("else_branch", h.build())));
        return new HasteLayer(conv.getName(), lmax, Hyperplanes.cumulativeNonzeros(r, hashed, lmax), stride, tiling.map(Tiling::tile).orElse(0),
                tiling.map(t -> new int[] {t.windowH(), t.windowW()}).orElse(null));
    }

    /**
     * Where a layer's HASTE nodes read the level from: nodes that look it up in a per-level table
     * (the multi-level model) or, for a model fixed to one level, nothing (the table is that row).
     *
     * @param nodes  nodes producing {@code planes} (native) or {@code level_weights} (portable)
     * @param table  the initializer they read
     */
    private record LayerSource(List<NodeProto> nodes, TensorProto table) {}
}
