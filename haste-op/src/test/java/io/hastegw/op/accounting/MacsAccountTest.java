package io.hastegw.op.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OrtEnvironment;
import io.hastegw.op.SharedData;
import io.hastegw.op.analysis.LayerInfo;
import io.hastegw.op.analysis.ModelAnalysis;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.transform.HasteKernel;
import io.hastegw.op.transform.HasteLayer;
import io.hastegw.op.transform.MergeMode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MacsAccountTest {
    @ParameterizedTest
    @CsvSource({"resnet20, 40551040", "resnet56, 125485696"})
    void denseMacsOfTheCifarResNets(String model, long macs) throws Exception {
        var onnx = OnnxModels.read(SharedData.cifarModel(model));
        List<LayerInfo> layers = ModelAnalysis.layers(OrtEnvironment.getEnvironment(), onnx, "input", new long[] {1, 3, 32, 32});
        assertEquals(macs, MacsAccount.dense(layers).denseTotal());
        assertEquals(0, MacsAccount.dense(layers).overheadTotal());
    }

    @Test
    void everyOverheadTermOfAHasteLayer() {
        // C=16 -> O=32, 3x3, stride 2: input 16x16 (P=256), output 8x8.
        LayerInfo layer = new LayerInfo("conv", "Conv", new long[] {1, 16, 16, 16}, new long[] {32, 16, 3, 3},
                new long[] {1, 32, 8, 8}, 1);
        long[] cumulative = {0, 80, 170, 250};
        LayerMacs macs = MacsAccount.haste(layer, new HasteLayer("conv", 3, cumulative, 1, 0, null), 2, 10, HasteKernel.PORTABLE, MergeMode.MEAN);
        assertEquals(32L * 16 * 9 * 64, macs.dense());
        assertEquals(32L * 10 * 9 * 64, macs.compute());
        assertEquals(2L * 16 * 256 + 16L * 170 + 16L * 2, macs.hashing());
        assertEquals(16L * 256 + 10L * 256, macs.inputMerge());
        assertEquals(32L * 9 * 16, macs.filterMerge());
        assertEquals(macs.compute() + macs.hashing() + macs.inputMerge() + macs.filterMerge(), macs.executed());
    }

    @Test
    void theNativeKernelCopiesEachBucketsFirstMemberAndAddsTheRest() {
        // 16 channels merged into 10 buckets: 6 additions per pixel and per filter weight, not 16.
        LayerInfo layer = new LayerInfo("conv", "Conv", new long[] {1, 16, 16, 16}, new long[] {32, 16, 3, 3},
                new long[] {1, 32, 8, 8}, 1);
        LayerMacs macs = MacsAccount.haste(layer, new HasteLayer("conv", 3, new long[] {0, 80, 170, 250}, 1, 0, null), 2, 10, HasteKernel.NATIVE, MergeMode.MEAN);
        assertEquals(6L * 256 + 10L * 256, macs.inputMerge());
        assertEquals(32L * 9 * 6, macs.filterMerge());
    }

    @Test
    void aHashStrideOfTwoHashesAQuarterOfThePixelsAndTheScaleAwareMergeCountsItsScales() {
        // 16 channels, 16x16 input hashed on 8x8 = 64 pixels; 10 buckets; native kernel, L = 2 (40 non-zeros: sparse projections).
        LayerInfo layer = new LayerInfo("conv", "Conv", new long[] {1, 16, 16, 16}, new long[] {32, 16, 3, 3},
                new long[] {1, 32, 8, 8}, 1);
        LayerMacs macs = MacsAccount.haste(layer, new HasteLayer("conv", 3, new long[] {0, 20, 40, 60}, 2, 0, null), 2, 10, HasteKernel.NATIVE,
                MergeMode.SCALE);
        assertEquals(16L * 64 + 16L * 40 + 40L + 16L * 2, macs.hashing(), "channel mean, sparse projections of the channels and the mean, codes");
        assertEquals(6L * 256 + 10L * 256 + (6L * 64 + 10L * 64 + 16L * 64), macs.inputMerge());
        assertEquals(32L * 9 * 6 + 32L * 9 * 6, macs.filterMerge(), "multiply-adds, and a multiply per bucket of two or more (at most 6)");
    }

    @Test
    void patchWiseCountsEveryPatchsHashingAndMergingAndEachTilesConvolution() {
        // C=16 -> O=32, 3x3, stride 1, pad 1, 16x16 input and output; tiles of 8: 4 patches of 10x10 windows, hashed whole
        // (100 pixels); the patches merged 16 + 12 + 10 + 10 = 48 channels in all; native kernel, mean merge, L = 2.
        LayerInfo layer = new LayerInfo("conv", "Conv", new long[] {1, 16, 16, 16}, new long[] {32, 16, 3, 3},
                new long[] {1, 32, 16, 16}, 1);
        HasteLayer patched = new HasteLayer("conv", 3, new long[] {0, 33, 66, 100}, 1, 8, new int[] {10, 10});
        LayerMacs macs = MacsAccount.haste(layer, patched, 2, 48, HasteKernel.NATIVE, MergeMode.MEAN);
        assertEquals(32L * 48 * 9 * 64, macs.compute(), "each tile of 8x8 outputs on its own merged channels");
        assertEquals(64L * 100 + 64L * 66 + 4L * 66 + 64L * 2, macs.hashing(), "every patch's mean, sparse projections and codes");
        assertEquals(16L * 100 + 48L * 100, macs.inputMerge());
        assertEquals(32L * 9 * 16, macs.filterMerge(), "one filter merge per patch");
        assertEquals(64, macs.channels());
        assertEquals(48, macs.reducedChannels());
    }

    @Test
    void reductionIncludesTheOverhead() {
        LayerMacs haste = new LayerMacs("a", 1000, 500, 100, 50, 50, 16, 8);
        LayerMacs gemm = new LayerMacs("b", 1000, 1000, 0, 0, 0, 0, 0);
        MacsAccount account = new MacsAccount(List.of(haste, gemm));
        assertEquals(2000, account.denseTotal());
        assertEquals(1700, account.executedTotal());
        assertEquals(0.15, account.reduction(), 1e-12);
    }

    @Test
    void theBreakdownAddsUpToTheExecutedMacs() {
        // A HASTE layer of 64 channels that merged to 40, convolved padded to 48, with its overhead; a dense Gemm.
        LayerMacs conv = new LayerMacs("c", 64L * 64 * 9 * 64, 64L * 48 * 9 * 64, 5_000, 700, 300, 64, 40);
        LayerMacs gemm = new LayerMacs("g", 640, 640, 0, 0, 0, 0, 0);
        MacsAccount account = new MacsAccount(List.of(conv, gemm));
        MacsBreakdown b = MacsBreakdown.of(account);
        assertEquals(64.0 * 24 * 9 * 64, b.mergedAway());
        assertEquals(64.0 * 8 * 9 * 64, b.padding());
        assertEquals(account.denseTotal() - b.net(), account.executedTotal(), 1e-6);
        assertEquals(List.of(5_000.0, 700.0, 300.0), List.of(b.hashing(), b.inputMerge(), b.filterMerge()));
    }
}
