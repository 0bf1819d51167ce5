package io.hastegw.daemon.config;

import java.util.Map;

/**
 * The plugin runtime (docs/plugins.md).
 *
 * @param builtinDir     the built-in plugins' folder; null: the {@code plugins} folder next to the gateway's jar
 * @param dir            the operator's plugins folder; null: none
 * @param stageTimeoutMs how long one call of a plugin's stage may take before it counts as failed (its frame is answered)
 * @param maxFailures    consecutive failures (throws, time-outs) after which a plugin is disabled
 * @param sinkQueue      predictions waiting per sink; beyond it the sink's predictions are dropped and counted
 * @param settings       per plugin id: whether it is enabled (built-in ones are unless set false; the operator's only
 *                       when set true) and its configuration
 */
public record PluginsSection(String builtinDir, String dir, long stageTimeoutMs, int maxFailures, int sinkQueue,
                             Map<String, PluginSettings> settings) {
    /** Copies the settings (none: an empty map). */
    public PluginsSection {
        settings = settings == null ? Map.of() : Map.copyOf(settings);
    }

    /**
     * One plugin's settings.
     *
     * @param enabled load it (null: built-in plugins yes, the operator's no)
     * @param config  its configuration, checked against the JSON Schema in its descriptor (null: empty)
     */
    public record PluginSettings(Boolean enabled, Map<String, Object> config) {}

    /** Adds the problems of this section to {@code c}. */
    void validate(ConfigChecks c) {
        c.check(stageTimeoutMs >= 1 && stageTimeoutMs <= 600_000, "plugins.stage_timeout_ms", "1 to 600000", stageTimeoutMs);
        c.check(maxFailures >= 1 && maxFailures <= 1_000_000, "plugins.max_failures", "1 to 1000000", maxFailures);
        c.check(sinkQueue >= 1 && sinkQueue <= 1_000_000, "plugins.sink_queue", "1 to 1000000", sinkQueue);
        settings.forEach((id, p) -> c.check(p != null, "plugins.settings." + id, "an object with enabled and config", null));
        c.check(!settings.containsKey("mqtt-sink"), "plugins.settings.mqtt-sink",
                "absent: the mqtt-sink plugin is gone, the gateway publishes predictions itself (mqtt.publish_predictions, mqtt.prediction_qos)",
                "set");
    }
}
