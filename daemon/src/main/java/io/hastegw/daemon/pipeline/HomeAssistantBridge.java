package io.hastegw.daemon.pipeline;

import io.hastegw.daemon.control.AdaptiveControl;
import io.hastegw.daemon.homeassistant.HomeAssistantDiscovery;
import io.hastegw.daemon.messages.Figures;
import io.hastegw.daemon.messages.Messages;
import io.hastegw.daemon.mqtt.MessagePublisher;
import io.hastegw.daemon.mqtt.OutgoingMessage;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The gateway's side of Home Assistant MQTT discovery: the gateway's entities on each connect, a
 * camera's entities when it is first predicted (and removed when it is forgotten), and the
 * statistics its sensors read, once per period. Called on the gateway's event loop.
 */
final class HomeAssistantBridge {
    private final HomeAssistantDiscovery discovery;
    private final MessagePublisher out;
    private final Messages messages;
    private final GatewayMetrics metrics;
    private final AdaptiveControl control;
    /** The cameras announced (tracked cameras only). */
    private final Set<String> announced = new HashSet<>();
    private final CameraRates rates = new CameraRates();
    private final PeriodTotals totals = new PeriodTotals();

    HomeAssistantBridge(HomeAssistantDiscovery discovery, MessagePublisher out, Messages messages, GatewayMetrics metrics,
                        AdaptiveControl control) {
        this.discovery = discovery;
        this.out = out;
        this.messages = messages;
        this.metrics = metrics;
        this.control = control;
    }

    /** The discovery messages' maker (zones add their sensors with it). */
    HomeAssistantDiscovery discovery() {
        return discovery;
    }

    /** Connected (again): the gateway's entities; {@code readOnly}: no command entities (control needs a signature). */
    void connected(boolean readOnly) {
        discovery.gateway(control.levels(), readOnly).forEach(m -> out.publish(OutgoingMessage.json(m.topic(), m.payload(), 1, true)));
    }

    /** A prediction for {@code camera} (metrics series {@code series}): its entities the first time since it was last forgotten. */
    void predicted(String camera, String series) {
        if (series.equals(camera) && announced.add(camera)) {
            discovery.camera(camera).forEach(m -> out.publish(OutgoingMessage.json(m.topic(), m.payload(), 1, true)));
        }
    }

    /** A camera gone idle: its entities removed (empty retained messages). */
    void forget(String camera) {
        if (announced.remove(camera)) {
            discovery.removeCamera(camera).forEach(m -> out.publish(OutgoingMessage.plain(m.topic(), m.payload(), 1, true)));
        }
    }

    /** The statistics the sensors read: level, p95, frames/s (in all and per camera), energy saved over the period. */
    void publishStats() {
        Map<String, Double> fps = rates.update(metrics.perCamera("haste_frames_processed"), System.currentTimeMillis());
        Double saved = totals.next(metrics).savedPercent();
        Map<String, Object> cameras = new TreeMap<>();
        fps.forEach((camera, rate) -> cameras.put(HomeAssistantDiscovery.key(camera), Map.of("camera_id", camera,
                "frames_per_second", rate == null ? 0.0 : rate)));
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("level", control.getAsInt());
        double p95 = control.stats().p95Ms();
        stats.put("p95_ms", Figures.finite3(p95));
        stats.put("frames_per_second", CameraRates.total(fps));
        stats.put("energy_saved_percent", saved == null ? null : Math.round(10 * saved) / 10.0);
        stats.put("cameras", cameras);
        out.publish(OutgoingMessage.json(discovery.statsTopic(), messages.stats(stats), 0, false));
    }
}
