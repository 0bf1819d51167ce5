package io.hastegw.daemon.pipeline;

import io.hastegw.plugin.api.Prediction;
import io.hastegw.plugin.api.RejectReason;

/**
 * What a part of processing one frame produced: a prediction, a rejection with its reason, or
 * (from the inference worker) an inference waiting for its post-processing.
 *
 * @param prediction the prediction, or null
 * @param inference  the model's answer still to post-process, or null
 * @param reason     why it was rejected, or null
 * @param message    the rejection message, or null
 * @param costNanos  worker time the frame took (what the camera is charged for fair sharing)
 */
record Outcome(Prediction prediction, Inference inference, RejectReason reason, String message, long costNanos) {
    static Outcome of(Prediction p) {
        return new Outcome(p, null, null, null, 0);
    }

    static Outcome inferred(Inference in) {
        return new Outcome(null, in, null, null, 0);
    }

    static Outcome rejected(RejectReason reason, String message) {
        return new Outcome(null, null, reason, message, 0);
    }

    /** This outcome charged {@code nanos} of worker time. */
    Outcome costing(long nanos) {
        return new Outcome(prediction, inference, reason, message, nanos);
    }
}
