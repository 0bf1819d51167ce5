package io.hastegw.plugin.api;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the daemon gives a plugin: its validated configuration and its own services. A plugin
 * sees nothing else of the daemon.
 */
public interface PluginContext {
    /** The plugin's id (from its descriptor). */
    String pluginId();

    /** The gateway's id, as in every topic ({@code haste/<gateway_id>/...}). */
    String gatewayId();

    /**
     * The plugin's configuration ({@code plugins.settings.<id>.config}), validated against the
     * descriptor's JSON Schema; JSON values: String, Number, Boolean, List, Map, null. Never null.
     */
    Map<String, Object> config();

    /** A logger whose lines carry the plugin's id. */
    System.Logger logger();

    /** Counters and gauges in the gateway's /metrics, tagged {@code plugin="<id>"}. */
    PluginMetrics metrics();

    /** A scheduler of the plugin's own (daemon threads), shut down after {@link Plugin#stop()}. */
    ScheduledExecutorService scheduler();

    /** A directory only this plugin writes to, kept across restarts (created on first use). */
    Path dataDir();

    /** The model the gateway runs. */
    ModelInfo model();

    /** The limits every stage must honour (the gateway's pipeline settings). */
    PipelineLimits limits();

    /** Publishing on the gateway's MQTT connection, under {@code haste/<gateway_id>/}. */
    MqttOutput mqtt();

    /** {@code prediction} as the gateway's prediction message ({@code haste.prediction/3}, docs/mqtt-api.md), UTF-8 JSON. */
    byte[] predictionJson(Prediction prediction);
}
