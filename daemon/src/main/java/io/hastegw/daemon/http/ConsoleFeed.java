package io.hastegw.daemon.http;

import io.hastegw.daemon.load.BoardSampler;
import io.hastegw.daemon.load.LatencyWindow;
import io.hastegw.daemon.messages.Figures;
import io.hastegw.daemon.messages.GatewayVersion;
import io.hastegw.daemon.pipeline.CameraRates;
import io.hastegw.daemon.pipeline.Gateway;
import io.hastegw.daemon.pipeline.GatewayMetrics;
import io.hastegw.daemon.pipeline.GatewayStatus;
import io.hastegw.daemon.pipeline.PeriodTotals;
import io.hastegw.daemon.pipeline.RecentErrors;
import io.hastegw.daemon.plugin.PluginStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeSet;

/**
 * What the operator console shows, once a second: the controller's level, mode and last reason,
 * the board's CPU and temperature, latency percentiles, frames/s and drops per camera, energy per
 * frame against dense, the MQTT connection, the last error events; and ten minutes of history
 * (level, p95, CPU, energy per frame) for its charts. Rates are counter differences over the last
 * tick. A figure that does not exist (no frames, a sensor the board lacks) is null, never
 * invented; the page says why. Confined to one Vert.x context.
 */
final class ConsoleFeed {
    /** Points of history kept: ten minutes at one a second. */
    static final int HISTORY = 600;

    private final Gateway gateway;
    private final boolean controlEnabled;
    private final ArrayDeque<JsonObject> history = new ArrayDeque<>(HISTORY);
    private final CameraRates processedRates = new CameraRates();
    private final CameraRates droppedRates = new CameraRates();
    private final PeriodTotals totals = new PeriodTotals();
    private long lastAt;

    ConsoleFeed(Gateway gateway, boolean controlEnabled) {
        this.gateway = gateway;
        this.controlEnabled = controlEnabled;
    }

    /** The state {@code now} (rates over the time since the previous call), also added to the history. */
    JsonObject tick(long nowMillis, GatewayStatus now) {
        GatewayMetrics m = gateway.metrics();
        double seconds = lastAt == 0 ? 0 : (nowMillis - lastAt) / 1000.0;
        Map<String, Double> processed = m.perCamera("haste_frames_processed");
        Map<String, Double> dropped = m.perCamera("haste_frames_dropped");
        Map<String, Double> shed = m.perCamera("haste_frames_shed");
        PeriodTotals.Period period = totals.next(m);
        Map<String, Double> fps = processedRates.update(processed, nowMillis);
        Map<String, Double> dps = droppedRates.update(dropped, nowMillis);
        JsonArray cameras = new JsonArray();
        TreeSet<String> ids = new TreeSet<>(processed.keySet());
        ids.addAll(dropped.keySet());
        ids.addAll(shed.keySet());
        for (String id : ids) {
            cameras.add(new JsonObject().put("id", id)
                    .put("frames_per_second", seconds > 0 ? fps.getOrDefault(id, 0.0) : null)
                    .put("dropped_per_second", seconds > 0 ? dps.getOrDefault(id, 0.0) : null)
                    .put("processed", processed.getOrDefault(id, 0.0).longValue())
                    .put("dropped", dropped.getOrDefault(id, 0.0).longValue())
                    .put("shed", shed.getOrDefault(id, 0.0).longValue())
                    .put("latest", gateway.latestFrames().summary(id).map(l -> new JsonObject().put("labels", new JsonArray(l.labels()))
                            .put("sequence", l.sequence())).orElse(null)));
        }
        Double saved = period.savedPercent();
        JsonObject energyNow = period.frames() > 0 && saved != null ? new JsonObject()
                .put("per_frame_mj", Figures.round3(period.millijoules() / period.frames()))
                .put("dense_per_frame_mj", Figures.round3(period.denseMillijoules() / period.frames()))
                .put("saved_percent", Figures.round3(saved)) : null;
        Map<String, Object> control = now.control();
        BoardSampler.Reading r = now.reading();
        LatencyWindow.Stats w = now.window();
        JsonObject state = new JsonObject()
                .put("t", nowMillis)
                .put("model", now.model())
                .put("version", GatewayVersion.current())
                .put("uptime_s", java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1000)
                .put("mqtt_connected", now.mqttReady())
                .put("control", new JsonObject().put("mode", ((Map<?, ?>) control.get("settings")).get("mode"))
                        .put("level", control.get("level")).put("levels", now.levels())
                        .put("shed_every", control.get("shed_every")).put("reason", control.get("reason"))
                        .put("settings", new JsonObject(castMap(control.get("settings")))))
                .put("control_enabled", controlEnabled)
                .put("board", new JsonObject().put("cpu_percent", percent(r.boardCpu())).put("temperature_c", Figures.finite3(r.temperatureC())))
                .put("latency", new JsonObject().put("p50_ms", Figures.finite3(w.p50Ms())).put("p95_ms", Figures.finite3(w.p95Ms())))
                .put("frames_per_second", seconds > 0 ? Figures.round3(period.frames() / seconds) : null)
                .put("energy", energyNow)
                .put("cameras", cameras)
                .put("totals", new JsonObject().put("received", (long) m.total("haste_frames_received"))
                        .put("processed", (long) m.total("haste_frames_processed")).put("dropped", (long) m.total("haste_frames_dropped"))
                        .put("shed", (long) m.total("haste_frames_shed")).put("errors", (long) m.total("haste_frame_errors")))
                .put("plugins", plugins())
                .put("errors", errors(now));
        lastAt = nowMillis;
        if (history.size() == HISTORY) {
            history.removeFirst();
        }
        history.addLast(new JsonObject().put("t", nowMillis).put("level", control.get("level")).put("p95_ms", Figures.finite3(w.p95Ms()))
                .put("cpu_percent", percent(r.boardCpu())).put("energy_mj", energyNow == null ? null : energyNow.getDouble("per_frame_mj")));
        return state;
    }

    /** The history, oldest first. */
    JsonArray history() {
        return new JsonArray(java.util.List.copyOf(history));
    }

    /** Every plugin with its state (running, disabled, refused, quarantined, not enabled), without asking their health. */
    private JsonArray plugins() {
        JsonArray out = new JsonArray();
        for (PluginStatus p : gateway.plugins().states()) {
            out.add(new JsonObject().put("id", p.id() == null ? p.location() : p.id()).put("origin", p.origin())
                    .put("isolation", p.isolation()).put("state", p.state())
                    .put("failures", p.failures()).put("reason", p.reason()));
        }
        return out;
    }

    private static JsonArray errors(GatewayStatus now) {
        JsonArray out = new JsonArray();
        for (RecentErrors.Entry e : now.errors()) {
            out.add(new JsonObject().put("t", e.timestampMillis()).put("reason", e.reason().wireName()).put("message", e.message())
                    .put("camera_id", e.cameraId()).put("frame_id", e.frameId()));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }

    private static Double percent(double share) {
        return Double.isFinite(share) ? Figures.round3(100 * share) : null;
    }

}
