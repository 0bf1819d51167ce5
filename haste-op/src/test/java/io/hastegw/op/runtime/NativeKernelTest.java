package io.hastegw.op.runtime;

import io.hastegw.op.transform.DenseBypass;
import io.hastegw.op.transform.LevelModel;
import io.hastegw.op.transform.StreamStep;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.hastegw.op.SharedData;
import io.hastegw.op.card.ModelCard;
import io.hastegw.op.onnx.FloatTensor;
import io.hastegw.op.onnx.Nodes;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.onnx.OrtModels;
import io.hastegw.op.onnx.Tensors;
import io.hastegw.op.transform.HasteKernel;
import io.hastegw.op.transform.HasteModelInfo;
import io.hastegw.op.transform.HasteOptions;
import io.hastegw.op.transform.HasteTransformer;
import io.hastegw.op.transform.MergeMode;
import io.hastegw.op.transform.TinyModels;
import io.hastegw.op.transform.TransformResult;
import java.io.IOException;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.TensorProto;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The native kernel library loads, refuses what it must, and computes what the portable graph computes. */
@Tag("slow")
class NativeKernelTest {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    private static final double TOLERANCE = 1e-5;
    private static final int IMAGES = 6;

    private static ModelCard card;
    private static List<FloatTensor> inputs;
    private static TransformResult portable;
    private static TransformResult nativeModel;
    private static NativeKernel kernel;

    @BeforeAll
    static void transformBothWays() throws Exception {
        card = SharedData.cifarCard("resnet20");
        inputs = SharedData.cifarInputs(card, IMAGES);
        ModelProto original = OnnxModels.read(SharedData.cifarModel("resnet20"));
        HasteTransformer t = new HasteTransformer(ENV);
        portable = t.transform(original, new long[] {1, 3, 32, 32}, HasteOptions.defaults());
        nativeModel = t.transform(original, new long[] {1, 3, 32, 32}, HasteOptions.defaults().withKernel(HasteKernel.NATIVE));
        kernel = NativeKernel.load().kernel().orElseThrow();
    }

    @Test
    void theBundledLibraryLoadsOnThisMachine() {
        NativeKernel.Availability a = NativeKernel.load();
        assertEquals("native", a.describe());
        assertTrue(Files.isRegularFile(a.kernel().orElseThrow().library()));
    }

    @Test
    void aFileThatIsNoLibraryIsReportedUnavailableWithTheLoaderError(@TempDir Path dir) throws IOException {
        Path bogus = Files.writeString(dir.resolve("libhaste_ort.so"), "not an ELF file");
        System.setProperty(NativeKernel.LIBRARY_PROPERTY, bogus.toString());
        try {
            NativeKernel.Availability a = NativeKernel.load();
            assertTrue(a.kernel().isEmpty());
            assertTrue(a.reason().contains(bogus.toString()), a.reason());
            assertTrue(a.describe().startsWith("portable (native kernel unavailable: "), a.describe());
        } finally {
            System.clearProperty(NativeKernel.LIBRARY_PROPERTY);
        }
    }

    @Test
    void theNativeModelDeclaresTheKernelInItsMetadataAndOpsets() {
        assertEquals(HasteKernel.NATIVE, nativeModel.info().kernel());
        assertTrue(nativeModel.model().getOpsetImportList().stream().anyMatch(o -> o.getDomain().equals(NativeKernel.DOMAIN)));
        assertEquals(HasteKernel.PORTABLE, portable.info().kernel());
    }

    @Test
    void nativeAndPortableModelsGiveTheSameScoresAndChannelsAtEveryLevel() throws Exception {
        try (OrtSession.SessionOptions so = sessionOptions();
             OrtSession p = ENV.createSession(portable.model().toByteArray(), so);
             OrtSession n = ENV.createSession(nativeModel.model().toByteArray(), so)) {
            for (int level = 0; level < portable.info().schedule().levels(); level++) {
                for (FloatTensor x : inputs) {
                    Run a = run(p, x, level);
                    Run b = run(n, x, level);
                    assertArrayEquals(a.channels, b.channels, "level " + level);
                    assertClose(a.scores, b.scores, "level " + level);
                }
            }
        }
    }

    /** The kernels agree for every hash stride, merge and patch size, on every layout (the @BeforeAll models cover the defaults). */
    @ParameterizedTest(name = "stride {0}, {1}, patch {2}")
    @CsvSource({"1, MEAN, 0", "2, SCALE, 0", "3, MEAN, 0", "1, SCALE, 0", "0, SCALE, 16", "1, MEAN, 8"})
    void bothKernelsAgreeForEveryHashStrideMergeAndPatch(int stride, MergeMode merge, int patch) throws Exception {
        ModelProto original = OnnxModels.read(SharedData.cifarModel("resnet20"));
        TransformResult p = new HasteTransformer(ENV).transform(original, new long[] {1, 3, 32, 32},
                HasteOptions.defaults().withHashing(stride, merge).withPatch(patch));
        HasteModelInfo info = p.info();
        try (OrtSession.SessionOptions so = sessionOptions();
             OrtSession multi = ENV.createSession(p.model().toByteArray(), so)) {
            for (int level : new int[] {1, 4, 8}) {
                for (int block : new int[] {0, NchwcLayout.blockSize(ENV)}) {
                    ModelProto single = LevelModel.of(original, info, info.schedule().hyperplanes()[level], new LevelModel.Options(HasteKernel.NATIVE, block, 1, StreamStep.FRAME));
                    try (OrtSession s = ENV.createSession(single.toByteArray(), so)) {
                        for (FloatTensor x : inputs.subList(0, 3)) {
                            Run want = run(multi, x, level);
                            Run got = run(s, x, -1);
                            assertArrayEquals(want.channels, got.channels, "level " + level + " block " + block);
                            assertClose(want.scores, got.scores, "level " + level + " block " + block);
                        }
                    }
                }
            }
        }
    }

    /**
     * Patch-wise with all 24 hyperplanes on unrelated channels (the tiny model's 4 channels from a
     * Gaussian image): nothing merges, so the tiles, convolved from their halo-overlapping windows,
     * must give the dense output on both kernels; each tile keeps its 4 channels.
     */
    @ParameterizedTest(name = "{0}, patch {1}")
    @CsvSource({"PORTABLE, 4", "NATIVE, 4", "NATIVE, 2"})
    void patchTilingIsExactAtFullLOnBothKernels(HasteKernel k, int patch) throws Exception {
        ModelProto tiny = TinyModels.twoConvs(1);
        TransformResult t = new HasteTransformer(ENV).transform(tiny, new long[] {1, 3, 8, 8},
                HasteOptions.defaults().withLevels(List.of(24)).withPatch(patch));
        ModelProto patched = LevelModel.of(tiny, t.info(), new int[] {24}, new LevelModel.Options(k, NchwcLayout.blockSize(ENV), 1, StreamStep.FRAME));
        java.util.Random random = new java.util.Random(5);
        float[] image = new float[3 * 64];
        for (int i = 0; i < image.length; i++) {
            image[i] = (float) random.nextGaussian();
        }
        FloatTensor x = new FloatTensor(image, new long[] {1, 3, 8, 8});
        try (OrtSession.SessionOptions so = sessionOptions();
             OrtSession dense = ENV.createSession(tiny.toByteArray(), so);
             OrtSession haste = ENV.createSession(patched.toByteArray(), so)) {
            Run want = run(dense, x, -1, "output");
            Run got = run(haste, x, -1, "output");
            assertClose(want.scores, got.scores, "patch " + patch);
            assertArrayEquals(new long[] {4L * (8 / patch) * (8 / patch)}, got.channels, "every tile keeps its 4 channels");
        }
    }

    /** Channels that are multiples of one map: the scale-aware merge is exact on both kernels, the mean merge is not. */
    @ParameterizedTest(name = "{0}, block {1}")
    @CsvSource({"PORTABLE, 0", "NATIVE, 0", "NATIVE, -1"})
    void theScaleAwareMergeIsExactOnMultiplesOnBothKernels(HasteKernel k, int blockOrMachine) throws Exception {
        ModelProto tiny = TinyModels.multiplesOfOneMap(new float[] {0.25f, 0.5f, 1f, 1.25f, 2f, 3f, 4f, 6f});
        int block = blockOrMachine < 0 ? NchwcLayout.blockSize(ENV) : blockOrMachine;
        HasteTransformer t = new HasteTransformer(ENV);
        java.util.Random random = new java.util.Random(4);
        float[] image = new float[3 * 64];
        for (int i = 0; i < image.length; i++) {
            image[i] = (float) random.nextGaussian();
        }
        FloatTensor x = new FloatTensor(image, new long[] {1, 3, 8, 8});
        float[] dense;
        try (OrtSession.SessionOptions so = sessionOptions(); OrtSession d = ENV.createSession(tiny.toByteArray(), so)) {
            dense = run(d, x, -1, "output").scores;
        }
        double[] worst = new double[2];
        for (MergeMode merge : MergeMode.values()) {
            TransformResult r = t.transform(tiny, new long[] {1, 3, 8, 8}, HasteOptions.defaults().withLevels(java.util.List.of(16)).withHashing(1, merge));
            ModelProto single = LevelModel.of(tiny, r.info(), new int[] {16}, new LevelModel.Options(k, block, 1, StreamStep.FRAME));
            try (OrtSession.SessionOptions so = sessionOptions(); OrtSession s = ENV.createSession(single.toByteArray(), so)) {
                Run got = run(s, x, -1, "output");
                assertEquals(2, got.channels[0], merge + ": channels above and below the mean multiple");
                for (int i = 0; i < dense.length; i++) {
                    worst[merge.ordinal()] = Math.max(worst[merge.ordinal()], Math.abs(dense[i] - got.scores[i]) / Math.max(1, Math.abs(dense[i])));
                }
            }
        }
        assertTrue(worst[MergeMode.SCALE.ordinal()] < 1e-5, "scale-aware: " + worst[MergeMode.SCALE.ordinal()]);
        assertTrue(worst[MergeMode.MEAN.ordinal()] > 1e-2, "mean: " + worst[MergeMode.MEAN.ordinal()]);
    }

    @Test
    void thisMachinesOnnxRuntimeHasNchwcBlocks() {
        assertTrue(NchwcLayout.blockSize(ENV) == 8 || NchwcLayout.blockSize(ENV) == 16, "x86-64 with AVX2 or AVX-512");
    }

    @Test
    void eachLevelsOwnModelMatchesTheMultiLevelModelOnEveryKernelAndLayout() throws Exception {
        HasteModelInfo info = portable.info();
        ModelProto original = DenseBypass.original(portable.model());
        int block = NchwcLayout.blockSize(ENV);
        record Variant(HasteKernel kernel, int block, int threads) {}
        List<Variant> variants = List.of(new Variant(HasteKernel.PORTABLE, 0, 1), new Variant(HasteKernel.NATIVE, 0, 1),
                new Variant(HasteKernel.NATIVE, block, 1), new Variant(HasteKernel.NATIVE, block, 2), new Variant(HasteKernel.NATIVE, 0, 2));
        try (OrtSession.SessionOptions so = sessionOptions();
             OrtSession multi = ENV.createSession(portable.model().toByteArray(), so)) {
            for (int level = 0; level < info.schedule().levels(); level++) {
                for (Variant v : variants) {
                    ModelProto single = LevelModel.of(original, info, info.schedule().hyperplanes()[level], new LevelModel.Options(v.kernel(), v.block(), v.threads(), StreamStep.FRAME));
                    try (OrtSession s = ENV.createSession(single.toByteArray(), so)) {
                        for (FloatTensor x : inputs) {
                            Run want = run(multi, x, level);
                            Run got = run(s, x, -1);
                            assertArrayEquals(want.channels, got.channels, v + " level " + level);
                            assertClose(want.scores, got.scores, v + " level " + level);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "L = {0}")
    @ValueSource(longs = {0, 17, 40})
    void anOutOfRangeLIsAnErrorOfTheOperatorNotACrash(long l) throws Exception {
        // One HasteMerge node on a 2-channel 2x2 input with 16 stored hyperplanes; L is a graph input.
        GraphProto g = GraphProto.newBuilder().setName("merge")
                .addInput(Tensors.valueInfo("x", TensorProto.DataType.FLOAT_VALUE, 1, 2, 2, 2))
                .addInput(Tensors.valueInfo("l", TensorProto.DataType.INT64_VALUE))
                .addInitializer(Tensors.floats("w", new float[] {1, 2}, 1, 2, 1, 1))
                .addInitializer(Tensors.floats("r", new float[4 * 16], 4, 16))
                .addNode(Nodes.node(NativeKernel.OP_TYPE, "merge", List.of("x", "w", "r", "l"), List.of("xm", "wm", "channels"))
                        .setDomain(NativeKernel.DOMAIN))
                .addOutput(Tensors.floatValueInfo("xm")).addOutput(Tensors.floatValueInfo("wm"))
                .addOutput(Tensors.valueInfo("channels", TensorProto.DataType.INT64_VALUE, 1)).build();
        ModelProto model = ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(NativeKernel.DOMAIN).setVersion(1)).build();
        try (OrtSession.SessionOptions so = sessionOptions();
             OrtSession s = ENV.createSession(model.toByteArray(), so);
             OnnxTensor x = new FloatTensor(new float[8], new long[] {1, 2, 2, 2}).toOnnx(ENV);
             OnnxTensor lt = OnnxTensor.createTensor(ENV, LongBuffer.wrap(new long[] {l}), new long[0])) {
            OrtException e = assertThrows(OrtException.class, () -> s.run(Map.of("x", x, "l", lt)).close());
            assertTrue(e.getMessage().contains("HasteMerge: L = " + l + " is outside 1..16"), e.getMessage());
            try (OnnxTensor ok = OnnxTensor.createTensor(ENV, LongBuffer.wrap(new long[] {16}), new long[0]);
                 OrtSession.Result r = s.run(Map.of("x", x, "l", ok))) {
                assertArrayEquals(new long[] {1}, (long[]) r.get("channels").orElseThrow().getValue(),
                        "the session still runs: identical (zero) channels merge into one");
            }
        }
    }

    private static OrtSession.SessionOptions sessionOptions() throws Exception {
        OrtSession.SessionOptions so = OrtModels.options(1);
        kernel.register(so);
        return so;
    }

    private record Run(float[] scores, long[] channels) {}

    /**
     * Scores equal up to float rounding: within {@value #TOLERANCE} of the largest score's magnitude
     * (the kernels sum and scale in different orders).
     */
    private static void assertClose(float[] want, float[] got, String where) {
        assertEquals(want.length, got.length, where);
        double scale = 1;
        for (float w : want) {
            scale = Math.max(scale, Math.abs(w));
        }
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], TOLERANCE * scale, where + ", score " + i);
        }
    }

    /** Runs one image; level -1: a single-level model without the level input. */
    private static Run run(OrtSession s, FloatTensor x, int level) throws Exception {
        return run(s, x, level, card.output().name());
    }

    /** Runs {@code s} on {@code x} at {@code level} (negative: a model without the level input), scores from {@code output}. */
    private static Run run(OrtSession s, FloatTensor x, int level, String output) throws Exception {
        try (OnnxTensor in = x.toOnnx(ENV);
             OnnxTensor l = OnnxTensor.createTensor(ENV, LongBuffer.wrap(new long[] {level}), new long[0])) {
            Map<String, OnnxTensor> feeds = level < 0 ? Map.of(card.input().name(), in)
                    : Map.of(card.input().name(), in, HasteModelInfo.LEVEL_INPUT, l);
            try (OrtSession.Result r = s.run(feeds)) {
                float[] scores = FloatTensor.of((OnnxTensor) r.get(output).orElseThrow()).data();
                long[] channels = r.get(HasteModelInfo.CHANNELS_OUTPUT).map(v -> {
                    try {
                        return (long[]) v.getValue();
                    } catch (OrtException e) {
                        throw new IllegalStateException(e);
                    }
                }).orElse(new long[0]);
                return new Run(scores, channels);
            }
        }
    }
}
