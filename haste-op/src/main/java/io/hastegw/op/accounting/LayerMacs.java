package io.hastegw.op.accounting;

/**
 * Multiply-accumulates (MACs) of one compute layer for one inference. Additions, subtractions
 * and divisions of the HASTE overhead count as one MAC each (an upper bound: they are cheaper
 * than a multiply-accumulate).
 *
 * @param name            node name
 * @param dense           MACs of the original layer
 * @param compute         MACs of the convolution (or Gemm) actually run: the reduced one for HASTE
 * @param hashing         HASTE hashing on the layer's hashed pixels (MacsAccount.haste has the formulas of both kernels)
 * @param inputMerge      HASTE input merging: the additions summing the channels of each bucket (portable C·P, native
 *                        (C - Cred)·P: the first member is copied) + Cred·P (divide by bucket size), and for the
 *                        scale-aware merge the channels' scales
 * @param filterMerge     HASTE filter merging: the additions summing the filter slices of each bucket (portable O·k·k·C,
 *                        native O·k·k·(C - Cred)), and for the scale-aware merge the multiplies by the scales
 * @param channels        input channels C of the layer
 * @param reducedChannels channels convolved (C for a dense layer)
 */
public record LayerMacs(String name, long dense, long compute, long hashing, long inputMerge, long filterMerge,
                        int channels, int reducedChannels) {

    /** Everything this layer cost: the convolution plus the HASTE overhead. */
    public long executed() {
        return compute + hashing + inputMerge + filterMerge;
    }

    /** HASTE overhead alone (hashing + input merging + filter merging). */
    public long overhead() {
        return hashing + inputMerge + filterMerge;
    }
}
