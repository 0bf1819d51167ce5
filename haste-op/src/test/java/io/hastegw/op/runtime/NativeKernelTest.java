package io.hastegw.op.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.hastegw.op.SharedData;
import io.hastegw.op.card.ModelCard;
import io.hastegw.op.onnx.FloatTensor;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.transform.HasteKernel;
import io.hastegw.op.transform.HasteModelInfo;
import io.hastegw.op.transform.HasteOptions;
import io.hastegw.op.transform.HasteTransformer;
import io.hastegw.op.transform.TransformResult;
import java.io.IOException;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import onnx.Onnx.ModelProto;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The native kernel library loads, refuses what it must, and computes what the portable graph computes. */
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
                    assertArrayEquals(a.scores, b.scores, (float) TOLERANCE, "level " + level);
                }
            }
        }
    }

    @Test
    void thisMachinesOnnxRuntimeHasNchwcBlocks() {
        assertTrue(NchwcLayout.blockSize(ENV) == 8 || NchwcLayout.blockSize(ENV) == 16, "x86-64 with AVX2 or AVX-512");
    }

    @Test
    void eachLevelsOwnModelMatchesTheMultiLevelModelOnEveryKernelAndLayout() throws Exception {
        HasteModelInfo info = portable.info();
        ModelProto original = HasteTransformer.original(portable.model());
        int block = NchwcLayout.blockSize(ENV);
        record Variant(HasteKernel kernel, int block, int threads) {}
        List<Variant> variants = List.of(new Variant(HasteKernel.PORTABLE, 0, 1), new Variant(HasteKernel.NATIVE, 0, 1),
                new Variant(HasteKernel.NATIVE, block, 1), new Variant(HasteKernel.NATIVE, block, 2), new Variant(HasteKernel.NATIVE, 0, 2));
        try (OrtSession.SessionOptions so = sessionOptions();
             OrtSession multi = ENV.createSession(portable.model().toByteArray(), so)) {
            for (int level = 0; level < info.schedule().levels(); level++) {
                for (Variant v : variants) {
                    ModelProto single = HasteTransformer.forLevel(original, info, info.schedule().hyperplanes()[level], v.kernel(), v.block(), v.threads());
                    try (OrtSession s = ENV.createSession(single.toByteArray(), so)) {
                        for (FloatTensor x : inputs) {
                            Run want = run(multi, x, level);
                            Run got = run(s, x, -1);
                            assertArrayEquals(want.channels, got.channels, v + " level " + level);
                            assertArrayEquals(want.scores, got.scores, (float) TOLERANCE, v + " level " + level);
                        }
                    }
                }
            }
        }
    }

    @Test
    void aBadLevelInputIsAnErrorOfTheOperatorNotACrash() throws Exception {
        HasteModelInfo info = nativeModel.info();
        int[] planes = info.schedule().hyperplanes()[1].clone();
        planes[0] = 17;
        ModelProto tooMany = HasteTransformer.forLevel(HasteTransformer.original(nativeModel.model()),
                new HasteModelInfo(info.format(), info.seed(), info.sparsity(), info.inputName(), info.inputShape(),
                        new io.hastegw.op.transform.LevelSchedule(new int[][] {new int[planes.length], planes}),
                        info.computeLayers(), info.hasteLayers(), info.kernel()), planes, HasteKernel.NATIVE);
        // The stored hyperplanes are drawn for lmax = 17 here, so the operator accepts L = 17; a
        // model asking for more L than it stores is refused when the level model is built.
        try (OrtSession.SessionOptions so = sessionOptions(); OrtSession s = ENV.createSession(tooMany.toByteArray(), so)) {
            assertEquals(info.hasteLayers().size(), run(s, inputs.get(0), -1).channels.length);
        }
    }

    private static OrtSession.SessionOptions sessionOptions() throws Exception {
        OrtSession.SessionOptions so = io.hastegw.op.onnx.OrtModels.options(1);
        kernel.register(so);
        return so;
    }

    private record Run(float[] scores, long[] channels) {}

    /** Runs one image; level -1: a single-level model without the level input. */
    private static Run run(OrtSession s, FloatTensor x, int level) throws Exception {
        try (OnnxTensor in = x.toOnnx(ENV);
             OnnxTensor l = OnnxTensor.createTensor(ENV, LongBuffer.wrap(new long[] {level}), new long[0])) {
            Map<String, OnnxTensor> feeds = level < 0 ? Map.of(card.input().name(), in)
                    : Map.of(card.input().name(), in, HasteModelInfo.LEVEL_INPUT, l);
            try (OrtSession.Result r = s.run(feeds)) {
                float[] scores = FloatTensor.of((OnnxTensor) r.get(card.output().name()).orElseThrow()).data();
                long[] channels = (long[]) r.get(HasteModelInfo.CHANNELS_OUTPUT).orElseThrow().getValue();
                return new Run(scores, channels);
            }
        }
    }
}
