package io.hastegw.plugin.api;

import java.util.function.DoubleSupplier;

/**
 * A plugin's meters in the gateway's /metrics: {@code haste_plugin_<name>} with the tag
 * {@code plugin="<id>"}. Names are lower-case letters, digits and underscores.
 */
public interface PluginMetrics {
    /** Adds {@code amount} to the counter {@code name} (created on first use; {@code _total} is appended). */
    void count(String name, long amount);

    /** Registers a gauge {@code name} reading {@code value} at every scrape (once per name). */
    void gauge(String name, DoubleSupplier value);
}
