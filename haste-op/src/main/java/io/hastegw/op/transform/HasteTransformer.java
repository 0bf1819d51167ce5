package io.hastegw.op.transform;

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
 * <p>{@link #forLevel} builds the model of one level without any {@code If}, which is what
 * io.hastegw.op.runtime.HasteSession runs; {@link #original} recovers the original model.
 */
public final class HasteTransformer {
    private static final String PREFIX = "haste/";
    /** The native operator's domain and type (the library is io.hastegw.op.runtime.NativeKernel). */
    private static final String NATIVE_DOMAIN = "io.hastegw.haste";
    private static final String NATIVE_OP = "HasteMerge";
    /** The native operators of stream reuse: HasteMerge keeping its buckets, and the input merge of kept buckets. */
    private static final String NATIVE_STATE_OP = "HasteMergeState";
    private static final String NATIVE_APPLY_OP = "HasteApply";
    /** ONNX Runtime's NCHWc contrib-operator domain (io.hastegw.op.runtime.NchwcLayout). */
    private static final String NCHWC_DOMAIN = "com.microsoft.nchwc";

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
        LevelSchedule schedule = options.schedule().orElseGet(() -> LevelSchedule.uniform(options.levels(), eligible.size()));
        if (schedule.layers() != eligible.size()) {
            throw new IllegalArgumentException("schedule has " + schedule.layers() + " columns but the model has "
                    + eligible.size() + " eligible convolutions");
        }

        GraphProto.Builder out = graph.toBuilder().clearNode();
        fixBatchToOne(out, inputName, inputShape);
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
            HasteLayer hl = emitLayer(out, graph, node, info, layer, schedule, options, OnnxModels.defaultOpset(model));
            hasteLayers.add(hl);
            channelCounts.add(PREFIX + layer + "/reduced_channels");
            layer++;
        }
        out.addNode(Nodes.node("Concat", PREFIX + "channels", channelCounts, List.of(HasteModelInfo.CHANNELS_OUTPUT))
                .addAttribute(Nodes.intAttr("axis", 0)));
        out.addOutput(Tensors.valueInfo(HasteModelInfo.CHANNELS_OUTPUT, TensorProto.DataType.INT64_VALUE, hasteLayers.size()));

        if (options.denseBypass() && graph.getNodeList().stream().noneMatch(n -> n.getAttributeList().stream().anyMatch(a -> a.hasG()))) {
            long[] inChannels = hasteLayers.stream().mapToLong(h -> byName.get(h.name()).inChannels()).toArray();
            out = withDenseBypass(graph, out, inChannels);
        }
        HasteModelInfo meta = new HasteModelInfo(HasteModelInfo.FORMAT, options.seed(), options.sparsity(), inputName,
                inputShape.clone(), schedule, compute, hasteLayers, options.kernel(), options.merge(), null);
        ModelProto result = withKernelDomain(model.toBuilder().setGraph(out), options.kernel()).addMetadataProps(meta.toMetadata()).build();
        return new TransformResult(result, meta, decisions, List.of());
    }

    /**
     * Wraps the HASTE graph in {@code If(level == 0)}: the then-branch is the original graph,
     * untouched but for its names (prefixed {@code dense/}), with its own copy of the original
     * weights as branch initializers: ONNX Runtime only applies its constant-weight optimisations
     * (fusions, NCHWc layout) to initializers of the graph being optimised, and with outer-scope
     * weights level 0 ran 1.5x slower than dense instead of about 1.07x (ResNet-56, measured). The
     * else-branch is the HASTE graph.
     */
    private static GraphProto.Builder withDenseBypass(GraphProto original, GraphProto.Builder haste, long[] inChannels) {
        List<String> outputs = new ArrayList<>();
        original.getOutputList().forEach(v -> outputs.add(v.getName()));
        outputs.add(HasteModelInfo.CHANNELS_OUTPUT);

        Map<String, String> denseNames = new LinkedHashMap<>();
        original.getNodeList().forEach(n -> n.getOutputList().forEach(o -> denseNames.put(o, "dense/" + o)));
        GraphProto.Builder dense = GraphProto.newBuilder().setName("haste/dense_graph");
        for (TensorProto t : original.getInitializerList()) {
            denseNames.put(t.getName(), "dense/" + t.getName());
            dense.addInitializer(t.toBuilder().setName("dense/" + t.getName()));
        }
        original.getNodeList().forEach(n -> dense.addNode(renamed(n, denseNames)));
        dense.addNode(Nodes.node("Identity", "dense/haste_channels", List.of(PREFIX + "in_channels_all"), List.of("dense/" + HasteModelInfo.CHANNELS_OUTPUT)));

        List<NodeProto> nodes = haste.getNodeList();
        List<NodeProto> levelCheck = nodes.subList(0, 2);
        Map<String, String> hasteNames = new LinkedHashMap<>();
        outputs.forEach(o -> hasteNames.put(o, "haste_out/" + o));
        GraphProto.Builder hasteBranch = GraphProto.newBuilder().setName("haste/haste_graph");
        nodes.subList(2, nodes.size()).forEach(n -> hasteBranch.addNode(renamed(n, hasteNames)));

        for (ValueInfoProto v : haste.getOutputList()) {
            dense.addOutput(v.toBuilder().setName("dense/" + v.getName()));
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

    /** {@code node} with its input and output names mapped through {@code names} (names not in it stay). */
    private static NodeProto renamed(NodeProto node, Map<String, String> names) {
        NodeProto.Builder b = node.toBuilder().clearInput().clearOutput();
        node.getInputList().forEach(i -> b.addInput(names.getOrDefault(i, i)));
        node.getOutputList().forEach(o -> b.addOutput(names.getOrDefault(o, o)));
        return b.build();
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

    private static void fixBatchToOne(GraphProto.Builder graph, String inputName, long[] inputShape) {
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

    private static HasteLayer emitLayer(GraphProto.Builder g, GraphProto original, NodeProto conv, LayerInfo info, int layer,
                                        LevelSchedule schedule, HasteOptions options, long opset) {
        String p = PREFIX + layer + "/";
        int levels = schedule.levels();
        int lmax = Math.max(1, schedule.maxHyperplanes(layer));
        Optional<Tiling> tiling = Tiling.of(conv, info, options.patch());
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
                        List.of(p + "level_weights")).build()), Tensors.floats(p + "code_weights", codeWeights(planes, lmax), levels, lmax));
        g.addInitializer(level.table());

        // Dense branch: the original convolution, untouched.
        GraphProto.Builder denseBranch = GraphProto.newBuilder().setName(p + "dense")
                .addNode(conv.toBuilder().setName(p + "dense_conv").clearOutput().addOutput(p + "dense_output"))
                .addNode(Nodes.node("Identity", p + "dense_channels", List.of(p + "in_channels"), List.of(p + "dense_channels")))
                .addOutput(Tensors.floatValueInfo(p + "dense_output"))
                .addOutput(Tensors.valueInfo(p + "dense_channels", TensorProto.DataType.INT64_VALUE, 1));

        GraphProto.Builder h = GraphProto.newBuilder().setName(p + "haste").addAllNode(level.nodes());
        layerNodes(g, h, original, conv, info, r, lmax, new Setup(options.kernel(), 0, 1, stride, options.merge(), StreamStep.FRAME), tiling, opset, p,
                p + "haste_output", p + "haste_channels");
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

    /** Portable code weights: row {@code level} holds 2^i for the level's L hyperplanes and 0 beyond. */
    private static float[] codeWeights(long[] planes, int lmax) {
        float[] w = new float[planes.length * lmax];
        for (int level = 0; level < planes.length; level++) {
            for (int i = 0; i < planes[level]; i++) {
                w[level * lmax + i] = (float) (1 << i);
            }
        }
        return w;
    }

    /**
     * Adds the HASTE computation of {@code conv}: on the whole map ({@link #hasteNodes}), or patch-wise
     * with {@code tiling}: the input padded once with the convolution's pads, cut into overlapping
     * windows (Slice), each window hashed, merged and convolved without padding as a HASTE layer of
     * its own (sharing the layer's constants), and the output tiles concatenated back into the map.
     * {@code channelsOut} is then the sum of the tiles' channel counts. Patch-wise layers run the
     * plain NCHW convolution (their accounting needs every tile's count, which the sum hides).
     */
    private static void layerNodes(GraphProto.Builder g, GraphProto.Builder h, GraphProto original, NodeProto conv, LayerInfo info,
                                   float[] r, int lmax, Setup setup, Optional<Tiling> tiling, long opset, String p, String out,
                                   String channelsOut) {
        if (tiling.isEmpty()) {
            hasteNodes(g, h, original, conv, info, r, lmax, setup, opset, p, p, out, channelsOut);
            return;
        }
        Tiling t = tiling.get();
        String input = conv.getInput(0);
        if (t.padded()) {
            constant(g, p + "patch_pads", () -> Tensors.longs(p + "patch_pads", t.onnxPads(), 8));
            h.addNode(Nodes.node("Pad", p + "patch_padded", List.of(input, p + "patch_pads"), List.of(p + "patch_padded")));
            input = p + "patch_padded";
        }
        constant(g, p + "patch_axes", () -> Tensors.longs(p + "patch_axes", new long[] {2, 3}, 2));
        NodeProto.Builder unpadded = conv.toBuilder().clearAttribute();
        conv.getAttributeList().stream().filter(a -> !a.getName().equals("pads") && !a.getName().equals("auto_pad")).forEach(unpadded::addAttribute);
        LayerInfo tileInfo = t.tileInfo(info);
        Setup plain = setup.withNchwcBlock(0);
        List<String> rows = new ArrayList<>();
        String channels = null;
        for (int ty = 0; ty < t.rows(); ty++) {
            List<String> row = new ArrayList<>();
            for (int tx = 0; tx < t.cols(); tx++) {
                String q = p + "tile" + ty + "_" + tx + "/";
                long[] start = t.start(ty, tx);
                h.addNode(Nodes.node("Slice", q + "window", List.of(input, q + "starts", q + "ends", p + "patch_axes"), List.of(q + "window")));
                g.addInitializer(Tensors.longs(q + "starts", start, 2));
                g.addInitializer(Tensors.longs(q + "ends", new long[] {start[0] + t.windowH(), start[1] + t.windowW()}, 2));
                NodeProto tileConv = unpadded.clone().setInput(0, q + "window").build();
                hasteNodes(g, h, original, tileConv, tileInfo, r, lmax, plain, opset, p, q, q + "output", q + "channels");
                row.add(q + "output");
                if (setup.step() == StreamStep.REUSE) {
                    continue;
                }
                if (channels == null) {
                    channels = q + "channels";
                } else {
                    h.addNode(Nodes.node("Add", q + "channel_sum", List.of(channels, q + "channels"), List.of(q + "channel_sum")));
                    channels = q + "channel_sum";
                }
            }
            h.addNode(Nodes.node("Concat", p + "row" + ty, row, List.of(p + "row" + ty)).addAttribute(Nodes.intAttr("axis", 3)));
            rows.add(p + "row" + ty);
        }
        h.addNode(Nodes.node("Concat", p + "tiles", rows, List.of(out)).addAttribute(Nodes.intAttr("axis", 2)));
        if (channels != null) {
            h.addNode(Nodes.node("Identity", p + "channel_total", List.of(channels), List.of(channelsOut)));
        }
    }

    /**
     * Adds the HASTE computation of {@code conv} to {@code h}, writing {@code out} and the channel
     * count {@code channelsOut}; constants go to {@code g} once, named with the layer prefix {@code
     * k}, nodes with {@code p} (the layer's, or one patch's). It reads the level from {@code k +
     * "planes"} (native: L, int64 scalar) or {@code k + "level_weights"} (portable: the code weights
     * of the level), which the caller provides.
     */
    private static void hasteNodes(GraphProto.Builder g, GraphProto.Builder h, GraphProto original, NodeProto conv,
                                   LayerInfo info, float[] r, int lmax, Setup setup, long opset, String k, String p, String out,
                                   String channelsOut) {
        HasteKernel kernel = setup.kernel();
        int c = info.inChannels();
        int hashed = HasteLayer.hashedPixels(info, setup.stride());
        List<String> convInputs = new ArrayList<>(List.of(p + "merged_input", p + "merged_weights"));
        if (conv.getInputCount() > 2 && !conv.getInput(2).isEmpty()) {
            convInputs.add(conv.getInput(2));
        }
        NodeProto reducedConv = conv.toBuilder().setName(p + "reduced_conv").clearInput().addAllInput(convInputs)
                .clearOutput().addOutput(out).build();
        if (setup.step() == StreamStep.REUSE) {
            reuseNodes(g, h, original, conv, info, setup, k, p, out, reducedConv);
            return;
        }
        constant(g, k + "hyperplanes", () -> Tensors.floats(k + "hyperplanes", r, hashed, lmax));
        if (setup.step() == StreamStep.REFRESH) {
            g.addOutput(Tensors.floatValueInfo(p + "merged_weights"));
            g.addOutput(kernel == HasteKernel.NATIVE ? Tensors.valueInfo(p + "buckets", TensorProto.DataType.INT32_VALUE, c)
                    : Tensors.floatValueInfo(p + "input_merge"));
        }
        if (kernel == HasteKernel.NATIVE && setup.nchwcBlock() > 0) {
            nchwcNodes(g, h, original, conv, info, setup, k, p, out, channelsOut);
            return;
        }
        if (kernel == HasteKernel.NATIVE) {
            h.addNode(setup.attributes(Nodes.node(setup.mergeOp(), p + "merge", List.of(conv.getInput(0), conv.getInput(1), k + "hyperplanes",
                    k + "planes"), setup.mergeOutputs(p, channelsOut)).setDomain(NATIVE_DOMAIN)));
            h.addNode(reducedConv);
            return;
        }
        int o = info.outChannels();
        int kk = Math.toIntExact(info.kernelSize());
        long[] in = info.inputShape();
        long[] w = info.weightShape();
        constant(g, k + "weights_t", () -> Tensors.floats(k + "weights_t", transposeWeights(
                Tensors.toFloats(OnnxModels.initializer(original, conv.getInput(1))), o, c, kk), o, kk, c));
        constant(g, k + "shape_w4", () -> Tensors.longs(k + "shape_w4", new long[] {o, -1, w[2], w[3]}, 4));
        flatInput(g, h, conv, info, k, p);
        String xs = p + "xf";
        if (setup.stride() > 1) {
            constant(g, k + "grid_starts", () -> Tensors.longs(k + "grid_starts", new long[] {0, 0}, 2));
            constant(g, k + "grid_ends", () -> Tensors.longs(k + "grid_ends", new long[] {in[2], in[3]}, 2));
            constant(g, k + "grid_axes", () -> Tensors.longs(k + "grid_axes", new long[] {2, 3}, 2));
            constant(g, k + "grid_steps", () -> Tensors.longs(k + "grid_steps", new long[] {setup.stride(), setup.stride()}, 2));
            constant(g, k + "shape_cs", () -> Tensors.longs(k + "shape_cs", new long[] {c, hashed}, 2));
            add(h, "Slice", p, List.of(conv.getInput(0), k + "grid_starts", k + "grid_ends", k + "grid_axes", k + "grid_steps"), "grid");
            add(h, "Reshape", p, List.of(p + "grid", k + "shape_cs"), "xs");
            xs = p + "xs";
        }
        h.addNode(reduceMeanChannels(xs, p + "mean", opset));
        add(h, "Sub", p, List.of(xs, p + "mean"), "centred");
        add(h, "MatMul", p, List.of(p + "centred", k + "hyperplanes"), "projections");
        add(h, "Greater", p, List.of(p + "projections", PREFIX + "zero_f"), "bits_bool");
        h.addNode(cast(p + "bits_bool", p + "bits"));
        add(h, "MatMul", p, List.of(p + "bits", k + "level_weights"), "codes");
        h.addNode(Nodes.node("Unique", p + "buckets", List.of(p + "codes"), List.of(p + "bucket_codes", "", "", p + "bucket_sizes"))
                .addAttribute(Nodes.intAttr("sorted", 1)));
        add(h, "Unsqueeze", p, List.of(p + "codes", PREFIX + "axis1"), "codes_col");
        add(h, "Unsqueeze", p, List.of(p + "bucket_codes", PREFIX + "axis0"), "bucket_row");
        add(h, "Equal", p, List.of(p + "codes_col", p + "bucket_row"), "membership_bool");
        h.addNode(cast(p + "membership_bool", p + "membership"));
        h.addNode(Nodes.node("Gemm", p + "input_sums", List.of(p + "membership", p + "xf"), List.of(p + "input_sums"))
                .addAttribute(Nodes.intAttr("transA", 1)));
        add(h, "Unsqueeze", p, List.of(p + "bucket_sizes", PREFIX + "axis1"), "bucket_sizes_col");
        h.addNode(cast(p + "bucket_sizes_col", p + "bucket_sizes_f"));
        add(h, "Div", p, List.of(p + "input_sums", p + "bucket_sizes_f"), "merged_flat");
        if (setup.step() == StreamStep.REFRESH) {
            add(h, "Unsqueeze", p, List.of(p + "bucket_sizes", PREFIX + "axis0"), "bucket_sizes_row");
            h.addNode(cast(p + "bucket_sizes_row", p + "bucket_sizes_row_f"));
            add(h, "Div", p, List.of(p + "membership", p + "bucket_sizes_row_f"), "input_merge");
        }
        mergedInput(g, h, info, k, p);
        String filterMembership = p + "membership";
        if (setup.merge() == MergeMode.SCALE) {
            scaleNodes(g, h, k, p, xs, hashed);
            filterMembership = p + "scaled_membership";
        }
        add(h, "MatMul", p, List.of(k + "weights_t", filterMembership), "merged_weights_t");
        h.addNode(Nodes.node("Transpose", p + "merged_weights_okc", List.of(p + "merged_weights_t"), List.of(p + "merged_weights_okc"))
                .addAttribute(Nodes.intsAttr("perm", 0, 2, 1)));
        add(h, "Reshape", p, List.of(p + "merged_weights_okc", k + "shape_w4"), "merged_weights");
        h.addNode(reducedConv);
        h.addNode(Nodes.node("Shape", channelsOut, List.of(p + "bucket_codes"), List.of(channelsOut)));
    }

    /**
     * Scale-aware merging in standard operators, as the native kernel's haste_scales: {@code p +
     * "scaled_membership"} = the membership, each channel's row multiplied by its scale against its
     * bucket's mean on the hashed pixels {@code xs} ({@code [C, hashed]}); 1 where that mean is zero
     * (and, exactly, for buckets of one).
     */
    private static void scaleNodes(GraphProto.Builder g, GraphProto.Builder h, String k, String p, String xs, int hashed) {
        float[] ones = new float[hashed];
        Arrays.fill(ones, 1f);
        constant(g, k + "ones_hashed", () -> Tensors.floats(k + "ones_hashed", ones, hashed, 1));
        constant(g, k + "one_f", () -> Tensors.floats(k + "one_f", new float[] {1f}));
        h.addNode(Nodes.node("Gemm", p + "hashed_sums", List.of(p + "membership", xs), List.of(p + "hashed_sums"))
                .addAttribute(Nodes.intAttr("transA", 1)));
        add(h, "Div", p, List.of(p + "hashed_sums", p + "bucket_sizes_f"), "hashed_means");
        add(h, "MatMul", p, List.of(p + "membership", p + "hashed_means"), "representatives");
        add(h, "Mul", p, List.of(xs, p + "representatives"), "products");
        add(h, "MatMul", p, List.of(p + "products", k + "ones_hashed"), "numerators");
        add(h, "Mul", p, List.of(p + "representatives", p + "representatives"), "squares");
        add(h, "MatMul", p, List.of(p + "squares", k + "ones_hashed"), "norms");
        add(h, "Greater", p, List.of(p + "norms", PREFIX + "zero_f"), "norm_positive");
        add(h, "Div", p, List.of(p + "numerators", p + "norms"), "ratios");
        add(h, "Where", p, List.of(p + "norm_positive", p + "ratios", k + "one_f"), "scales");
        add(h, "Mul", p, List.of(p + "membership", p + "scales"), "scaled_membership");
    }

    /**
     * The native kernel handing its merged input and filters, in ONNX Runtime's NCHWc layouts, to
     * ONNX Runtime's NCHWc convolution (its fastest; its optimiser only uses it for constant
     * weights), whose blocked output goes back to NCHW. The bias is padded to whole blocks.
     */
    private static void nchwcNodes(GraphProto.Builder g, GraphProto.Builder h, GraphProto original, NodeProto conv, LayerInfo info,
                                   Setup setup, String k, String p, String out, String channelsOut) {
        int block = setup.nchwcBlock();
        int o = info.outChannels();
        int padded = Math.toIntExact(blocks(o, block));
        long[] w = info.weightShape();
        constant(g, k + "weights_nchwc", () -> Tensors.floats(k + "weights_nchwc", blockByOutput(Tensors.toFloats(OnnxModels.initializer(original, conv.getInput(1))),
                o, info.inChannels(), Math.toIntExact(info.kernelSize()), block), padded, w[1], w[2], w[3]));
        h.addNode(setup.attributes(Nodes.node(setup.mergeOp(), p + "merge", List.of(conv.getInput(0), k + "weights_nchwc", k + "hyperplanes",
                k + "planes"), setup.mergeOutputs(p, channelsOut)).setDomain(NATIVE_DOMAIN)
                .addAttribute(Nodes.intAttr("nchwc_block", block))));
        blockedConv(g, h, original, conv, info, block, k, p, out);
    }

    /** ONNX Runtime's NCHWc convolution of {@code p}'s merged input and filters, the bias padded to whole blocks, back to NCHW {@code out}. */
    private static void blockedConv(GraphProto.Builder g, GraphProto.Builder h, GraphProto original, NodeProto conv, LayerInfo info,
                                    int block, String k, String p, String out) {
        int o = info.outChannels();
        int padded = Math.toIntExact(blocks(o, block));
        float[] bias = new float[padded];
        if (conv.getInputCount() > 2 && !conv.getInput(2).isEmpty()) {
            float[] b = Tensors.toFloats(OnnxModels.initializer(original, conv.getInput(2)));
            System.arraycopy(b, 0, bias, 0, o);
        }
        constant(g, k + "bias_nchwc", () -> Tensors.floats(k + "bias_nchwc", bias, padded));
        h.addAllNode(nchwcConv(conv.toBuilder().setName(p + "reduced_conv").build(),
                List.of(p + "merged_input", p + "merged_weights", k + "bias_nchwc"), p + "reduced_nchwc", out, o));
    }

    /**
     * A reuse frame's HASTE layer ({@link StreamStep#REUSE}): the kept state ({@code p +
     * "merged_weights"}, and {@code p + "buckets"} or {@code p + "input_merge"}) declared as graph
     * inputs of {@code g}; the input merged with the kept buckets (native: HasteApply; portable:
     * one Gemm with the kept membership over the bucket sizes) and convolved with the kept filters.
     */
    private static void reuseNodes(GraphProto.Builder g, GraphProto.Builder h, GraphProto original, NodeProto conv, LayerInfo info,
                                   Setup setup, String k, String p, String out, NodeProto reducedConv) {
        int c = info.inChannels();
        g.addInput(Tensors.floatValueInfo(p + "merged_weights"));
        if (setup.kernel() == HasteKernel.NATIVE) {
            g.addInput(Tensors.valueInfo(p + "buckets", TensorProto.DataType.INT32_VALUE, c));
            NodeProto.Builder apply = Nodes.node(NATIVE_APPLY_OP, p + "apply", List.of(conv.getInput(0), p + "buckets"), List.of(p + "merged_input"))
                    .setDomain(NATIVE_DOMAIN);
            if (setup.threads() > 1) {
                apply.addAttribute(Nodes.intAttr("threads", setup.threads()));
            }
            if (setup.nchwcBlock() > 0) {
                h.addNode(apply.addAttribute(Nodes.intAttr("nchwc_block", setup.nchwcBlock())));
                blockedConv(g, h, original, conv, info, setup.nchwcBlock(), k, p, out);
                return;
            }
            h.addNode(apply);
            h.addNode(reducedConv);
            return;
        }
        g.addInput(Tensors.floatValueInfo(p + "input_merge"));
        flatInput(g, h, conv, info, k, p);
        h.addNode(Nodes.node("Gemm", p + "merged_flat", List.of(p + "input_merge", p + "xf"), List.of(p + "merged_flat"))
                .addAttribute(Nodes.intAttr("transA", 1)));
        mergedInput(g, h, info, k, p);
        h.addNode(reducedConv);
    }

    /** Portable kernel: {@code p + "xf"} = the layer's input as one row per channel, [C, P]. */
    private static void flatInput(GraphProto.Builder g, GraphProto.Builder h, NodeProto conv, LayerInfo info, String k, String p) {
        constant(g, k + "shape_cp", () -> Tensors.longs(k + "shape_cp", new long[] {info.inChannels(), info.inputPixels()}, 2));
        add(h, "Reshape", p, List.of(conv.getInput(0), k + "shape_cp"), "xf");
    }

    /** Portable kernel: {@code p + "merged_input"} = the merged rows {@code p + "merged_flat"} [Cred, P] as a map [1, Cred, H, W]. */
    private static void mergedInput(GraphProto.Builder g, GraphProto.Builder h, LayerInfo info, String k, String p) {
        long[] in = info.inputShape();
        constant(g, k + "shape_x4", () -> Tensors.longs(k + "shape_x4", new long[] {1, -1, in[2], in[3]}, 4));
        add(h, "Reshape", p, List.of(p + "merged_flat", k + "shape_x4"), "merged_input");
    }

    /**
     * {@code conv}'s attributes on ONNX Runtime's NCHWc Conv reading {@code inputs} (blocked input,
     * blocked filters, padded bias), then ReorderOutput from {@code blockedOut} back to NCHW
     * {@code out} with {@code channels} channels.
     */
    public static List<NodeProto> nchwcConv(NodeProto conv, List<String> inputs, String blockedOut, String out, long channels) {
        return List.of(conv.toBuilder().setDomain(NCHWC_DOMAIN).clearInput().addAllInput(inputs).clearOutput().addOutput(blockedOut).build(),
                Nodes.node("ReorderOutput", conv.getName() + "/reorder_output", List.of(blockedOut), List.of(out)).setDomain(NCHWC_DOMAIN)
                        .addAttribute(Nodes.intAttr("channels", channels)).build());
    }

    /** {@code n} channels rounded up to whole NCHWc blocks of {@code block}. */
    public static long blocks(long n, int block) {
        return (n + block - 1) / block * block;
    }

    /**
     * How one HASTE layer is written: the kernel, for the native one the NCHWc block (0: plain
     * NCHW) and the threads its hash-and-merge may use, and the layer's hash stride and merge.
     */
    private record Setup(HasteKernel kernel, int nchwcBlock, int threads, int stride, MergeMode merge, StreamStep step) {
        /** This setup with another NCHWc block (0: plain NCHW). */
        Setup withNchwcBlock(int block) {
            return new Setup(kernel, block, threads, stride, merge, step);
        }

        /** The native hash-and-merge operator: HasteMergeState where a refresh frame keeps its buckets. */
        String mergeOp() {
            return step == StreamStep.REFRESH ? NATIVE_STATE_OP : NATIVE_OP;
        }

        /** The native hash-and-merge node's outputs, for the layer or patch {@code p}. */
        List<String> mergeOutputs(String p, String channelsOut) {
            return step == StreamStep.REFRESH ? List.of(p + "merged_input", p + "merged_weights", channelsOut, p + "buckets")
                    : List.of(p + "merged_input", p + "merged_weights", channelsOut);
        }

        /** The native {@code node} with its optional attributes where they differ from the defaults. */
        NodeProto attributes(NodeProto.Builder node) {
            if (threads > 1) {
                node.addAttribute(Nodes.intAttr("threads", threads));
            }
            if (stride > 1) {
                node.addAttribute(Nodes.intAttr("hash_stride", stride));
            }
            if (merge == MergeMode.SCALE) {
                node.addAttribute(Nodes.intAttr("scale_aware", 1));
            }
            return node.build();
        }
    }

    /** W [O, C, kk] to [O / block][C][kk][block], output channels padded with zeros to whole blocks. */
    private static float[] blockByOutput(float[] w, int o, int c, int kk, int block) {
        int padded = Math.toIntExact(blocks(o, block));
        float[] t = new float[padded * c * kk];
        for (int oi = 0; oi < o; oi++) {
            for (int ci = 0; ci < c; ci++) {
                for (int k = 0; k < kk; k++) {
                    t[(((oi / block) * c + ci) * kk + k) * block + oi % block] = w[(oi * c + ci) * kk + k];
                }
            }
        }
        return t;
    }

    /**
     * The model to run at one level: no level input and no {@code If}; the layers with L = 0 in
     * {@code planes} are the original convolutions (so ONNX Runtime applies all its constant-weight
     * optimisations to them) and the others are HASTE with their L fixed. This is what the
     * gateway runs: a level whose layers are all dense is exactly the original model.
     *
     * @param original the original model ({@link #original(ModelProto)} recovers it from a HASTE model)
     * @param info     the HASTE metadata (layers, seed, sparsity, schedule for the hyperplane count)
     * @param planes   L per HASTE layer, 0 = dense
     */
    public static ModelProto forLevel(ModelProto original, HasteModelInfo info, int[] planes, HasteKernel kernel) {
        return forLevel(original, info, planes, kernel, 0, 1);
    }

    /**
     * {@link #forLevel(ModelProto, HasteModelInfo, int[], HasteKernel)}; with the native kernel and
     * {@code nchwcBlock} &gt; 0 (ONNX Runtime's NCHWc block size on this machine, see
     * io.hastegw.op.runtime.NchwcLayout) the reduced convolutions run on ONNX Runtime's NCHWc Conv,
     * and the native hash-and-merge may use {@code threads} threads on large layers (the session's
     * intra-op threads).
     */
    public static ModelProto forLevel(ModelProto original, HasteModelInfo info, int[] planes, HasteKernel kernel, int nchwcBlock,
                                      int threads) {
        return forLevel(original, info, planes, kernel, nchwcBlock, threads, StreamStep.FRAME);
    }

    /**
     * {@link #forLevel(ModelProto, HasteModelInfo, int[], HasteKernel, int, int)} for one step of
     * stream reuse: {@link StreamStep#REFRESH} adds every HASTE layer's state to the outputs,
     * {@link StreamStep#REUSE} takes it as inputs (and has no channel-count output).
     */
    public static ModelProto forLevel(ModelProto original, HasteModelInfo info, int[] planes, HasteKernel kernel, int nchwcBlock,
                                      int threads, StreamStep step) {
        if (planes.length != info.hasteLayers().size()) {
            throw new IllegalArgumentException(planes.length + " L values for " + info.hasteLayers().size() + " HASTE layers");
        }
        GraphProto graph = original.getGraph();
        GraphProto.Builder out = graph.toBuilder().clearNode();
        fixBatchToOne(out, info.inputName(), info.inputShape());
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
            String p = PREFIX + layer + "/";
            LayerInfo li = info.layer(node.getName());
            channels.add(p + "channels");
            int l = planes[layer];
            if (l == 0) {
                out.addNode(node);
                out.addInitializer(Tensors.longs(p + "channels", new long[] {li.inChannels()}, 1));
                continue;
            }
            int lmax = Math.max(1, info.schedule().maxHyperplanes(layer));
            if (l > lmax) {
                throw new IllegalArgumentException("layer " + layer + " stores " + lmax + " hyperplanes, L = " + l + " asked");
            }
            HasteLayer hl = info.hasteLayers().get(layer);
            Optional<Tiling> tiling = Tiling.of(node, li, hl.patch());
            Setup setup = new Setup(kernel, nchwcBlock, threads, hl.hashStride(), info.merge(), step);
            if (step == StreamStep.REUSE) {
                layerNodes(out, out, graph, node, li, null, lmax, setup, tiling, OnnxModels.defaultOpset(original), p, node.getOutput(0), null);
                continue;
            }
            float[] r = info.format() >= 3 ? Hyperplanes.sample(info.seed(), layer, hl.hashedPixels(li), lmax, info.sparsity())
                    : Hyperplanes.sampleRowMajor(info.seed(), layer, hl.hashedPixels(li), lmax, info.sparsity());
            out.addInitializer(kernel == HasteKernel.NATIVE
                    ? Tensors.longs(p + "planes", new long[] {l})
                    : Tensors.floats(p + "level_weights", codeWeights(new long[] {l}, lmax), lmax));
            layerNodes(out, out, graph, node, li, r, lmax, setup, tiling, OnnxModels.defaultOpset(original), p, node.getOutput(0), p + "channels");
        }
        if (step != StreamStep.REUSE) {
            out.addNode(Nodes.node("Concat", PREFIX + "channels", channels, List.of(HasteModelInfo.CHANNELS_OUTPUT))
                    .addAttribute(Nodes.intAttr("axis", 0)));
            out.addOutput(Tensors.valueInfo(HasteModelInfo.CHANNELS_OUTPUT, TensorProto.DataType.INT64_VALUE, planes.length));
        }
        dropUnreadInitializers(out);
        ModelProto.Builder m = withKernelDomain(original.toBuilder().setGraph(out), kernel);
        if (kernel == HasteKernel.NATIVE && nchwcBlock > 0) {
            m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(NCHWC_DOMAIN).setVersion(1));
        }
        return m.build();
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
        dense.getInitializerList().forEach(t -> g.addInitializer(t.toBuilder().setName(t.getName().substring("dense/".length()))));
        haste.getGraph().getInputList().stream().filter(v -> !v.getName().equals(HasteModelInfo.LEVEL_INPUT)).forEach(g::addInput);
        haste.getGraph().getOutputList().stream().filter(v -> !v.getName().equals(HasteModelInfo.CHANNELS_OUTPUT)).forEach(g::addOutput);
        ModelProto.Builder m = haste.toBuilder().setGraph(g).clearMetadataProps().clearOpsetImport();
        haste.getOpsetImportList().stream().filter(o -> !o.getDomain().equals(NATIVE_DOMAIN)).forEach(m::addOpsetImport);
        haste.getMetadataPropsList().stream().filter(e -> !e.getKey().equals(HasteModelInfo.METADATA_KEY)).forEach(m::addMetadataProps);
        return m.build();
    }

    private static NodeProto unprefixed(NodeProto node) {
        NodeProto.Builder b = node.toBuilder().clearInput().clearOutput();
        node.getInputList().forEach(i -> b.addInput(i.startsWith("dense/") ? i.substring("dense/".length()) : i));
        node.getOutputList().forEach(o -> b.addOutput(o.startsWith("dense/") ? o.substring("dense/".length()) : o));
        return b.build();
    }

    /**
     * Leaves out the initializers no node reads: the original filters of HASTE layers that read
     * pre-blocked copies (NCHWc) or, on a reuse frame, the kept merged filters. ONNX Runtime would
     * drop them itself, with a warning per initializer and session.
     */
    private static void dropUnreadInitializers(GraphProto.Builder graph) {
        Set<String> read = new HashSet<>();
        graph.getNodeList().forEach(n -> read.addAll(n.getInputList()));
        graph.getInputList().forEach(v -> read.add(v.getName())); // an initializer listed as a graph input (older IR) stays
        List<TensorProto> used = graph.getInitializerList().stream().filter(t -> read.contains(t.getName())).toList();
        graph.clearInitializer().addAllInitializer(used);
    }

    /** Declares the native operator's domain when {@code kernel} is native. */
    private static ModelProto.Builder withKernelDomain(ModelProto.Builder model, HasteKernel kernel) {
        if (kernel == HasteKernel.NATIVE && model.getOpsetImportList().stream().noneMatch(o -> o.getDomain().equals(NATIVE_DOMAIN))) {
            model.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(NATIVE_DOMAIN).setVersion(1));
        }
        return model;
    }

    /**
     * Adds the initializer {@code name} to {@code g} unless it is there already: the tiles of a
     * patch-wise layer share their layer's constants (weights, hyperplanes, shapes).
     */
    private static void constant(GraphProto.Builder g, String name, Supplier<TensorProto> tensor) {
        if (g.getInitializerList().stream().noneMatch(t -> t.getName().equals(name))) {
            g.addInitializer(tensor.get());
        }
    }

    /** Adds node {@code prefix+out} of {@code op} writing tensor {@code prefix+out}. */
    private static void add(GraphProto.Builder g, String op, String prefix, List<String> inputs, String out) {
        g.addNode(Nodes.node(op, prefix + out, inputs, List.of(prefix + out)));
    }

    private static NodeProto cast(String in, String out) {
        return Nodes.node("Cast", out, List.of(in), List.of(out)).addAttribute(Nodes.intAttr("to", TensorProto.DataType.FLOAT_VALUE)).build();
    }

    /** ReduceMean of {@code x} over the channel axis into {@code out}; axes is an attribute before opset 18 and an input from 18 on. */
    private static NodeProto reduceMeanChannels(String x, String out, long opset) {
        if (opset >= 18) {
            return Nodes.node("ReduceMean", out, List.of(x, PREFIX + "axis0"), List.of(out))
                    .addAttribute(Nodes.intAttr("keepdims", 1)).build();
        }
        return Nodes.node("ReduceMean", out, List.of(x), List.of(out))
                .addAttribute(Nodes.intsAttr("axes", 0)).addAttribute(Nodes.intAttr("keepdims", 1)).build();
    }

    /** W [O, C, kk] to W^T [O, kk, C], so that MatMul with the membership [C, Cred] sums slices per bucket. */
    private static float[] transposeWeights(float[] w, int o, int c, int kk) {
        float[] t = new float[w.length];
        for (int oi = 0; oi < o; oi++) {
            for (int ci = 0; ci < c; ci++) {
                for (int k = 0; k < kk; k++) {
                    t[(oi * kk + k) * c + ci] = w[(oi * c + ci) * kk + k];
                }
            }
        }
        return t;
    }
}
