package io.hastegw.op.eval;

import io.hastegw.op.accounting.MacsBreakdown;

/**
 * One level's MACs reduction counted the paper's probable way and ours, each a fraction of the
 * dense model: the paper's over its convolutions only, on the merged channel counts, without and
 * with the hashing; ours over every layer with every overhead (hashing, input merging, filter
 * merging) on exact channel counts, and as executed here (merged channels padded to NCHWc blocks).
 * Where the columns part is where the two accountings do.
 *
 * @param convMerging      convolution MACs merged away / the dense convolutions' MACs (the paper, no overhead)
 * @param convMinusHashing (merged away - hashing) / the dense convolutions' MACs (the paper, hashing counted)
 * @param ours             the reduction, everything counted, exact channel counts ({@link EvalReport.Row#reduction})
 * @param oursExecuted     the same as executed here, NCHWc padding included ({@link EvalReport.Row#nchwcReduction})
 */
public record PaperAccounting(double convMerging, double convMinusHashing, double ours, double oursExecuted) {

    /** {@code row} counted the four ways; {@code denseConvMacs}: MACs of the dense model's convolutions per image. */
    public static PaperAccounting of(EvalReport.Row row, long denseConvMacs) {
        MacsBreakdown t = row.macsTerms();
        return new PaperAccounting(t.mergedAway() / denseConvMacs, (t.mergedAway() - t.hashing()) / denseConvMacs, row.reduction(),
                row.nchwcReduction());
    }
}
