package io.hastegw.op.transform;

/**
 * Which of a camera stream's frames a one-level model is built for (see {@link LevelModel.Options#step()}).
 * Stream reuse hashes and merges the filters on a refresh frame only; the frames after it reuse
 * that frame's buckets and merged filters and pay for the input merge and the reduced
 * convolution alone.
 */
public enum StreamStep {
    /** Every frame on its own: hash, merge, convolve (no stream state). */
    FRAME,
    /**
     * As {@link #FRAME}, and every HASTE layer also outputs its state: the merged filters ({@code
     * <layer>/merged_weights}, in the layout its convolution consumes) and the bucket assignment
     * ({@code <layer>/buckets}, int32 [C], native kernel; {@code <layer>/input_merge}, float [C,
     * Cred], the membership over the bucket sizes, portable kernel).
     */
    REFRESH,
    /**
     * Takes the state a {@link #REFRESH} model output as graph inputs of the same names: merges
     * the input with the kept buckets and convolves with the kept filters; no hashing, no filter
     * merge, and no channel-count output (the refresh frame's counts hold).
     */
    REUSE
}
