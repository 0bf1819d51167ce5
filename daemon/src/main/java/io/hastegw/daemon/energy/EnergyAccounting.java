package io.hastegw.daemon.energy;

import io.hastegw.daemon.config.ConfigEnums.MeterChoice;
import io.hastegw.daemon.config.EnergySection;
import io.hastegw.daemon.load.SystemFiles;
import io.hastegw.plugin.api.EnergyModel;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's energy accounting, built once at start: the per-prediction estimator (from the
 * energy model a plugin registered, {@code energy.model}; none on a board without a profile), the
 * totals, and the board's real meter where one is readable.
 *
 * @param estimator       estimates each prediction (empty: no energy model runs)
 * @param ledger          the totals
 * @param meter           the board's meter (empty: none, or energy.meter is none)
 * @param summaryPeriodMs how often the summary is published
 */
public record EnergyAccounting(Optional<EnergyEstimator> estimator, EnergyLedger ledger, Optional<EnergyMeter> meter, long summaryPeriodMs) {
    private static final Logger LOG = LoggerFactory.getLogger(EnergyAccounting.class);
    /** {@code energy.model} value of the built-in energy-profiles plugin's model. */
    public static final String PROFILE_MODEL = "profile";
    /** What predictions and summaries say when there is no estimate. */
    public static final String NO_PROFILE = "none: no device profile for this board; set plugins.settings.energy-profiles.config.profile "
            + "(docs/energy.md)";

    /**
     * @param c           the energy configuration
     * @param files       the board's /proc and /sys (for its meter)
     * @param threads     cores one inference keeps busy
     * @param levelMillis measured time per level (empty when not measured)
     * @param model       the energy model {@code energy.model} names (empty: none runs; predictions carry no estimate)
     */
    public static EnergyAccounting create(EnergySection c, SystemFiles files, int threads, double[] levelMillis,
                                          Optional<EnergyModel> model) {
        if (model.isEmpty()) {
            LOG.warn("energy: no energy model '{}' runs; predictions carry no energy estimate", c.model());
        }
        Optional<EnergyEstimator> estimator = model.map(m -> new EnergyEstimator(m, threads, levelMillis));
        Optional<EnergyMeter> meter = c.meterChoice() == MeterChoice.AUTO ? EnergyMeter.detect(files) : Optional.empty();
        meter.ifPresent(m -> LOG.info("energy: reading the board's meter {}", m.name()));
        estimator.ifPresent(e -> LOG.info("energy: {}", e.method()));
        EnergyLedger ledger = new EnergyLedger(estimator.map(EnergyEstimator::method).orElse(NO_PROFILE), meter.map(EnergyMeter::name));
        return new EnergyAccounting(estimator, ledger, meter, TimeUnit.SECONDS.toMillis(c.summaryPeriodS()));
    }
}
