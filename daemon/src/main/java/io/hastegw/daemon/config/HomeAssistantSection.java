package io.hastegw.daemon.config;

/**
 * Home Assistant MQTT discovery (docs/operator-guide.md "Home Assistant").
 *
 * @param enabled         publish discovery configs (retained) and the statistics they read
 * @param discoveryPrefix Home Assistant's discovery prefix
 * @param statsPeriodS    how often {@code haste/<gateway_id>/stats} (frames/s per camera, p95, energy saved) is published
 * @param cameraRetentionS how long a silent camera's entities are kept (unavailable) before they are removed
 */
public record HomeAssistantSection(boolean enabled, String discoveryPrefix, long statsPeriodS, long cameraRetentionS) {

    /** Adds the problems of this section to {@code c}. */
    void validate(ConfigChecks c) {
        c.check(discoveryPrefix != null && discoveryPrefix.matches("[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*"), "homeassistant.discovery_prefix",
                "a topic prefix of A-Z a-z 0-9 _ - levels, without wildcards", discoveryPrefix);
        c.check(statsPeriodS >= 1 && statsPeriodS <= 3600, "homeassistant.stats_period_s", "1 to 3600", statsPeriodS);
        c.check(cameraRetentionS >= 1 && cameraRetentionS <= 31_536_000, "homeassistant.camera_retention_s", "1 to 31536000 (a year)",
                cameraRetentionS);
    }
}
