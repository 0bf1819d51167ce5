package io.hastegw.daemon.energy;

import io.hastegw.daemon.messages.Figures;
import io.hastegw.plugin.api.Prediction;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Energy totals: per camera and for the gateway, used and estimated dense, since start and over
 * the current summary period, plus the real meter's joules over the same times where the board
 * has one (so estimates and measurements can be compared). Recorded and read on the gateway's
 * event loop; totals readable from other threads (volatile).
 */
public final class EnergyLedger {
    /** Energy of a set of predictions. */
    public static final class Sums {
        private long frames;
        private double millijoules;
        private double denseMillijoules;

        void add(Prediction.Energy e) {
            frames++;
            millijoules += e.millijoules();
            denseMillijoules += e.denseMillijoules();
        }

        /** As JSON fields. */
        public Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("frames", frames);
            m.put("millijoules", Figures.round3(millijoules));
            m.put("dense_millijoules", Figures.round3(denseMillijoules));
            m.put("saved_millijoules", Figures.round3(denseMillijoules - millijoules));
            m.put("saved_ratio", denseMillijoules > 0 ? Figures.round3(1 - millijoules / denseMillijoules) : 0.0);
            return m;
        }
    }

    private final String method;
    private final Optional<String> meterName;
    private final Map<String, Sums> cameras = new LinkedHashMap<>();
    private final Sums total = new Sums();
    private Sums period = new Sums();
    private volatile double meterJoules = Double.NaN;
    private double meterAtPeriodStart = Double.NaN;

    /**
     * @param method    how predictions are estimated
     * @param meterName the board's real meter, if any
     */
    public EnergyLedger(String method, Optional<String> meterName) {
        this.method = method;
        this.meterName = meterName;
    }

    /** A prediction of camera series {@code series} was published. */
    public void add(String series, Prediction.Energy energy) {
        cameras.computeIfAbsent(series, s -> new Sums()).add(energy);
        total.add(energy);
        period.add(energy);
    }

    /** The meter's joules since start, read this sampling period. */
    public void meter(double joules) {
        meterJoules = joules;
        if (Double.isNaN(meterAtPeriodStart)) {
            meterAtPeriodStart = joules;
        }
    }

    /** Forgets a camera gone idle (its share stays in the gateway's totals). */
    public void forget(String series) {
        cameras.remove(series);
    }

    /** Joules the real meter measured since start (NaN without a meter). */
    public double meterJoules() {
        return meterJoules;
    }

    /**
     * The summary of the period that ends now (totals since start, the period, every camera,
     * and the meter), then starts a new period.
     */
    public Map<String, Object> closePeriod(double periodSeconds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", method);
        m.put("period_s", periodSeconds);
        m.put("total", total.json());
        m.put("period", period.json());
        Map<String, Object> perCamera = new LinkedHashMap<>();
        cameras.forEach((k, v) -> perCamera.put(k, v.json()));
        m.put("cameras", perCamera);
        if (meterName.isPresent() && !Double.isNaN(meterJoules)) {
            Map<String, Object> meter = new LinkedHashMap<>();
            meter.put("name", meterName.get());
            meter.put("joules_total", Figures.round3(meterJoules));
            meter.put("joules_period", Figures.round3(meterJoules - meterAtPeriodStart));
            meter.put("estimated_joules_period", Figures.round3(period.millijoules / 1000));
            meter.put("note", "the meter measures the whole board (or CPU package), idle power and other work included; the estimate "
                    + "is the inferences' own energy above idle");
            m.put("meter", meter);
            meterAtPeriodStart = meterJoules;
        } else {
            m.put("meter", null);
        }
        period = new Sums();
        return m;
    }

}
