package io.hastegw.daemon.config;

import io.hastegw.daemon.config.ConfigEnums.MeterChoice;

/**
 * Energy per inference (docs/energy.md).
 *
 * @param meter          {@code auto}: read the board's meter (RAPL, INA3221) when there is one; {@code none}
 * @param summaryPeriodS how often the retained energy summary is published
 * @param model          the energy model by name: {@code profile} (the built-in energy-profiles plugin's) or another
 *                       plugin's
 */
public record EnergySection(String meter, long summaryPeriodS, String model) {

    /** {@code meter} as its constant (validated at load). */
    public MeterChoice meterChoice() {
        return ConfigChecks.Choices.parse(MeterChoice.class, meter).orElseThrow();
    }

    /** Adds the problems of this section to {@code c}. */
    void validate(ConfigChecks c) {
        c.check(ConfigChecks.Choices.parse(MeterChoice.class, meter).isPresent(), "energy.meter", "auto or none", meter);
        c.check(summaryPeriodS >= 1 && summaryPeriodS <= 86_400, "energy.summary_period_s", "1 to 86400", summaryPeriodS);
        c.check(model != null && !model.isBlank(), "energy.model", "profile or the name of a plugin's energy model", model);
    }
}
