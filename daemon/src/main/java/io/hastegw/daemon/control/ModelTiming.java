package io.hastegw.daemon.control;

/**
 * What the model's levels cost on this device, as the controller needs it.
 *
 * @param levels      the model's levels
 * @param levelMillis the measured time per level (empty when no cost plan measured them)
 * @param denseMillis the dense model's time on this device, ms (the derived latency target's base)
 */
public record ModelTiming(int levels, double[] levelMillis, double denseMillis) {
    /** Copies the times. */
    public ModelTiming {
        levelMillis = levelMillis.clone();
    }

    /** Each level's time relative to level 0, or null when the levels were not all measured. */
    double[] relativeCosts() {
        if (levelMillis.length != levels || levelMillis[0] <= 0) {
            return null;
        }
        double[] cost = new double[levels];
        for (int l = 0; l < levels; l++) {
            cost[l] = levelMillis[l] / levelMillis[0];
        }
        return cost;
    }
}
