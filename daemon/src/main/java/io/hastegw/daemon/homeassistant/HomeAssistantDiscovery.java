package io.hastegw.daemon.homeassistant;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Home Assistant MQTT discovery (https://www.home-assistant.io/integrations/mqtt/#mqtt-discovery):
 * the retained {@code <prefix>/<component>/haste_<gateway_id>/<object_id>/config} messages that
 * declare the gateway's entities, all on one device ({@code haste_<gateway_id>}) whose availability
 * follows the gateway's retained status topic. Per camera: a sensor for its top label (score and
 * level as attributes; a detector's: its best detection's), one for the score (%), one for its
 * frames/s, and for a detector one for the number of objects. Per zone and label of a detector's
 * cameras: the number of objects of that label in the zone ("car in driveway"). Per gateway: the level (a
 * {@code number} that sets it through control v2 when commands need no signature, else a
 * read-only sensor), p95 latency, energy saved and frames/s. Camera ids come from untrusted
 * clients: they appear only as JSON strings (names) and, in topics and templates, as a key made
 * of {@code [a-z0-9_]} only.
 */
public final class HomeAssistantDiscovery {
    /** A retained message to publish (an empty payload clears a config). */
    public record Message(String topic, byte[] payload) {}

    private static final Pattern SIMPLE = Pattern.compile("[a-z0-9_]{1,40}");

    private final String prefix;
    private final String node;
    private final String base;
    private final JsonObject device;
    private final JsonArray availability;
    /** The predictions' best result: {@code top} of a classifier, {@code detections} of a detector. */
    private final String best;
    private final boolean detector;

    /**
     * @param prefix    the discovery prefix ({@code homeassistant})
     * @param gatewayId the gateway's id
     * @param model     the model the gateway runs (the device's model field)
     * @param version   the gateway's version
     * @param detector  whether the model is an object detector
     */
    public HomeAssistantDiscovery(String prefix, String gatewayId, String model, String version, boolean detector) {
        this.detector = detector;
        this.best = detector ? "value_json.detections" : "value_json.top";
        this.prefix = prefix;
        this.node = "haste_" + gatewayId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "_");
        this.base = "haste/" + gatewayId + "/";
        this.device = new JsonObject().put("identifiers", new JsonArray().add(node)).put("name", "haste-gateway " + gatewayId)
                .put("manufacturer", "haste-gateway").put("model", model).put("sw_version", version);
        this.availability = new JsonArray().add(new JsonObject().put("topic", base + "status").put("value_template", "{{ value_json.state }}")
                .put("payload_available", "online").put("payload_not_available", "offline"));
    }

    /** The topic the statistics the sensors read are published on ({@code haste/<gateway_id>/stats}). */
    public String statsTopic() {
        return base + "stats";
    }

    /**
     * The key of {@code camera} in object ids and in the statistics: the id itself when it is 1-40
     * of {@code a-z 0-9 _}, else its letters and digits (runs of others as one {@code _}), lower case, at most 24, and 8 hex digits
     * of its SHA-256.
     */
    public static String key(String camera) {
        if (SIMPLE.matcher(camera).matches()) {
            return camera;
        }
        String clean = camera.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
        clean = clean.length() > 24 ? clean.substring(0, 24) : clean;
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(camera.getBytes(StandardCharsets.UTF_8));
            return clean + "_" + HexFormat.of().formatHex(hash, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The gateway's entities.
     *
     * @param levels   the model's levels
     * @param settable whether the level may be set from Home Assistant (control commands need no signature)
     */
    public List<Message> gateway(int levels, boolean settable) {
        JsonObject level = entity("level", "level", base + "control/state", "{{ value_json.level }}").put("icon", "mdi:tune-variant");
        Message levelConfig;
        if (settable) {
            level.put("command_topic", base + "control/set").put("command_template", "{\"mode\": \"fixed\", \"level\": {{ value | int }}}")
                    .put("min", 0).put("max", levels - 1).put("step", 1).put("mode", "box");
            levelConfig = config("number", "level", level);
        } else {
            levelConfig = config("sensor", "level", level.put("state_class", "measurement"));
        }
        List<Message> mode = settable ? List.of(config("select", "mode", entity("mode", "mode", base + "control/state",
                "{{ value_json.settings.mode }}").put("command_topic", base + "control/set").put("command_template", "{\"mode\": \"{{ value }}\"}")
                .put("options", new io.vertx.core.json.JsonArray(List.of("auto", "fixed", "off"))).put("icon", "mdi:auto-mode")))
                : List.of();
        List<Message> all = new java.util.ArrayList<>(List.of(levelConfig,
                config("sensor", "p95_latency", entity("p95_latency", "p95 latency", statsTopic(), "{{ value_json.p95_ms }}")
                        .put("unit_of_measurement", "ms").put("device_class", "duration").put("state_class", "measurement")),
                config("sensor", "energy_saved", entity("energy_saved", "energy saved", statsTopic(), "{{ value_json.energy_saved_percent }}")
                        .put("unit_of_measurement", "%").put("state_class", "measurement").put("icon", "mdi:leaf")),
                config("sensor", "frames_per_second", entity("frames_per_second", "frames/s", statsTopic(), "{{ value_json.frames_per_second }}")
                        .put("unit_of_measurement", "frames/s").put("state_class", "measurement"))));
        all.addAll(mode);
        return List.copyOf(all);
    }

    /**
     * The retained topic of {@code camera}'s availability ({@code online} while it sends, {@code offline}
     * once idle): its entities are available while both it and the gateway's status say online.
     */
    public String cameraAvailability(String camera) {
        return base + "cameras/" + camera + "/availability";
    }

    /** The entities of {@code camera}. */
    public List<Message> camera(String camera) {
        String k = key(camera);
        String predictions = base + "cameras/" + camera + "/predictions";
        List<Message> entities = new java.util.ArrayList<>(List.of(
                config("sensor", k + "_label", ofCamera(camera, entity(k + "_label", camera + " label", predictions,
                        "{{ " + best + "[0].label if " + best + " else 'none' }}").put("icon", "mdi:cctv"))),
                // Whole percent, no per-frame attributes: the recorder keeps a row when the value changes, not one per frame.
                config("sensor", k + "_score", ofCamera(camera, entity(k + "_score", camera + " score", predictions,
                        "{{ (" + best + "[0].score * 100) | round | int if " + best + " else 0 }}").put("unit_of_measurement", "%")
                        .put("state_class", "measurement"))),
                config("sensor", k + "_frames_per_second", ofCamera(camera, entity(k + "_frames_per_second", camera + " frames/s", statsTopic(),
                        "{{ value_json.cameras['" + k + "'].frames_per_second if '" + k + "' in value_json.cameras else 0 }}")
                        .put("unit_of_measurement", "frames/s").put("state_class", "measurement")))));
        if (detector) {
            entities.add(config("sensor", k + "_objects", ofCamera(camera, entity(k + "_objects", camera + " objects", predictions,
                    "{{ value_json.detections | length }}").put("unit_of_measurement", "objects").put("state_class", "measurement")
                    .put("icon", "mdi:shape-outline"))));
        }
        return List.copyOf(entities);
    }

    /**
     * The sensor of {@code label} in {@code camera}'s zone {@code zone} ("car in driveway"), reading
     * the retained count on {@code stateTopic}.
     */
    public Message zone(String camera, String zone, String label, String stateTopic) {
        String k = key(camera) + "_zone_" + key(zone) + "_" + key(label);
        return config("sensor", k, entity(k, label + " in " + zone + " (" + camera + ")", stateTopic, "{{ value | int }}")
                .put("unit_of_measurement", "objects").put("state_class", "measurement").put("icon", "mdi:vector-polygon"));
    }

    /** The filter of this gateway's own retained configs ({@code <prefix>/+/haste_<gateway_id>/+/config}), read back at connect. */
    public String ownConfigs() {
        return prefix + "/+/" + node + "/+/config";
    }

    /**
     * The camera availability topic a retained config of this gateway names, when {@code topic} is one
     * of its camera entities ({@code payload} as published); empty for gateway entities, zones and
     * removals. How a restarted gateway learns the cameras an earlier run announced.
     */
    public java.util.Optional<String> cameraOf(String topic, byte[] payload) {
        if (payload.length == 0 || !topic.startsWith(prefix + "/") || !topic.contains("/" + node + "/") || !topic.endsWith("/config")) {
            return java.util.Optional.empty();
        }
        try {
            JsonArray avail = new JsonObject(new String(payload, StandardCharsets.UTF_8)).getJsonArray("availability");
            if (avail == null || avail.size() < 2) {
                return java.util.Optional.empty();
            }
            String t = avail.getJsonObject(1).getString("topic");
            return t != null && t.startsWith(base + "cameras/") && t.endsWith("/availability") ? java.util.Optional.of(t) : java.util.Optional.empty();
        } catch (RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    /** Empty retained messages that remove {@code camera}'s entities from Home Assistant. */
    public List<Message> removeCamera(String camera) {
        return camera(camera).stream().map(m -> new Message(m.topic(), new byte[0])).toList();
    }

    private JsonObject entity(String objectId, String name, String stateTopic, String valueTemplate) {
        return new JsonObject().put("name", name).put("unique_id", node + "_" + objectId)
                .put("state_topic", stateTopic).put("value_template", valueTemplate).put("availability", availability.copy())
                .put("device", device.copy()).put("origin", new JsonObject().put("name", "haste-gateway"));
    }

    /** {@code entity} of a camera: available while the gateway and the camera both say online. */
    private JsonObject ofCamera(String camera, JsonObject entity) {
        return entity.put("availability", availability.copy().add(new JsonObject().put("topic", cameraAvailability(camera))
                .put("payload_available", "online").put("payload_not_available", "offline"))).put("availability_mode", "all");
    }

    /** The retained config of an entity; its entity id is proposed as {@code default_entity_id} (object_id is gone since HA 2026.4). */
    private Message config(String component, String objectId, JsonObject payload) {
        payload.put("default_entity_id", component + "." + node + "_" + objectId);
        return new Message(prefix + "/" + component + "/" + node + "/" + objectId + "/config", payload.encode().getBytes(StandardCharsets.UTF_8));
    }
}
