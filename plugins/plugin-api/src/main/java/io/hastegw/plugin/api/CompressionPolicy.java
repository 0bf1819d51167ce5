package io.hastegw.plugin.api;

/**
 * Decides, once per sampling period, whether the gateway is under pressure: the controller
 * then raises compression (or, at its highest useful level, sheds frames), holds, or steps back.
 * The controller owns bounds, dwell time and the ladder of levels that the device measured
 * faster; a policy only judges the signals. Implementations must be deterministic in their
 * inputs (no clock of their own) so they can be tested on recorded load traces.
 */
public interface CompressionPolicy {
    /** What the controller should do. */
    enum Pressure {
        /** Over target: compress more (or shed). */
        RAISE,
        /** Within target. */
        HOLD,
        /** Well under target even after one step back: compress less (or shed less). */
        LOWER
    }

    /**
     * A judgement and why, in words an operator reads in logs and the retained control state.
     *
     * @param pressure      what to do
     * @param reason        why, with the figures that decided it
     * @param measure       the figure judged (p95 ms, CPU share, ...), lower is better; NaN when there is none. The
     *                      controller compares it before and after it sheds more, and stops shedding that did not lower it
     * @param sheddingHelps whether serving fewer frames could relieve a {@link Pressure#RAISE} (false when the excess
     *                      is the inference itself, not frames waiting: the controller then sheds nothing)
     */
    record Assessment(Pressure pressure, String reason, double measure, boolean sheddingHelps) {
        /** A judgement of {@code measure} where shedding may help as much as compressing. */
        public Assessment(Pressure pressure, String reason, double measure) {
            this(pressure, reason, measure, true);
        }
    }

    /**
     * The operator's targets a policy is made for; the controller makes a new policy whenever
     * they change (control/set).
     *
     * @param latencyTargetMs  the p95 frame latency target
     * @param cpuBudget        the board CPU budget, 0..1 of all cores
     * @param hysteresis       the margin under the target a step back must keep (0..1)
     */
    record Targets(double latencyTargetMs, double cpuBudget, double hysteresis) {}

    /** Makes the policy for the operator's targets (what a plugin registers). */
    interface Factory {
        /** A policy judging against {@code targets}. */
        CompressionPolicy create(Targets targets);
    }

    /** The policy's name, as operators select it ({@code latency}, {@code cpu}, ...). */
    String name();

    /** Judges one period's signals. */
    Assessment assess(LoadSignals signals);
}
