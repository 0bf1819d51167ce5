package io.hastegw.op.runtime;

import java.util.Locale;

/** Why a stream frame hashed and merged afresh instead of reusing the kept state ({@link ReusePolicy}). */
public enum RefreshCause {
    /** The stream had no state yet (its first HASTE frame, or after it was dropped). */
    FIRST,
    /** The frame asks for another level than the kept state's. */
    LEVEL,
    /** The state was made by another model (session) than the one running the frame. */
    MODEL,
    /** The camera sent nothing for longer than the policy's quiet time. */
    QUIET,
    /** The policy's refresh interval ran out. */
    INTERVAL,
    /** The frame's signature drifted from the refresh frame's beyond the policy's threshold. */
    DRIFT;

    /** The name in metrics and status documents: lower case. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
