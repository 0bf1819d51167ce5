package io.hastegw.op.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.hastegw.op.onnx.FloatTensor;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.runtime.HasteSession;
import io.hastegw.op.runtime.RuntimeOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import onnx.Onnx.ModelProto;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * HASTE on a YOLO-shaped graph (Conv + SiLU, Split, Concat, Resize; {@link TinyModels#yoloShaped}):
 * every convolution but the first becomes a HASTE layer, the operators around them pass through,
 * and at full L (24 hyperplanes: every channel its own bucket) both kernels give the dense
 * model's output.
 */
class YoloShapedTransformTest {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    private static final long[] SHAPE = {1, 3, 32, 32};

    @TempDir
    static Path dir;
    private static ModelProto original;
    private static Path model;
    private static TransformResult result;

    @BeforeAll
    static void transform() throws Exception {
        original = TinyModels.yoloShaped();
        result = new HasteTransformer(ENV).transform(original, SHAPE, HasteOptions.defaults().withLevels(List.of(24, 8)));
        model = dir.resolve("yolo-shaped-haste.onnx");
        OnnxModels.write(result.model(), model);
    }

    @Test
    void everyConvolutionButTheFirstIsReplaced() {
        assertEquals(List.of("c2f.cv1", "c2f.m", "c2f.cv2", "down", "fuse", "head"),
                result.info().hasteLayers().stream().map(HasteLayer::name).toList());
    }

    private static FloatTensor frame(int seed) {
        Random random = new Random(seed);
        float[] x = new float[3 * 32 * 32];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return new FloatTensor(x, SHAPE);
    }

    private static FloatTensor dense(FloatTensor input) throws Exception {
        try (OrtSession s = ENV.createSession(original.toByteArray(), new OrtSession.SessionOptions());
             OnnxTensor x = input.toOnnx(ENV); OrtSession.Result r = s.run(Map.of("images", x))) {
            return FloatTensor.of((OnnxTensor) r.get("output0").orElseThrow());
        }
    }

    @ParameterizedTest
    @EnumSource(HasteKernel.class)
    void atFullLBothKernelsGiveTheDenseOutput(HasteKernel kernel) throws Exception {
        RuntimeOptions options = kernel == HasteKernel.NATIVE ? RuntimeOptions.of(1) : RuntimeOptions.of(1).portable("test");
        try (HasteSession session = new HasteSession(ENV, model, "output0", options)) {
            assertEquals(kernel, session.kernel());
            for (int seed = 0; seed < 3; seed++) {
                FloatTensor input = frame(seed);
                HasteSession.Inference full = session.run(input, 1);
                assertArrayEquals(new long[] {16, 8, 24, 16, 48, 16}, full.reducedChannels(), "every channel its own bucket");
                FloatTensor expected = dense(input);
                assertArrayEquals(expected.shape(), full.scores().shape());
                assertTrue(full.scores().relativeMaxDifference(expected) < 1e-4, "frame " + seed + ": "
                        + full.scores().relativeMaxDifference(expected));
                HasteSession.Inference merged = session.run(input, 2);
                assertArrayEquals(new long[] {1, 6, 256}, merged.scores().shape());
                assertTrue(merged.macs().executedTotal() < full.macs().executedTotal(), "L = 8 merges channels");
            }
        }
    }
}
