package io.hastegw.op.accounting;

import io.hastegw.op.analysis.LayerInfo;
import io.hastegw.op.transform.HasteLayer;
import io.hastegw.op.transform.HasteModelInfo;
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
     * The account of one inference of a HASTE model at {@code level}, given the
     * {@value HasteModelInfo#CHANNELS_OUTPUT} output of that inference.
     */
    public static MacsAccount of(HasteModelInfo info, int level, long[] reducedChannels) {
        info.schedule().checkLevel(level);
        if (reducedChannels.length != info.hasteLayers().size()) {
            throw new IllegalArgumentException(reducedChannels.length + " channel counts for " + info.hasteLayers().size() + " HASTE layers");
        }
        Map<String, Integer> hasteIndex = new HashMap<>();
        for (int i = 0; i < info.hasteLayers().size(); i++) {
            hasteIndex.put(info.hasteLayers().get(i).name(), i);
        }
        List<LayerMacs> out = new ArrayList<>();
        for (LayerInfo l : info.computeLayers()) {
            Integer i = hasteIndex.get(l.name());
            int hyperplanes = i == null ? 0 : info.schedule().hyperplanes(level, i);
            if (hyperplanes == 0) {
                out.add(dense(List.of(l)).layers().get(0));
            } else {
                out.add(haste(l, info.hasteLayers().get(i), hyperplanes, Math.toIntExact(reducedChannels[i])));
            }
        }
        return new MacsAccount(out);
    }

    /** One HASTE layer with {@code l} active hyperplanes that convolved {@code cr} merged channels. */
    static LayerMacs haste(LayerInfo layer, HasteLayer haste, int l, int cr) {
        long c = layer.inChannels();
        long p = layer.inputPixels();
        long kk = layer.kernelSize();
        long o = layer.outChannels();
        long hashing = 2 * c * p + c * haste.cumulativeNonzeros()[l] + c * l;
        long inputMerge = c * p + cr * p;
        long filterMerge = o * kk * c;
        long compute = o * cr * kk * layer.outputPixels();
        return new LayerMacs(layer.name(), layer.denseMacs(), compute, hashing, inputMerge, filterMerge, (int) c, cr);
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
