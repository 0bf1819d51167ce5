package io.hastegw.op.accounting;

/**
 * Where an inference's MACs went against the dense model, summed over its layers: what merging
 * took out of the convolutions (with exact channel counts), what padding the merged channels to
 * whole NCHWc blocks put back, and HASTE's three overhead terms. Executed MACs = dense -
 * {@code mergedAway} + {@code padding} + {@code hashing} + {@code inputMerge} + {@code filterMerge}.
 *
 * @param mergedAway  convolution MACs removed by merging, counted on the exact merged channel counts
 * @param padding     convolution MACs of the zero channels that pad merged inputs and outputs to NCHWc blocks
 * @param hashing     HASTE hashing
 * @param inputMerge  HASTE input merging
 * @param filterMerge HASTE filter merging
 */
public record MacsBreakdown(double mergedAway, double padding, double hashing, double inputMerge, double filterMerge) {
    /** Nothing: a dense inference. */
    public static final MacsBreakdown NONE = new MacsBreakdown(0, 0, 0, 0, 0);

    /** The breakdown of {@code account}. */
    public static MacsBreakdown of(MacsAccount account) {
        double merged = 0;
        double padding = 0;
        double hashing = 0;
        double in = 0;
        double filter = 0;
        for (LayerMacs m : account.layers()) {
            if (m.channels() > 0) {
                double exact = (double) m.dense() / m.channels() * m.reducedChannels();
                merged += m.dense() - exact;
                padding += m.compute() - exact;
            }
            hashing += m.hashing();
            in += m.inputMerge();
            filter += m.filterMerge();
        }
        return new MacsBreakdown(merged, padding, hashing, in, filter);
    }

    /** The sum of this and {@code other}. */
    public MacsBreakdown plus(MacsBreakdown other) {
        return new MacsBreakdown(mergedAway + other.mergedAway, padding + other.padding, hashing + other.hashing,
                inputMerge + other.inputMerge, filterMerge + other.filterMerge);
    }

    /** Every term times {@code factor} (a sum over n inferences times 1/n is their mean). */
    public MacsBreakdown times(double factor) {
        return new MacsBreakdown(mergedAway * factor, padding * factor, hashing * factor, inputMerge * factor, filterMerge * factor);
    }

    /** The net MACs saved against dense: merged away minus padding and overhead (negative when HASTE costs more). */
    public double net() {
        return mergedAway - padding - hashing - inputMerge - filterMerge;
    }
}
