package io.hastegw.daemon.messages;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hastegw.daemon.energy.EnergyAccounting;
import io.hastegw.plugin.api.Detection;
import io.hastegw.plugin.api.Detections;
import io.hastegw.plugin.api.Prediction;
import io.hastegw.plugin.api.ScoredLabel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The JSON messages the gateway publishes. Each carries a {@code schema} field naming its
 * versioned JSON Schema (resources {@code schemas/*.schema.json}, documented in docs/mqtt-api.md).
 */
public final class Messages {
    /** Schema id of prediction messages. */
    public static final String PREDICTION_SCHEMA = "haste.prediction/3";
    /** Schema id of a zone count's change. */
    public static final String ZONE_EVENT_SCHEMA = "haste.zone-event/1";
    /** Schema id of the energy summary. */
    public static final String ENERGY_SCHEMA = "haste.energy/1";
    /** Schema id of error events. */
    public static final String ERROR_SCHEMA = "haste.error/1";
    /** Schema id of level state messages. */
    public static final String LEVEL_SCHEMA = "haste.level/1";
    /** Schema id of the retained control state. */
    public static final String CONTROL_STATE_SCHEMA = "haste.control.state/1";
    /** Schema id of answers to control commands (v2). */
    public static final String CONTROL_ACK_SCHEMA = "haste.control.ack/1";
    /** Schema of the answer to a plugin command ({@code control/plugins/set}). */
    public static final String PLUGIN_ACK_SCHEMA = "haste.plugin.ack/1";
    /** Schema id of the periodic statistics (what Home Assistant's sensors read). */
    public static final String STATS_SCHEMA = "haste.stats/1";
    /** Schema id of status messages. */
    public static final String STATUS_SCHEMA = "haste.status/2";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String gatewayId;

    /** Messages of gateway {@code gatewayId}. */
    public Messages(String gatewayId) {
        this.gatewayId = gatewayId;
    }

    /**
     * A prediction message: a classifier's {@code top} labels, or a detector's {@code detections}
     * (boxes in frame pixels), {@code frame} size and {@code zones} counts; its energy fields are
     * null on a board without a device profile.
     */
    public byte[] prediction(Prediction p) {
        ObjectNode root = base(PREDICTION_SCHEMA, p.timestampMillis());
        root.put("camera_id", p.cameraId());
        root.put("frame_id", p.frameId());
        root.put("correlation_data", p.correlationData() == null ? null : Base64.getEncoder().encodeToString(p.correlationData()));
        ObjectNode props = root.putObject("user_properties");
        p.userProperties().forEach(props::put);
        root.put("model", p.model());
        root.put("level", p.result().level());
        if (p.detections() == null) {
            ArrayNode top = root.putArray("top");
            for (ScoredLabel l : p.top()) {
                top.addObject().put("index", l.index()).put("label", l.label()).put("score", l.score());
            }
        } else {
            detections(root, p.detections());
        }
        ObjectNode macs = root.putObject("macs");
        macs.put("dense", p.result().denseMacs());
        macs.put("executed", p.result().executedMacs());
        macs.put("reduction", 1.0 - (double) p.result().executedMacs() / p.result().denseMacs());
        ObjectNode energy = root.putObject("energy");
        Prediction.Energy e = p.energy();
        if (e == null) {
            energy.putNull("millijoules").putNull("dense_millijoules").putNull("saved_millijoules").put("method", EnergyAccounting.NO_PROFILE);
        } else {
            energy.put("millijoules", round(e.millijoules())).put("dense_millijoules", round(e.denseMillijoules()))
                    .put("saved_millijoules", round(e.denseMillijoules() - e.millijoules())).put("method", e.method());
        }
        ObjectNode latency = root.putObject("latency_ms");
        latency.put("queue", round(p.latency().queueMs()));
        latency.put("decode", round(p.latency().decodeMs()));
        latency.put("inference", round(p.latency().inferenceMs()));
        latency.put("total", round(p.latency().totalMs()));
        return bytes(root);
    }

    /** A detector's fields: frame size, detections (score to 4 decimals, box to 0.1 pixel), zone counts. */
    private static void detections(ObjectNode root, Detections d) {
        root.putObject("frame").put("width", d.frameWidth()).put("height", d.frameHeight());
        ArrayNode objects = root.putArray("detections");
        for (Detection o : d.objects()) {
            ObjectNode n = objects.addObject().put("index", o.index()).put("label", o.label()).put("score", round(o.score(), 4));
            ArrayNode box = n.putArray("box");
            for (double v : new double[] {o.x0(), o.y0(), o.x1(), o.y1()}) {
                box.add(round(v, 1));
            }
            o.zones().forEach(n.putArray("zones")::add);
        }
        ObjectNode zones = root.putObject("zones");
        d.zones().forEach((zone, counts) -> {
            ObjectNode z = zones.putObject(zone);
            counts.forEach(z::put);
        });
    }

    /** A zone count's change (schema {@code haste.zone-event/1}). */
    public byte[] zoneEvent(String cameraId, String zone, String label, int count, int previous, String frameId) {
        ObjectNode root = base(ZONE_EVENT_SCHEMA, System.currentTimeMillis());
        root.put("camera_id", cameraId);
        root.put("zone", zone);
        root.put("label", label);
        root.put("count", count);
        root.put("previous", previous);
        root.put("frame_id", frameId);
        return bytes(root);
    }

    /** An error event about one frame or command (camera and frame id may be null); {@code reason} as in the error schema. */
    public byte[] error(ErrorReason reason, String message, String topic, String cameraId, String frameId) {
        ObjectNode root = base(ERROR_SCHEMA, System.currentTimeMillis());
        root.put("reason", reason.wireName());
        root.put("message", message);
        root.put("topic", topic);
        root.put("camera_id", cameraId);
        root.put("frame_id", frameId);
        return bytes(root);
    }

    /** The energy summary: totals, the period, every camera, the meter. */
    public byte[] energySummary(Map<String, Object> summary) {
        return withFields(ENERGY_SCHEMA, summary);
    }

    /** The periodic statistics: level, p95, frames/s, energy saved, frames/s per camera (keyed for Home Assistant). */
    public byte[] stats(Map<String, Object> stats) {
        return withFields(STATS_SCHEMA, stats);
    }

    /** The level state: the level in use and the model's levels. */
    public byte[] level(int level, int levels, String model) {
        ObjectNode root = base(LEVEL_SCHEMA, System.currentTimeMillis());
        root.put("level", level);
        root.put("levels", levels);
        root.put("model", model);
        return bytes(root);
    }

    /** The control state (retained on control/state): settings, level, shedding, why, the ladder of levels. */
    public byte[] controlState(Map<String, Object> state) {
        return withFields(CONTROL_STATE_SCHEMA, state);
    }

    /** The answer to a v2 control command on {@code topic}: accepted or refused with every reason, and the state after it. */
    public byte[] controlAck(String topic, boolean accepted, List<String> errors, Map<String, Object> state) {
        ObjectNode root = base(CONTROL_ACK_SCHEMA, System.currentTimeMillis());
        root.put("command", topic.substring(topic.lastIndexOf('/') + 1));
        root.put("accepted", accepted);
        ArrayNode reasons = root.putArray("errors");
        errors.forEach(reasons::add);
        root.set("state", JSON.valueToTree(state));
        return bytes(root);
    }

    /**
     * The answer to a plugin command: {@code action} on {@code plugin} (null when the command could not be read), whether
     * it was carried out, every reason it was not, and the plugin's status after it (null when unknown).
     */
    public byte[] pluginAck(String plugin, String action, boolean accepted, List<String> errors, Map<String, Object> status) {
        ObjectNode root = base(PLUGIN_ACK_SCHEMA, System.currentTimeMillis());
        root.put("plugin", plugin);
        root.put("action", action);
        root.put("accepted", accepted);
        ArrayNode reasons = root.putArray("errors");
        errors.forEach(reasons::add);
        root.set("status", JSON.valueToTree(status));
        return bytes(root);
    }

    /** A status message: {@code online} or {@code offline}, with the model and level when known. */
    public byte[] status(String state, String model, int level, String detail) {
        ObjectNode root = base(STATUS_SCHEMA, System.currentTimeMillis());
        root.put("state", state);
        root.put("model", model);
        root.put("level", level);
        root.put("detail", detail);
        return bytes(root);
    }

    /**
     * The last will: {@code offline} with nothing that goes stale while the connection lasts (the
     * broker publishes it hours or months after it was handed over), so {@code timestamp} and
     * {@code level} are null.
     */
    public byte[] lastWill(String model) {
        ObjectNode root = base(STATUS_SCHEMA, null);
        root.put("state", "offline");
        root.put("model", model);
        root.putNull("level");
        root.put("detail", "connection lost");
        return bytes(root);
    }

    /** A message of {@code schema} stamped now, with {@code fields} beside the common ones. */
    private byte[] withFields(String schema, Map<String, Object> fields) {
        ObjectNode root = base(schema, System.currentTimeMillis());
        root.setAll((ObjectNode) JSON.valueToTree(fields));
        return bytes(root);
    }

    private ObjectNode base(String schema, Long millis) {
        ObjectNode root = JSON.createObjectNode();
        root.put("schema", schema);
        root.put("gateway_id", gatewayId);
        if (millis == null) {
            root.putNull("timestamp");
        } else {
            root.put("timestamp", Instant.ofEpochMilli(millis).toString());
        }
        return root;
    }

    private static double round(double ms) {
        return round(ms, 3);
    }

    private static double round(double v, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(v * scale) / scale;
    }

    private static byte[] bytes(ObjectNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }
}
