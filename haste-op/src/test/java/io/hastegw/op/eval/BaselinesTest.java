package io.hastegw.op.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hastegw.op.SharedData;
import io.hastegw.op.analysis.LayerInfo;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.onnx.Tensors;
import java.util.List;
import java.util.Map;
import java.util.Random;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The static baselines HASTE is compared against: what they do to the weights, and what they count. */
class BaselinesTest {
    /** Two output filters, three input channels, 1x1: channel L1 norms 2, 6 and 4. */
    private static final float[] W = {1, -3, 2, -1, 3, 2};
    private static final long[] DIMS = {2, 3, 1, 1};

    @Test
    void l1PruningKeepsTheInputChannelsWithTheLargestFilterNorms() {
        assertArrayEquals(new float[] {0, -3, 2, 0, 3, 2}, Baselines.pruned(W, DIMS, 2));
        assertArrayEquals(new float[] {0, -3, 0, 0, 3, 0}, Baselines.pruned(W, DIMS, 1));
    }

    @Test
    void randomMergingIntoOneGroupGivesEveryChannelTheMeanSlice() {
        // One bucket: merged filter = sum of the slices, merged input = mean; folded: each channel gets sum / 3.
        float a = (1 - 3 + 2) / 3f;
        float b = (-1 + 3 + 2) / 3f;
        assertArrayEquals(new float[] {a, a, a, b, b, b}, Baselines.merged(W, DIMS, 1, new Random(1)), 1e-6f);
    }

    @ParameterizedTest
    @EnumSource(Baselines.Method.class)
    void keepingEveryChannelChangesNothing(Baselines.Method method) throws Exception {
        ModelProto model = OnnxModels.read(SharedData.root().resolve("models/cifar10-resnet-akamaster/resnet20.onnx"));
        NodeProto conv = model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Conv")).skip(1).findFirst().orElseThrow();
        int channels = (int) Tensors.dims(OnnxModels.initializer(model.getGraph(), conv.getInput(1)))[1];
        ModelProto same = Baselines.apply(model, Map.of(conv.getName(), channels), method, 7);
        assertArrayEquals(Tensors.toFloats(OnnxModels.initializer(model.getGraph(), conv.getInput(1))),
                Tensors.toFloats(OnnxModels.initializer(same.getGraph(), conv.getInput(1))));
    }

    @Test
    void macsCountTheReducedConvolutionAndForMergingTheInputMerge() {
        LayerInfo conv = new LayerInfo("c", "Conv", new long[] {1, 16, 8, 8}, new long[] {32, 16, 3, 3}, new long[] {1, 32, 8, 8}, 1);
        LayerInfo gemm = new LayerInfo("g", "Gemm", new long[] {1, 64}, new long[] {10, 64}, new long[] {1, 10}, 1);
        List<LayerInfo> layers = List.of(conv, gemm);
        assertEquals(32L * 16 * 9 * 64 + 640, Baselines.macs(layers, Map.of(), Baselines.Method.L1_PRUNE));
        assertEquals(32L * 4 * 9 * 64 + 640, Baselines.macs(layers, Map.of("c", 4), Baselines.Method.L1_PRUNE));
        assertEquals(32L * 4 * 9 * 64 + (16 + 4) * 64 + 640, Baselines.macs(layers, Map.of("c", 4), Baselines.Method.RANDOM_MERGE));
    }
}
