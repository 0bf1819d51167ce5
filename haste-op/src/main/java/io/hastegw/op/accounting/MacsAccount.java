package io.hastegw.op.accounting;

import io.hastegw.op.transform.Nchwc;
import io.hastegw.op.analysis.LayerInfo;
import io.hastegw.op.transform.HasteKernel;
import io.hastegw.op.transform.HasteLayer;
import io.hastegw.op.transform.HasteModelInfo;
import io.hastegw.op.transform.MergeMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The MACs of one inference, layer by layer: dense MACs from the graph's shapes (convolutions
 * and the final Gemm), and for HASTE layers the reduced convolution plus the hashing, input
 * merging and filter merging overhead (see {@link LayerMacs} for each term). A HASTE layer whose
 * schedule entry is 0 at the chosen level runs dense and costs its dense MACs, nothing more.
 *
 * @param layers one entry per Conv/Gemm, in graph order
 */
public record MacsAccount(List<LayerMacs> layers) {

    /** The account of the original model: every layer dense, no overhead. */
    public static MacsAccount dense(List<LayerInfo> compute) {
        List<LayerMacs> out = new ArrayList<>();
        for (LayerInfo l : compute) {
            int c = l.opType().equals("Conv") ? l.inChannels() : 0;
            out.add(new LayerMacs(l.name(), l.denseMacs(), l.denseMacs(), 0, 0, 0, c, c));
        }
        return new MacsAccount(out);
    }

    /**
     * Accounts for inferences of one model: built once (it indexes the layers), then cheap per
     * inference, so that a gateway can account every frame.
     */
    public static final class Accountant {
        private final HasteModelInfo info;
        private final int[] hasteIndex;
        private final List<LayerMacs> dense;
        private final int nchwcBlock;

        /**
         * An accountant for the model described by {@code info}.
         *
         * @param nchwcBlock the NCHWc block the reduced convolutions run with (0: none); they then
         *                   also convolve the zero channels that pad inputs and outputs to whole blocks
         */
        public Accountant(HasteModelInfo info, int nchwcBlock) {
            this.info = info;
            this.nchwcBlock = nchwcBlock;
            Map<String, Integer> byName = new HashMap<>();
            for (int i = 0; i < info.hasteLayers().size(); i++) {
                byName.put(info.hasteLayers().get(i).name(), i);
            }
            this.hasteIndex = info.computeLayers().stream().mapToInt(l -> byName.getOrDefault(l.name(), -1)).toArray();
            this.dense = MacsAccount.dense(info.computeLayers()).layers();
        }

        /**
         * The account of one inference that ran HASTE layer i with {@code planes[i]} hyperplanes
         * (0 = dense) on {@code kernel}, given the channel counts it reported.
         */
        public MacsAccount account(int[] planes, long[] reducedChannels, HasteKernel kernel) {
            return account(planes, reducedChannels, kernel, false);
        }

        /**
         * As {@link #account(int[], long[], HasteKernel)}; with {@code reuse}, the account of a stream
         * frame that reused a refresh frame's buckets and merged filters: no hashing, no filter merge,
         * the input merge and the reduced convolution alone.
         */
        public MacsAccount account(int[] planes, long[] reducedChannels, HasteKernel kernel, boolean reuse) {
            if (reducedChannels.length != info.hasteLayers().size() || planes.length != reducedChannels.length) {
                throw new IllegalArgumentException(reducedChannels.length + " channel counts and " + planes.length + " L values for "
                        + info.hasteLayers().size() + " HASTE layers");
            }
            List<LayerMacs> out = new ArrayList<>(dense.size());
            for (int k = 0; k < dense.size(); k++) {
                int i = hasteIndex[k];
                if (i < 0 || planes[i] == 0) {
                    out.add(dense.get(k));
                } else {
                    LayerMacs h = haste(info.computeLayers().get(k), info.hasteLayers().get(i), planes[i], Math.toIntExact(reducedChannels[i]),
                            kernel, info.merge(), reuse);
                    boolean blocked = nchwcBlock > 0 && kernel == HasteKernel.NATIVE && info.hasteLayers().get(i).patch() == 0;
                    out.add(blocked ? padded(info.computeLayers().get(k), h, nchwcBlock) : h);
                }
            }
            return new MacsAccount(out);
        }
    }

    /**
     * One HASTE layer with {@code l} active hyperplanes that convolved {@code cr} merged channels.
     * Ps is the number of hashed pixels (P on a grid of the layer's hash stride; copying them out
     * of the map is not arithmetic and not counted). Hashing: the portable graph centres (2CPs),
     * projects with the sparse hyperplanes (C nnz) and builds codes (CL); the native kernel sums
     * the channel mean (CPs), projects by adding and subtracting the pixels where the first L
     * hyperplanes are +1 and -1 (C nnz, and nnz per window for the mean: folded centring) and
     * builds codes (CL). Merging: the portable
     * graph sums every channel into its bucket (CP for the inputs, OkkC for the filters, its
     * scatter-adds start from zeros); the native kernel copies each bucket's first member and adds
     * the others, m - 1 additions for m members ((C - Cred)P and Okk(C - Cred)). Both divide each
     * merged input by its bucket size (Cred P, an upper bound: the native kernel skips buckets of
     * one). The scale-aware merge adds, under input merging, the scales on the hashed pixels
     * (native: bucket sums (C - Cred)Ps, norms Cred Ps, dot products CPs; portable: 6CPs + Cred Ps
     * for its bucket means, representatives, products, norms and ratios) and, under filter
     * merging, the multiplies by the scales: native, the additions become multiply-adds and each
     * bucket of two or more multiplies its first slice instead of copying it, Okk per such bucket,
     * at most min(Cred, C - Cred) buckets; portable, C Cred to weight the membership (its MatMul
     * already counted OkkC). Patch-wise (n patches), C counts every patch's channels (n C), {@code
     * cr} is the sum of the patches' merged channels, P and Ps are a window's, and every patch's
     * reduced convolution makes its tile of Ho Wo / n output pixels.
     */
    static LayerMacs haste(LayerInfo layer, HasteLayer haste, int l, int cr, HasteKernel kernel, MergeMode merge) {
        return haste(layer, haste, l, cr, kernel, merge, false);
    }

    /** {@link #haste(LayerInfo, HasteLayer, int, int, HasteKernel, MergeMode)}; with {@code reuse} a stream frame's: input merge and reduced convolution only. */
    static LayerMacs haste(LayerInfo layer, HasteLayer haste, int l, int cr, HasteKernel kernel, MergeMode merge, boolean reuse) {
        long n = haste.patches(layer);
        long c = n * layer.inChannels();
        long p = haste.mergedPixels(layer);
        long ps = haste.hashedPixels(layer);
        long kk = layer.kernelSize();
        long o = layer.outChannels();
        long nnz = haste.cumulativeNonzeros()[l];
        boolean nativeKernel = kernel == HasteKernel.NATIVE;
        long hashing = nativeKernel ? c * ps + c * nnz + n * nnz + c * l : 2 * c * ps + c * nnz + c * l;
        long summed = nativeKernel ? c - cr : c;
        long inputMerge = summed * p + cr * p;
        long filterMerge = o * kk * summed;
        if (merge == MergeMode.SCALE) {
            inputMerge += nativeKernel ? (c - cr) * ps + cr * ps + c * ps : 6 * c * ps + cr * ps;
            filterMerge += nativeKernel ? o * kk * Math.min(cr, c - cr) : (c / n) * cr;
        }
        long compute = o * cr * kk * (layer.outputPixels() / n);
        if (reuse) {
            return new LayerMacs(layer.name(), layer.denseMacs(), compute, 0, summed * p + cr * p, 0, (int) c, cr);
        }
        return new LayerMacs(layer.name(), layer.denseMacs(), compute, hashing, inputMerge, filterMerge, (int) c, cr);
    }

    /** {@code h} with its reduced convolution over input and output channels rounded up to whole NCHWc blocks. */
    static LayerMacs padded(LayerInfo layer, LayerMacs h, int block) {
        long cp = Nchwc.blocks(h.reducedChannels(), block);
        long op = Nchwc.blocks(layer.outChannels(), block);
        long compute = op * cp * layer.kernelSize() * layer.outputPixels();
        return new LayerMacs(h.name(), h.dense(), compute, h.hashing(), h.inputMerge(), h.filterMerge(), h.channels(), h.reducedChannels());
    }

    /** Total dense MACs of the model. */
    public long denseTotal() {
        return layers.stream().mapToLong(LayerMacs::dense).sum();
    }

    /** Total MACs executed, HASTE overhead included. */
    public long executedTotal() {
        return layers.stream().mapToLong(LayerMacs::executed).sum();
    }

    /** Total HASTE overhead (hashing + merging). */
    public long overheadTotal() {
        return layers.stream().mapToLong(LayerMacs::overhead).sum();
    }

    /** Fraction of the dense MACs saved, overhead included: 1 - executed / dense. */
    public double reduction() {
        return 1.0 - (double) executedTotal() / denseTotal();
    }
}
