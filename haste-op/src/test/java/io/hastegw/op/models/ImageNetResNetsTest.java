package io.hastegw.op.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OrtEnvironment;
import io.hastegw.op.accounting.MacsAccount;
import io.hastegw.op.analysis.LayerInfo;
import io.hastegw.op.analysis.ModelAnalysis;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ImageNet-shaped ResNets have torchvision's layers and MACs, and the same seed gives the same model. */
@Tag("slow")
class ImageNetResNetsTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({"RESNET18, 20, 1814073344", "RESNET50, 53, 4089184256"})
    void theModelHasTorchvisionsConvolutionsAndMacs(ImageNetResNets.Depth depth, int convs, long macs) throws Exception {
        var model = ImageNetResNets.build(depth, 7);
        List<LayerInfo> layers = ModelAnalysis.layers(OrtEnvironment.getEnvironment(), model, "input", new long[] {1, 3, 224, 224});
        assertEquals(convs, layers.stream().filter(l -> l.opType().equals("Conv")).count());
        // torchvision: ResNet-18 1.814 G, ResNet-50 4.089 G multiply-accumulates at 224x224 (convolutions and fc).
        assertEquals(macs, MacsAccount.dense(layers).denseTotal());
        assertArrayEquals(new long[] {1, 1000}, layers.get(layers.size() - 1).outputShape());
    }

    @ParameterizedTest
    @CsvSource({"RESNET18"})
    void theSameSeedBuildsTheSameBytes(ImageNetResNets.Depth depth) {
        assertArrayEquals(ImageNetResNets.build(depth, 7).toByteArray(), ImageNetResNets.build(depth, 7).toByteArray());
    }
}
