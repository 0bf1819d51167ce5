package io.hastegw.op.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.hastegw.op.SharedData;
import io.hastegw.op.onnx.FloatTensor;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.onnx.OrtModels;
import io.hastegw.op.onnx.Tensors;
import io.hastegw.op.reference.ConvSpec;
import io.hastegw.op.reference.HasteConvReference;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The HASTE ONNX graph, run by ONNX Runtime on real CIFAR-10 images, against the original model and the Java reference. */
@Tag("slow")
class HasteGraphTest {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    /**
     * Level 0 runs the original convolutions. Up to ORT's extended optimisations the outputs are
     * bit-identical; the layout optimisation (NCHWc) fuses the original graph differently from the
     * If branches, which moves logits by float rounding only (measured: at most 1.5e-5 on logits
     * up to 25, at most 1.8e-6 relative to the largest logit of the image), within the 1e-5 asked for.
     */
    @ParameterizedTest
    @CsvSource({"resnet20, EXTENDED_OPT, 0", "resnet56, EXTENDED_OPT, 0", "resnet20, ALL_OPT, 1e-5", "resnet56, ALL_OPT, 1e-5"})
    void levelZeroReproducesTheOriginalModel(String name, OrtSession.SessionOptions.OptLevel optimisation, double tolerance)
            throws Exception {
        TransformedModels m = TransformedModels.of(name);
        List<FloatTensor> images = SharedData.cifarInputs(SharedData.cifarCard(name), 20);
        try (OrtSession.SessionOptions options = OrtModels.options(1)) {
            options.setOptimizationLevel(optimisation);
            try (OrtSession dense = ENV.createSession(m.original().toByteArray(), options);
                 OrtSession haste = ENV.createSession(m.haste().model().toByteArray(), options)) {
                for (FloatTensor image : images) {
                    FloatTensor expected = runDense(dense, image);
                    Map<String, Object> out = runRaw(haste, image, 0);
                    FloatTensor actual = (FloatTensor) out.get("logits");
                    double diff = expected.relativeMaxDifference(actual);
                    assertTrue(diff <= tolerance, "relative difference " + diff + " (absolute " + expected.maxDifference(actual) + ")");
                    long[] inChannels = m.info().hasteLayers().stream().mapToLong(l -> m.info().computeLayers().stream()
                            .filter(c -> c.name().equals(l.name())).findFirst().orElseThrow().inChannels()).toArray();
                    assertArrayEquals(inChannels, (long[]) out.get(HasteModelInfo.CHANNELS_OUTPUT), "level 0 merges nothing");
                }
            }
        }
    }

    /**
     * Defaults (scale-aware merge, stride 2 on 32x32 maps), the paper's merge, a stride of 3 (a
     * ragged grid), and patch-wise: tiles of 16 (on the 32x32 and 16x16 outputs, the stride-2
     * convolutions included) and of 4 (every map, down to 2x2 tiles of the 8x8 layers), and a size per
     * layer (whole maps, tiles of 2 and of 4 in turn over ResNet-20's 18 HASTE layers).
     */
    @ParameterizedTest
    @CsvSource({"resnet20, 0, SCALE, 0", "resnet56, 0, SCALE, 0", "resnet20, 1, MEAN, 0", "resnet20, 3, SCALE, 0", "resnet20, 2, MEAN, 0",
        "resnet20, 0, SCALE, 16", "resnet20, 1, MEAN, 4", "resnet20, 1, MEAN, per-layer"})
    void everyLayerMatchesTheJavaReferenceAtEveryLevel(String name, int stride, MergeMode merge, String patch) throws Exception {
        // Without the level-0 bypass every layer's input and output are top-level tensors that can be exposed;
        // the HASTE branch is the same graph (the end-to-end test below checks the bypassed model).
        List<Integer> patches = patch.equals("per-layer") ? IntStream.range(0, 18).mapToObj(i -> new int[] {0, 2, 4}[i % 3]).toList()
                : List.of(Integer.parseInt(patch));
        TransformedModels m = TransformedModels.of(name, HasteOptions.defaults().withDenseBypass(false).withHashing(stride, merge).withPatches(patches));
        if (patch.equals("per-layer")) {
            assertEquals(patches, m.info().hasteLayers().stream().map(HasteLayer::patch).toList(), "each layer's own patch size");
        }
        HasteModelInfo info = m.info();
        List<NodeProto> convs = m.original().getGraph().getNodeList().stream()
                .filter(n -> info.hasteLayers().stream().anyMatch(l -> l.name().equals(n.getName()))).toList();
        List<String> exposed = convs.stream().flatMap(n -> Stream.of(n.getInput(0), n.getOutput(0))).toList();
        ModelProto model = OnnxModels.withExtraOutputs(m.haste().model(), exposed);
        try (OrtSession haste = OrtModels.session(ENV, model)) {
            for (FloatTensor image : SharedData.cifarInputs(SharedData.cifarCard(name), 2)) {
                for (int level = 0; level < info.schedule().levels(); level++) {
                    Map<String, Object> out = runRaw(haste, image, level);
                    long[] channels = (long[]) out.get(HasteModelInfo.CHANNELS_OUTPUT);
                    for (int i = 0; i < convs.size(); i++) {
                        NodeProto conv = convs.get(i);
                        FloatTensor x = (FloatTensor) out.get(conv.getInput(0));
                        FloatTensor y = (FloatTensor) out.get(conv.getOutput(0));
                        TensorProto r = OnnxModels.initializer(m.haste().model().getGraph(), "haste/" + i + "/hyperplanes");
                        var ref = ReferenceChain.reference(ConvSpec.of(m.original().getGraph(), conv), x, Tensors.toFloats(r), (int) r.getDims(1),
                                info.schedule().hyperplanes(level, i), info.hasteLayers().get(i), info.merge());
                        String where = name + " level " + level + " layer " + i + " " + conv.getName();
                        assertEquals(ref.reducedChannels(), channels[i], where + ": merged channel count");
                        double diff = new FloatTensor(ref.output(), y.shape()).relativeMaxDifference(y);
                        assertTrue(diff <= 1e-4, where + ": relative difference " + diff);
                    }
                }
            }
        }
    }

    static Stream<Arguments> endToEndCases() {
        return Stream.of("resnet20", "resnet56").flatMap(name -> IntStream.of(0, 1, 3, 5, 7).mapToObj(level -> Arguments.of(name, level)));
    }

    @ParameterizedTest
    @MethodSource("endToEndCases")
    void theWholeNetworkMatchesTheJavaReference(String name, int level) throws Exception {
        TransformedModels m = TransformedModels.of(name);
        try (ReferenceChain chain = new ReferenceChain(m.original(), m.haste().model(), m.info());
             OrtSession haste = OrtModels.session(ENV, m.haste().model())) {
            for (FloatTensor image : SharedData.cifarInputs(SharedData.cifarCard(name), 2)) {
                FloatTensor expected = chain.run(image, level);
                FloatTensor actual = (FloatTensor) runRaw(haste, image, level).get("logits");
                double diff = expected.relativeMaxDifference(actual);
                assertTrue(diff <= 1e-4, name + " level " + level + ": relative difference " + diff);
            }
        }
    }

    /** Runs a HASTE session; float outputs as FloatTensor, int64 outputs as long[]. */
    static Map<String, Object> runRaw(OrtSession session, FloatTensor image, long level) throws Exception {
        try (OnnxTensor x = image.toOnnx(ENV);
             OnnxTensor l = OnnxTensor.createTensor(ENV, LongBuffer.wrap(new long[] {level}), new long[0]);
             OrtSession.Result result = session.run(Map.of("input", x, HasteModelInfo.LEVEL_INPUT, l))) {
            Map<String, Object> out = new HashMap<>();
            result.forEach(e -> {
                OnnxTensor t = (OnnxTensor) e.getValue();
                try {
                    out.put(e.getKey(), t.getInfo().type == ai.onnxruntime.OnnxJavaType.INT64 ? t.getValue() : FloatTensor.of(t));
                } catch (ai.onnxruntime.OrtException ex) {
                    throw new IllegalStateException(ex);
                }
            });
            return out;
        }
    }

    private static FloatTensor runDense(OrtSession session, FloatTensor image) throws Exception {
        try (OnnxTensor x = image.toOnnx(ENV);
             OrtSession.Result result = session.run(Map.of("input", x))) {
            return FloatTensor.of((OnnxTensor) result.get("logits").orElseThrow());
        }
    }
}
