package io.hastegw.plugins.policies;

import io.hastegw.plugin.api.CompressionPolicy;
import io.hastegw.plugin.api.LoadSignals;
import java.util.Locale;

/**
 * Keeps the 95th percentile of frame latency (arrival to prediction) under a target. Over it,
 * or frames dropped by back-pressure: raise. Shedding is said to help only while the latency
 * without the wait for a worker (p95 minus the p95 of that wait) is under the target, so that
 * less waiting can bring frames under it: when decoding and inference themselves are over the
 * target (a CPU hog stretching every run, huge images), serving fewer frames would not make one
 * faster. Latency over the target that is only the wait of a burst (frames arriving together while
 * the workers are idle most of the time: predictions per second x inference p95 under
 * {@value #BURSTY_BUSY} of one worker, the board's CPU under {@value #IDLE_BOARD}, and under the
 * target without the wait) is not load: it holds
 * (no raise, no shedding), because compression should follow the board's load, not the cameras'
 * timing. Steps back only when
 * one step back is expected to stay under {@code (1 - hysteresis)} of the target (the p95 scaled
 * by the step's measured cost ratio), so a steady load never flips between two levels; in the
 * same bursty, idle regime the wait is left out of that estimate (the p95 without the wait,
 * scaled), so a level raised under a load that has gone is given back even while bursts remain.
 *
 * @param targetMs   the p95 target
 * @param hysteresis the margin under the target a step back must keep (0..1)
 */
public record LatencyTargetPolicy(double targetMs, double hysteresis) implements CompressionPolicy {
    /** Fewer predictions than this since the last change are too few to judge a p95 on. */
    public static final int MIN_FRAMES = 3;
    /** Below this share of one worker's time busy, waiting comes from bursts, not from load. */
    public static final double BURSTY_BUSY = 0.3;
    /** Below this share of the board's CPU (all cores) the board counts as idle. */
    public static final double IDLE_BOARD = 0.5;

    @Override
    public String name() {
        return "latency";
    }

    @Override
    public Assessment assess(LoadSignals s) {
        if (s.frames() == 0) {
            return new Assessment(Pressure.LOWER, "no frames in the window: nothing to save", Double.NaN);
        }
        boolean sheddingHelps = !(s.p95LatencyMs() - s.queueP95Ms() >= targetMs);
        if (s.dropRate() > 0) {
            return new Assessment(Pressure.RAISE, String.format(Locale.ROOT, "%.0f %% of frames dropped by back-pressure", 100 * s.dropRate()),
                    s.p95LatencyMs(), sheddingHelps);
        }
        if (s.frames() < MIN_FRAMES || Double.isNaN(s.p95LatencyMs())) {
            return new Assessment(Pressure.HOLD, s.frames() + " frames since the last change: too few to judge", s.p95LatencyMs());
        }
        double busy = s.framesPerSecond() * s.inferenceP95Ms() / 1000;
        boolean bursty = busy < BURSTY_BUSY && s.boardCpu() < IDLE_BOARD;
        if (s.p95LatencyMs() > targetMs && sheddingHelps && bursty) {
            return new Assessment(Pressure.HOLD, String.format(Locale.ROOT, "p95 latency %.1f ms over the target %.1f ms only by waiting "
                    + "(p95 %.1f ms) while a worker is busy %.0f %% of the time and the board %.0f %%: bursts, not load", s.p95LatencyMs(), targetMs,
                    s.queueP95Ms(), 100 * busy, 100 * s.boardCpu()), s.p95LatencyMs());
        }
        if (s.p95LatencyMs() > targetMs) {
            return new Assessment(Pressure.RAISE, String.format(Locale.ROOT, "p95 latency %.1f ms over the target %.1f ms (waiting p95 %.1f ms, inference p95 %.1f ms)",
                    s.p95LatencyMs(), targetMs, s.queueP95Ms(), s.inferenceP95Ms()), s.p95LatencyMs(), sheddingHelps);
        }
        double wait = bursty && Double.isFinite(s.queueP95Ms()) ? Math.min(s.queueP95Ms(), s.p95LatencyMs()) : 0;
        double expected = (s.p95LatencyMs() - wait) * s.stepDownLoadFactor();
        if (expected < targetMs * (1 - hysteresis)) {
            return new Assessment(Pressure.LOWER, String.format(Locale.ROOT, "p95 latency %.1f ms%s; one step back is expected at %.1f ms, under %.1f ms",
                    s.p95LatencyMs(), wait > 0 ? String.format(Locale.ROOT, " (%.1f ms without waiting for bursts on an idle board)",
                            s.p95LatencyMs() - wait) : "", expected, targetMs * (1 - hysteresis)), s.p95LatencyMs());
        }
        return new Assessment(Pressure.HOLD, String.format(Locale.ROOT, "p95 latency %.1f ms within the target %.1f ms", s.p95LatencyMs(), targetMs),
                s.p95LatencyMs());
    }
}
