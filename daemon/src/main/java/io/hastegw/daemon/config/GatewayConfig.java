package io.hastegw.daemon.config;

import java.util.List;

/**
 * The gateway's whole configuration, immutable. Keys are snake_case in files, environment and
 * flags (see docs/configuration.md); {@link #validate()} names every bad key and its allowed values.
 *
 * @param gatewayId identifies this gateway in every topic
 * @param mqtt      broker connection and topics
 * @param model     the model and how to run it
 * @param pipeline  queues, workers and limits
 * @param http      the observability endpoint
 * @param control   the compression controller, remote control and its authorisation
 * @param energy    energy estimates and the board's meter
 * @param plugins   where plugins are loaded from, which are enabled, their configuration and their fault limits
 * @param homeassistant Home Assistant MQTT discovery
 * @param detection a detector's decoding overrides and its cameras' zones
 */
public record GatewayConfig(String gatewayId, MqttSection mqtt, ModelSection model, PipelineSection pipeline, HttpSection http,
                            ControlSection control, EnergySection energy, PluginsSection plugins, HomeAssistantSection homeassistant,
                            DetectionConfig detection) {

    /** Whether no broker is configured, so the gateway starts its embedded one. */
    public boolean embeddedBroker() {
        return mqtt.host() == null || mqtt.host().isBlank();
    }

    /** This configuration with the broker at {@code host}:{@code port}. */
    public GatewayConfig withBroker(String host, int port) {
        return new GatewayConfig(gatewayId, mqtt.at(host, port), model, pipeline, http, control, energy, plugins, homeassistant, detection);
    }

    /** The frame topic filter with the gateway id filled in (without any shared-subscription prefix). */
    public String frameFilter() {
        return mqtt.frameTopic().replace("{gateway_id}", gatewayId);
    }

    /** The response-topic prefix with the gateway id filled in. */
    public String replyTopicPrefix() {
        return mqtt.replyTopicPrefix().replace("{gateway_id}", gatewayId);
    }

    /** The MQTT client id actually used. */
    public String clientId() {
        return mqtt.clientId() == null || mqtt.clientId().isBlank() ? "haste-" + gatewayId : mqtt.clientId();
    }

    /** Every problem with this configuration, one message per bad key; empty when valid. Each section checks its own keys. */
    public List<String> validate() {
        ConfigChecks c = new ConfigChecks();
        c.check(gatewayId != null && gatewayId.matches("[A-Za-z0-9_-]{1,64}"), "gateway_id", "1-64 characters of A-Z a-z 0-9 _ -", gatewayId);
        if (mqtt == null || model == null || pipeline == null || http == null || control == null || energy == null || plugins == null
                || homeassistant == null || detection == null) {
            c.add("sections mqtt, model, pipeline, http, control, energy, plugins, homeassistant and detection are required");
            return c.errors();
        }
        mqtt.validate(c, embeddedBroker());
        model.validate(c);
        pipeline.validate(c);
        control.validate(c);
        energy.validate(c);
        homeassistant.validate(c);
        plugins.validate(c);
        http.validate(c);
        c.addAll(detection.validate(pipeline.maxCameraIdLength()));
        return c.errors();
    }
}
