package io.hastegw.op.transform;

/** How the channels of one bucket are merged. */
public enum MergeMode {
    /**
     * The paper's merge: the bucket's input channels averaged, their filter slices summed. Exact
     * when the bucket's channels are identical.
     */
    MEAN,
    /**
     * Scale-aware merge: the input channels averaged as in {@link #MEAN}, and every channel taken
     * as a scalar multiple a_c of that mean (least squares on the hashed pixels), so that its
     * filter slice enters the merged filter multiplied by a_c. Exact when the bucket's channels are
     * multiples of one another; sign hashing ignores a channel's magnitude, this merge restores it.
     */
    SCALE
}
