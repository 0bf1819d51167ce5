package io.hastegw.op.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import io.hastegw.op.SharedData;
import io.hastegw.op.accounting.LayerMacs;
import io.hastegw.op.card.ModelCard;
import io.hastegw.op.onnx.FloatTensor;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.transform.HasteKernel;
import io.hastegw.op.transform.HasteOptions;
import io.hastegw.op.transform.HasteTransformer;
import io.hastegw.op.transform.TinyModels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import onnx.Onnx.ModelProto;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Stream reuse on ResNet-20 with real CIFAR-10 frames, on both kernels: exactness at full L, the
 * refresh frame equal to the per-frame run, the refresh rules, and one camera's frames from
 * several threads.
 */
class HasteStreamTest {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    /** Level 1: 24 hyperplanes (every channel its own bucket on these frames); level 2: 8. */
    private static final int FULL = 1;
    private static final int COMPRESSED = 2;
    private static final ReusePolicy NEVER_BY_TIME = new ReusePolicy(1000, 2, Duration.ofDays(1));

    @TempDir
    static Path dir;
    private static Path model;
    private static ModelCard card;
    private static List<FloatTensor> frames;

    @BeforeAll
    static void transform() throws Exception {
        card = SharedData.cifarCard("resnet20");
        frames = SharedData.cifarInputs(card, 6);
        ModelProto original = OnnxModels.read(SharedData.cifarModel("resnet20"));
        model = dir.resolve("resnet20-haste.onnx");
        OnnxModels.write(new HasteTransformer(ENV).transform(original, new long[] {1, 3, 32, 32},
                HasteOptions.defaults().withLevels(List.of(24, 8))).model(), model);
    }

    private static HasteSession open(HasteKernel kernel) throws Exception {
        RuntimeOptions options = RuntimeOptions.of(1);
        return new HasteSession(ENV, model, card.output().name(), kernel == HasteKernel.NATIVE ? options : options.portable("test"));
    }

    /**
     * Full L on a model whose channels are all distinct on every frame (ResNet-20 has channels that
     * ReLU zeroes on every frame, which share a bucket at any L): reuse is exact whatever the frame.
     */
    @ParameterizedTest
    @EnumSource(HasteKernel.class)
    void atFullLEveryReusedFrameGivesThePerFrameResult(HasteKernel kernel) throws Exception {
        Path tiny = dir.resolve("tiny-" + kernel + ".onnx");
        OnnxModels.write(new HasteTransformer(ENV).transform(TinyModels.twoConvs(1), new long[] {1, 3, 8, 8},
                HasteOptions.defaults().withLevels(List.of(24))).model(), tiny);
        RuntimeOptions options = kernel == HasteKernel.NATIVE ? RuntimeOptions.of(1) : RuntimeOptions.of(1).portable("test");
        Random random = new Random(7);
        try (HasteSession session = new HasteSession(ENV, tiny, "output", options); HasteStream stream = new HasteStream()) {
            assertEquals(kernel, session.kernel());
            for (int i = 0; i < 6; i++) {
                float[] x = new float[3 * 64];
                for (int j = 0; j < x.length; j++) {
                    x[j] = (float) random.nextGaussian();
                }
                FloatTensor frame = new FloatTensor(x, new long[] {1, 3, 8, 8});
                HasteSession.Inference alone = session.run(frame, FULL);
                HasteSession.StreamInference s = session.run(frame, FULL, stream, NEVER_BY_TIME, i);
                assertArrayEquals(new long[] {4}, alone.reducedChannels(), "full L: every channel its own bucket on frame " + i);
                assertEquals(i > 0, s.reused(), "frame " + i);
                // Same sums in another order (the kept bucket order): equal to float rounding.
                assertTrue(s.inference().scores().relativeMaxDifference(alone.scores()) < 1e-5,
                        "frame " + i + ": " + s.inference().scores().relativeMaxDifference(alone.scores()));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(HasteKernel.class)
    void theRefreshFrameIsBitForBitThePerFrameRunAndAReusedFrameSkipsHashingAndFilterMerging(HasteKernel kernel) throws Exception {
        try (HasteSession session = open(kernel); HasteStream stream = new HasteStream()) {
            HasteSession.Inference alone = session.run(frames.get(0), COMPRESSED);
            HasteSession.StreamInference first = session.run(frames.get(0), COMPRESSED, stream, NEVER_BY_TIME, 0);
            assertEquals(Optional.of(RefreshCause.FIRST), first.refresh());
            assertArrayEquals(alone.scores().data(), first.inference().scores().data());
            assertArrayEquals(alone.reducedChannels(), first.inference().reducedChannels());
            assertEquals(alone.macs(), first.inference().macs());

            HasteSession.StreamInference again = session.run(frames.get(0), COMPRESSED, stream, NEVER_BY_TIME, 1);
            assertTrue(again.reused());
            assertTrue(again.inference().scores().maxDifference(alone.scores()) < 1e-4, "the same frame reused");
            long hashing = again.inference().macs().layers().stream().mapToLong(LayerMacs::hashing).sum();
            long filterMerge = again.inference().macs().layers().stream().mapToLong(LayerMacs::filterMerge).sum();
            assertEquals(0, hashing + filterMerge);
            assertTrue(again.inference().macs().executedTotal() < alone.macs().executedTotal());
            assertTrue(stream.bytes() > 0);
        }
    }

    @Test
    void eachRefreshRuleFiresWithItsCause() throws Exception {
        ReusePolicy policy = new ReusePolicy(3, 0.05, Duration.ofSeconds(1));
        long second = 1_000_000_000L;
        FloatTensor a = frames.get(0);
        FloatTensor other = frames.get(1);
        try (HasteSession session = open(HasteKernel.NATIVE); HasteSession another = open(HasteKernel.NATIVE);
             HasteStream stream = new HasteStream()) {
            List<String> seen = new ArrayList<>();
            long[] t = {0};
            java.util.function.BiConsumer<HasteSession, Object[]> step = (s, args) -> {
                try {
                    HasteSession.StreamInference r = s.run((FloatTensor) args[0], (Integer) args[1], stream, policy, t[0] += (Long) args[2]);
                    seen.add(r.refresh().map(RefreshCause::label).orElse(r.reused() ? "reuse" : "dense"));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            };
            step.accept(session, new Object[] {a, COMPRESSED, 0L});
            step.accept(session, new Object[] {brighter(a), COMPRESSED, 1L});   // brightness drift alone: reuse
            step.accept(session, new Object[] {a, COMPRESSED, 1L});
            step.accept(session, new Object[] {a, COMPRESSED, 1L});             // the fourth frame: 3 frames since the refresh
            step.accept(session, new Object[] {other, COMPRESSED, 1L});         // a scene cut
            step.accept(session, new Object[] {other, FULL, 1L});
            step.accept(session, new Object[] {other, FULL, 2 * second});       // quiet for 2 s
            step.accept(another, new Object[] {other, FULL, 1L});               // another model
            step.accept(another, new Object[] {other, 0, 1L});                  // level 0 runs dense and drops the state
            step.accept(another, new Object[] {other, FULL, 1L});
            assertEquals(List.of("first", "reuse", "reuse", "interval", "drift", "level", "quiet", "model", "dense", "level"), seen);
            assertFalse(new HasteStream().hasState());
        }
    }

    @Test
    void oneCamerasFramesFromManyThreadsGiveTheSerialResults() throws Exception {
        try (HasteSession session = open(HasteKernel.NATIVE); HasteStream stream = new HasteStream()) {
            FloatTensor frame = frames.get(2);
            HasteSession.StreamInference refresh = session.run(frame, COMPRESSED, stream, NEVER_BY_TIME, 0);
            float[] reused = session.run(frame, COMPRESSED, stream, NEVER_BY_TIME, 0).inference().scores().data();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<HasteSession.StreamInference>> runs = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    FloatTensor f = i % 10 == 9 ? frames.get(3) : frame;
                    runs.add(pool.submit(() -> session.run(f, COMPRESSED, stream, NEVER_BY_TIME, 0)));
                }
                for (Future<HasteSession.StreamInference> r : runs) {
                    HasteSession.StreamInference s = r.get();
                    assertTrue(s.reused());
                    if (Arrays.equals(s.inference().scores().data(), reused)) {
                        assertArrayEquals(refresh.inference().reducedChannels(), s.inference().reducedChannels());
                    }
                }
                // The same frame reuses the same state every time: bit-identical scores.
                assertArrayEquals(reused, pool.submit(() -> session.run(frame, COMPRESSED, stream, NEVER_BY_TIME, 0)).get().inference().scores().data());
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    void theSignatureIgnoresBrightnessAndSeesASceneCut() {
        FrameSignature a = FrameSignature.of(frames.get(0));
        assertTrue(a.distance(FrameSignature.of(brighter(frames.get(0)))) < 1e-6);
        assertTrue(a.distance(FrameSignature.of(frames.get(1))) > 0.2, "another CIFAR image: " + a.distance(FrameSignature.of(frames.get(1))));
        assertEquals(0, a.distance(a), 1e-6);
    }

    /** The frame 20 % brighter and lifted by 0.1: a global change that moves every cell alike. */
    private static FloatTensor brighter(FloatTensor f) {
        float[] d = f.data().clone();
        for (int i = 0; i < d.length; i++) {
            d[i] = d[i] * 1.2f + 0.1f;
        }
        return new FloatTensor(d, f.shape());
    }
}
