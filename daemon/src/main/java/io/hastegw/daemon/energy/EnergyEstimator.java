package io.hastegw.daemon.energy;

import io.hastegw.plugin.api.EnergyModel;
import io.hastegw.plugin.api.InferenceResult;
import io.hastegw.plugin.api.Prediction;

/**
 * Energy of each prediction, and of the same frame dense: the dense estimate uses the dense
 * MACs and the frame's measured inference time scaled to level 0 by the device's measured
 * per-level times (the cost plan), or, where they were not measured, by the MACs ratio.
 */
public final class EnergyEstimator {
    private final EnergyModel model;
    private final int threads;
    private final double[] levelMillis;
    private final String method;

    /**
     * @param model       the energy model
     * @param threads     cores one inference keeps busy
     * @param levelMillis measured time per level (empty when not measured)
     */
    public EnergyEstimator(EnergyModel model, int threads, double[] levelMillis) {
        this.model = model;
        this.threads = threads;
        this.levelMillis = levelMillis.clone();
        this.method = model.method() + (levelMillis.length > 0 ? "; dense time from the measured cost plan" : "; dense time scaled by MACs");
    }

    /** The energy of {@code result}, which ran for {@code inferenceMs}. */
    public Prediction.Energy estimate(InferenceResult result, double inferenceMs) {
        double used = model.millijoules(result.executedMacs(), inferenceMs, threads);
        double denseMs = result.level() == 0 ? inferenceMs
                : levelMillis.length > result.level() && levelMillis[result.level()] > 0 ? inferenceMs * levelMillis[0] / levelMillis[result.level()]
                : inferenceMs * result.denseMacs() / Math.max(1, result.executedMacs());
        double dense = result.level() == 0 ? used : model.millijoules(result.denseMacs(), denseMs, threads);
        return new Prediction.Energy(used, dense, method);
    }

    /** How estimates are made. */
    public String method() {
        return method;
    }
}
