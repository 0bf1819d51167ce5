package io.hastegw.daemon.pipeline;

/**
 * What the gateway predicted and spent between two calls, from its running totals
 * ({@link GatewayMetrics#total}, which forgotten cameras do not lower): frames, and the energy
 * estimate against its dense estimate. The console and the Home Assistant statistics each keep
 * one. Not thread-safe: one caller.
 */
public final class PeriodTotals {
    /**
     * One period.
     *
     * @param frames           predictions published
     * @param millijoules      their energy estimate
     * @param denseMillijoules the same frames' dense estimate
     */
    public record Period(double frames, double millijoules, double denseMillijoules) {
        /** Percent of the dense estimate saved (unrounded); null when the period has no dense energy (no frame, no energy model). */
        public Double savedPercent() {
            return denseMillijoules > 0 ? 100 * (1 - millijoules / denseMillijoules) : null;
        }
    }

    private double frames;
    private double spent;
    private double dense;

    /** The period since the previous call (since start the first time). */
    public Period next(GatewayMetrics m) {
        double f = m.total("haste_frames_processed");
        double s = m.total("haste_energy_millijoules");
        double d = m.total("haste_energy_dense_millijoules");
        Period p = new Period(f - frames, s - spent, d - dense);
        frames = f;
        spent = s;
        dense = d;
        return p;
    }
}
