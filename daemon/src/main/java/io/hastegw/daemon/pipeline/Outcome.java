package io.hastegw.daemon.pipeline;

import io.hastegw.plugin.api.Prediction;
import io.hastegw.plugin.api.RejectReason;

/**
 * What processing one frame produced: a prediction, or a rejection with its reason.
 *
 * @param prediction the prediction, or null when rejected
 * @param reason     why it was rejected, or null
 * @param message    the rejection message, or null
 * @param costNanos  worker time the frame took (what the camera is charged for fair sharing)
 */
record Outcome(Prediction prediction, RejectReason reason, String message, long costNanos) {
    static Outcome of(Prediction p) {
        return new Outcome(p, null, null, 0);
    }

    static Outcome rejected(RejectReason reason, String message) {
        return new Outcome(null, reason, message, 0);
    }

    /** This outcome charged {@code nanos} of worker time. */
    Outcome costing(long nanos) {
        return new Outcome(prediction, reason, message, nanos);
    }
}
