package io.hastegw.op.runtime;

import java.time.Duration;

/**
 * When a camera stream's kept HASTE state ({@link HasteStream}) is refreshed: on its first frame,
 * when the level or the model changes, after the camera was quiet, every {@code refreshEvery}
 * frames at the latest, and at once when the frame's signature drifted from the refresh frame's
 * by more than {@code driftThreshold} ({@link FrameSignature#distance}).
 *
 * @param refreshEvery   frames per refresh at the latest (1: every frame refreshes, no reuse)
 * @param driftThreshold signature distance (0..2) above which a frame refreshes at once
 * @param quietAfter     a gap between two frames of a camera longer than this refreshes
 */
public record ReusePolicy(int refreshEvery, double driftThreshold, Duration quietAfter) {
    /**
     * The defaults: refresh every 30 frames, on a signature distance above 0.25, after 10 s quiet
     * (chosen from the stream benchmark's measurements, benchmarks/results/README.md).
     */
    public static final ReusePolicy DEFAULT = new ReusePolicy(30, 0.25, Duration.ofSeconds(10));

    /** Checks the ranges. */
    public ReusePolicy {
        if (refreshEvery < 1) {
            throw new IllegalArgumentException("refresh_every must be at least 1, got " + refreshEvery);
        }
        if (!(driftThreshold >= 0 && driftThreshold <= 2)) {
            throw new IllegalArgumentException("drift_threshold must be within 0..2, got " + driftThreshold);
        }
        if (quietAfter.isNegative() || quietAfter.isZero()) {
            throw new IllegalArgumentException("quiet_after must be positive, got " + quietAfter);
        }
    }
}
