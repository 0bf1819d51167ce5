package io.hastegw.daemon.energy;

import io.hastegw.daemon.config.GatewayConfig;
import io.hastegw.daemon.load.SystemFiles;
import io.hastegw.plugin.api.EnergyModel;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's energy accounting, built once at start: the per-prediction estimator (none on a
 * board without a profile), the totals, and the board's real meter where one is readable.
 *
 * @param estimator      estimates each prediction (empty: no profile for this board)
 * @param ledger         the totals
 * @param meter          the board's meter (empty: none, or energy.meter is none)
 * @param summaryPeriodMs how often the summary is published
 * @param profile        the device profile in use (empty: none)
 */
public record EnergyAccounting(Optional<EnergyEstimator> estimator, EnergyLedger ledger, Optional<EnergyMeter> meter, long summaryPeriodMs,
                               Optional<DeviceProfile> profile) {
    private static final Logger LOG = LoggerFactory.getLogger(EnergyAccounting.class);
    /** The method named in predictions of a board without a profile. */
    /** {@code energy.model} value for the built-in device profiles' model. */
    public static final String PROFILE_MODEL = "profile";
    /** What predictions say when there is no estimate. */
    public static final String NO_PROFILE = "none: no device profile for this board; set energy.profile (docs/energy.md)";

    /**
     * @param c           the energy configuration
     * @param files       the board's /proc and /sys
     * @param osArch      the JVM's os.arch
     * @param threads     cores one inference keeps busy
     * @param levelMillis measured time per level (empty when not measured)
     * @param model       a plugin's energy model ({@code energy.model}); empty: the device profile's
     */
    public static EnergyAccounting create(GatewayConfig.Energy c, SystemFiles files, String osArch, int threads, double[] levelMillis,
                                          Optional<EnergyModel> model) {
        Optional<DeviceProfile> profile = (c.profile().equals("auto") ? DeviceProfile.detect(files, osArch) : DeviceProfile.named(c.profile()))
                .map(p -> p.overridden(c.idleWatts(), c.activeWatts(), c.picojoulesPerMac()));
        if (profile.isEmpty() && model.isEmpty()) {
            LOG.warn("energy: no device profile for this board ({}, {}); predictions carry no energy estimate until energy.profile is set",
                    files.deviceModel().orElse("no device-tree model"), osArch);
        }
        Optional<EnergyEstimator> estimator = model.or(() -> profile.map(ProfileEnergyModel::new))
                .map(m -> new EnergyEstimator(m, threads, levelMillis));
        Optional<EnergyMeter> meter = c.meter().equals("auto") ? EnergyMeter.detect(files) : Optional.empty();
        meter.ifPresent(m -> LOG.info("energy: reading the board's meter {}", m.name()));
        estimator.ifPresent(e -> LOG.info("energy: {}", e.method()));
        EnergyLedger ledger = new EnergyLedger(estimator.map(EnergyEstimator::method).orElse(NO_PROFILE), meter.map(EnergyMeter::name));
        return new EnergyAccounting(estimator, ledger, meter, TimeUnit.SECONDS.toMillis(c.summaryPeriodS()), profile);
    }
}
