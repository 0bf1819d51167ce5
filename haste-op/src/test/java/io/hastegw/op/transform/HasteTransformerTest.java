package io.hastegw.op.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.hastegw.op.SharedData;
import io.hastegw.op.onnx.FloatTensor;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.onnx.OrtModels;
import io.hastegw.op.runtime.HasteSession;
import io.hastegw.op.runtime.RuntimeOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Structure of the transformed model, options, and the errors a user can run into. */
class HasteTransformerTest {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    private static final long[] CIFAR = {1, 3, 32, 32};
    private static TransformedModels resnet20;

    @TempDir
    Path tmp;

    @BeforeAll
    static void transform() throws Exception {
        resnet20 = TransformedModels.of("resnet20");
    }

    private static TransformResult transform(ModelProto model, long[] shape, HasteOptions options) throws OrtException {
        return new HasteTransformer(ENV).transform(model, shape, options);
    }

    @Test
    void theSameSeedGivesTheSameModelBytes() throws Exception {
        ModelProto again = transform(resnet20.original(), CIFAR, HasteOptions.defaults()).model();
        assertArrayEquals(resnet20.haste().model().toByteArray(), again.toByteArray());
    }

    @Test
    void anotherSeedDrawsOtherHyperplanes() throws Exception {
        ModelProto other = transform(resnet20.original(), CIFAR, HasteOptions.defaults().withSeed(1)).model();
        assertFalse(OnnxModels.initializer(other.getGraph(), "haste/0/hyperplanes")
                .equals(OnnxModels.initializer(resnet20.haste().model().getGraph(), "haste/0/hyperplanes")));
    }

    @Test
    void everyConvButTheFirstIsReplacedAndTheRestPassesThrough() {
        HasteModelInfo info = resnet20.info();
        assertEquals(18, info.hasteLayers().size());
        assertEquals("/conv1/Conv: dense (first convolution, skipped by default)", resnet20.haste().decisions().get(0));
        GraphProto haste = branch(resnet20.haste().model(), "else_branch");
        assertEquals(1, haste.getNodeList().stream().filter(n -> n.getName().equals("/conv1/Conv")).count());
        for (String op : List.of("Add", "Relu", "Pad", "Slice", "GlobalAveragePool", "Gemm")) {
            assertEquals(count(resnet20.original().getGraph(), op), haste.getNodeList().stream()
                    .filter(n -> n.getOpType().equals(op) && !n.getName().startsWith("haste/")).count(), op);
        }
        assertEquals(1, count(haste, "Conv"), "the first conv stays as it is");
        assertEquals(18, count(haste, "If"), "one If (dense or HASTE) per replaced conv");
    }

    @Test
    void levelZeroBypassesToTheOriginalGraphWithItsOwnWeights() {
        ModelProto model = resnet20.haste().model();
        assertEquals(List.of("Less", "Where", "Equal", "If"), model.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList());
        GraphProto dense = branch(model, "then_branch");
        assertEquals(resnet20.original().getGraph().getNodeCount() + 1, dense.getNodeCount(), "the original nodes and the channel counts");
        assertEquals(resnet20.original().getGraph().getInitializerCount(), dense.getInitializerCount());
        assertEquals(count(resnet20.original().getGraph(), "Conv"), count(dense, "Conv"));
    }

    @Test
    void theScheduleIsWrittenIntoTheModelMetadata() {
        HasteModelInfo stored = HasteModelInfo.of(resnet20.haste().model()).orElseThrow();
        assertEquals(LevelSchedule.DEFAULT_LEVELS.size() + 1, stored.schedule().levels());
        for (int level = 1; level < stored.schedule().levels(); level++) {
            for (int layer = 0; layer < 18; layer++) {
                assertEquals(LevelSchedule.DEFAULT_LEVELS.get(level - 1), stored.schedule().hyperplanes(level, layer));
            }
        }
        assertEquals(HasteOptions.DEFAULT_SEED, stored.seed());
    }

    @Test
    void anExplicitPerLayerScheduleIsHonoured() throws Exception {
        int[][] rows = new int[3][18];
        for (int layer = 0; layer < 18; layer++) {
            rows[1][layer] = 8 + layer % 4;
            rows[2][layer] = layer < 6 ? 0 : 6;
        }
        HasteOptions options = new HasteOptions(3, 0.5, true, Set.of(), Set.of(), List.of(), Optional.of(new LevelSchedule(rows)), true, HasteKernel.PORTABLE, 0, MergeMode.MEAN, List.of());
        TransformResult result = transform(resnet20.original(), CIFAR, options);
        assertArrayEquals(rows[2], result.info().schedule().hyperplanes()[2]);
        Path file = tmp.resolve("scheduled.onnx");
        OnnxModels.write(result.model(), file);
        try (HasteSession session = new HasteSession(ENV, file, "logits", RuntimeOptions.of(1))) {
            FloatTensor image = SharedData.cifarInputs(SharedData.cifarCard("resnet20"), 1).get(0);
            long[] channels = session.run(image, 2).reducedChannels();
            for (int layer = 0; layer < 6; layer++) {
                assertEquals(16, channels[layer], "layers with L = 0 run dense");
            }
        }
    }

    @Test
    void aScheduleOfTheWrongWidthIsRejected() {
        HasteOptions options = new HasteOptions(3, 0.5, true, Set.of(), Set.of(), List.of(), Optional.of(new LevelSchedule(new int[2][5])), true, HasteKernel.PORTABLE, 0, MergeMode.MEAN, List.of());
        var e = assertThrows(IllegalArgumentException.class, () -> transform(resnet20.original(), CIFAR, options));
        assertEquals("schedule has 5 columns but the model has 18 eligible convolutions", e.getMessage());
    }

    @Test
    void patchSizesMustBeOneForAllOrOnePerLayer() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> transform(resnet20.original(), CIFAR, HasteOptions.defaults().withPatches(List.of(2, 4))));
        assertEquals("2 patch sizes for 18 HASTE layers: give one for all, or one per layer", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> HasteOptions.defaults().withPatches(List.of(2, -1)));
        assertEquals("patch size -1 is negative; 0 means whole maps", e.getMessage());
    }

    @Test
    void levelZeroMustBeDense() {
        var e = assertThrows(IllegalArgumentException.class, () -> new LevelSchedule(new int[][] {{0, 4}, {8, 8}}));
        assertEquals("schedule: level 0 must be dense (all 0), found 4", e.getMessage());
    }

    @Test
    void excludedConvsKeepTheirOriginalNode() throws Exception {
        String name = "/layer2/layer2.0/conv1/Conv";
        HasteOptions options = new HasteOptions(1, 2.0 / 3, true, Set.of(), Set.of(name), List.of(12), Optional.empty(), true, HasteKernel.PORTABLE, 0, MergeMode.MEAN, List.of());
        TransformResult result = transform(resnet20.original(), CIFAR, options);
        assertTrue(result.decisions().contains(name + ": dense (excluded by name)"));
        assertEquals(17, result.info().hasteLayers().size());
        assertTrue(branch(result.model(), "else_branch").getNodeList().stream().anyMatch(n -> n.getName().equals(name)));
    }

    @Test
    void includingTheFirstConvReplacesIt() throws Exception {
        HasteOptions options = new HasteOptions(1, 2.0 / 3, true, Set.of("/conv1/Conv"), Set.of(), List.of(12), Optional.empty(), true, HasteKernel.PORTABLE, 0, MergeMode.MEAN, List.of());
        TransformResult result = transform(resnet20.original(), CIFAR, options);
        assertEquals(List.of("/conv1/Conv"), result.info().hasteLayers().stream().map(HasteLayer::name).toList());
    }

    @Test
    void anUnknownNodeNameIsAnError() {
        HasteOptions options = new HasteOptions(1, 2.0 / 3, true, Set.of(), Set.of("/no/such/Conv"), List.of(12), Optional.empty(), true, HasteKernel.PORTABLE, 0, MergeMode.MEAN, List.of());
        var e = assertThrows(IllegalArgumentException.class, () -> transform(resnet20.original(), CIFAR, options));
        assertEquals("--exclude names '/no/such/Conv', which is no Conv node of the model", e.getMessage());
    }

    @Test
    void aModelWithoutEligibleConvIsReturnedUnchangedWithAWarning() throws Exception {
        ModelProto tiny = TinyModels.twoConvs(4);
        TransformResult result = transform(tiny, new long[] {1, 3, 8, 8}, HasteOptions.defaults());
        assertSame(tiny, result.model());
        assertNull(result.info());
        assertEquals(List.of("conv0: dense (first convolution, skipped by default)", "conv1: dense (grouped convolution, group=4)"),
                result.decisions());
        assertEquals(List.of("no eligible Conv in the model: it is returned unchanged"), result.warnings());
    }

    @Test
    void aTinyModelWithAnEligibleConvIsTransformed() throws Exception {
        TransformResult result = transform(TinyModels.twoConvs(1), new long[] {1, 3, 8, 8}, HasteOptions.defaults());
        assertEquals(List.of("conv1"), result.info().hasteLayers().stream().map(HasteLayer::name).toList());
    }

    @Test
    void aBatchOfTwoIsRejectedWithAClearError() throws Exception {
        try (OrtSession session = OrtModels.session(ENV, resnet20.haste().model())) {
            FloatTensor two = new FloatTensor(new float[2 * 3 * 32 * 32], new long[] {2, 3, 32, 32});
            OrtException e = assertThrows(OrtException.class, () -> HasteGraphTest.runRaw(session, two, 1));
            assertTrue(e.getMessage().contains("Got invalid dimensions for input: input"), e.getMessage());
            assertTrue(e.getMessage().contains("index: 0 Got: 2 Expected: 1"), e.getMessage());
        }
    }

    @Test
    void anotherImageSizeIsRejectedWithAClearError() throws Exception {
        try (OrtSession session = OrtModels.session(ENV, resnet20.haste().model())) {
            FloatTensor big = new FloatTensor(new float[3 * 64 * 64], new long[] {1, 3, 64, 64});
            OrtException e = assertThrows(OrtException.class, () -> HasteGraphTest.runRaw(session, big, 1));
            assertTrue(e.getMessage().contains("index: 2 Got: 64 Expected: 32"), e.getMessage());
        }
    }

    @Test
    void aLevelOutsideTheScheduleIsRejected() throws Exception {
        Path file = tmp.resolve("r20.onnx");
        OnnxModels.write(resnet20.haste().model(), file);
        FloatTensor image = SharedData.cifarInputs(SharedData.cifarCard("resnet20"), 1).get(0);
        try (HasteSession session = new HasteSession(ENV, file, "logits", RuntimeOptions.of(1))) {
            var e = assertThrows(IllegalArgumentException.class, () -> session.run(image, 9));
            assertEquals("compression level 9 is out of range; allowed: 0 (dense) to 8", e.getMessage());
        }
    }

    @Test
    void theGraphItselfRejectsNegativeLevels() throws Exception {
        try (OrtSession session = OrtModels.session(ENV, resnet20.haste().model())) {
            FloatTensor image = SharedData.cifarInputs(SharedData.cifarCard("resnet20"), 1).get(0);
            OrtException e = assertThrows(OrtException.class, () -> HasteGraphTest.runRaw(session, image, -1));
            assertTrue(e.getMessage().contains("out of"), e.getMessage());
        }
    }

    @Test
    void theOriginalModelComesBackOutOfTheHasteModelAndComputesTheSameScores() throws Exception {
        ModelProto back = DenseBypass.original(resnet20.haste().model());
        assertEquals(resnet20.original().getGraph().getNodeCount(), back.getGraph().getNodeCount());
        assertTrue(HasteModelInfo.of(back).isEmpty());
        assertEquals(List.of("input"), OrtModels.realInputs(back));
        FloatTensor image = SharedData.cifarInputs(SharedData.cifarCard("resnet20"), 1).get(0);
        try (var x = image.toOnnx(ENV)) {
            float[] want = OrtModels.run(ENV, resnet20.original(), java.util.Map.of("input", x), List.of("logits")).get("logits").data();
            float[] got = OrtModels.run(ENV, back, java.util.Map.of("input", x), List.of("logits")).get("logits").data();
            assertArrayEquals(want, got);
        }
    }

    @Test
    void aModelWithoutTheDenseBypassCannotGiveItsOriginalBack() throws Exception {
        ModelProto noBypass = transform(resnet20.original(), CIFAR, HasteOptions.defaults().withDenseBypass(false)).model();
        var e = assertThrows(IllegalArgumentException.class, () -> DenseBypass.original(noBypass));
        assertEquals("the HASTE model has no dense bypass (the original graph); transform it again with the default options", e.getMessage());
    }

    @Test
    void aLayersSubgraphComputesWhatTheLayerComputesInsideTheModel() throws Exception {
        ModelProto original = resnet20.original();
        NodeProto conv = original.getGraph().getNodeList().stream().filter(n -> n.getName().equals("/layer2/layer2.1/conv1/Conv"))
                .findFirst().orElseThrow();
        FloatTensor image = SharedData.cifarInputs(SharedData.cifarCard("resnet20"), 1).get(0);
        java.util.Map<String, FloatTensor> inside;
        try (var x = image.toOnnx(ENV)) {
            inside = OrtModels.run(ENV, original, java.util.Map.of("input", x), List.of(conv.getInput(0), conv.getOutput(0)));
        }
        ModelProto layer = OnnxModels.subgraph(original, conv.getInput(0), new long[] {1, 32, 16, 16}, conv.getOutput(0));
        assertEquals(List.of("Conv"), layer.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList());
        assertEquals(2, layer.getGraph().getInitializerCount(), "weights and bias, nothing else");
        try (var x = inside.get(conv.getInput(0)).toOnnx(ENV)) {
            float[] got = OrtModels.run(ENV, layer, java.util.Map.of(conv.getInput(0), x), List.of(conv.getOutput(0))).get(conv.getOutput(0)).data();
            assertArrayEquals(inside.get(conv.getOutput(0)).data(), got, 1e-5f);
        }
    }

    @Test
    void aPlainModelIsNotAHasteSession() {
        Path file = SharedData.cifarModel("resnet20");
        var e = assertThrows(io.hastegw.op.onnx.OnnxModelException.class, () -> new HasteSession(ENV, file, "logits", RuntimeOptions.of(1)));
        assertEquals(file + ": not a HASTE model (no 'haste' metadata); create one with haste-op transform", e.getMessage());
    }

    private static long count(GraphProto graph, String op) {
        return graph.getNodeList().stream().filter(n -> n.getOpType().equals(op)).count();
    }

    /** A branch of the top-level level-0 bypass If. */
    private static GraphProto branch(ModelProto model, String name) {
        NodeProto bypass = model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("If")).findFirst().orElseThrow();
        return bypass.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst().orElseThrow().getG();
    }
}
