package io.hastegw.daemon.config;

import io.hastegw.daemon.detection.ZonePolygon;
import io.hastegw.daemon.mqtt.CameraId;
import io.hastegw.op.card.ModelCard;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Detectors' settings (docs/configuration.md "detection"): decoding overrides of the model card's
 * defaults, and zones: named polygons in a camera's frame pixels; an object is in a zone when the
 * bottom-centre of its box is inside (Frigate's rule). A camera with zones declares the frame size
 * its zones' coordinates are in; frames of another size have the zones scaled to them.
 *
 * @param scoreThreshold detections scoring below this are dropped; null: the card's (0.25 unless it names one)
 * @param iouThreshold   class-aware NMS IoU; null: the card's (0.5 unless it names one)
 * @param maxDetections  at most this many detections per frame; null: the card's (100 unless it names one)
 * @param cameras        the cameras that have zones: the frame size their zones are drawn in
 * @param zones          the zones, in the order they are reported
 */
public record DetectionConfig(Double scoreThreshold, Double iouThreshold, Integer maxDetections, Map<String, Camera> cameras, List<Zone> zones) {
    /** Copies the map and list (none: empty). */
    public DetectionConfig {
        cameras = cameras == null ? Map.of() : Map.copyOf(cameras);
        zones = zones == null ? List.of() : List.copyOf(zones);
    }

    /**
     * A camera's frame size, the coordinates of its zones.
     *
     * @param width  pixels per row
     * @param height rows
     */
    public record Camera(int width, int height) {}

    /**
     * A zone.
     *
     * @param name    1-64 of {@code A-Z a-z 0-9 _ -}, unique per camera (it appears in topics and metrics)
     * @param camera  the camera (a key of {@code detection.cameras})
     * @param polygon its corners {@code [x, y]} in the camera's frame pixels, at least 3, not crossing itself
     * @param labels  the labels counted in it (null or empty: every label of the model)
     */
    public record Zone(String name, String camera, List<List<Double>> polygon, List<String> labels) {
        /** Copies the lists. */
        public Zone {
            labels = labels == null ? List.of() : List.copyOf(labels);
        }
    }

    /** The decoding settings in force: these overrides over {@code card}'s defaults. */
    public ModelCard.DetectionDefaults decoding(ModelCard.DetectionDefaults card) {
        return new ModelCard.DetectionDefaults(scoreThreshold != null ? scoreThreshold : card.scoreThreshold(),
                iouThreshold != null ? iouThreshold : card.iouThreshold(), maxDetections != null ? maxDetections : card.maxDetections());
    }

    /** Every problem with these settings, each naming its key; empty when valid. {@code maxCameraIdLength} bounds camera ids. */
    public List<String> validate(int maxCameraIdLength) {
        List<String> errors = new ArrayList<>(new ModelCard.DetectionDefaults(scoreThreshold == null ? 0.5 : scoreThreshold,
                iouThreshold == null ? 0.5 : iouThreshold, maxDetections == null ? 1 : maxDetections)
                .problems(key -> "key 'detection." + key + "'"));
        cameras.forEach((id, c) -> {
            if (CameraId.problem(id, maxCameraIdLength).isPresent()) {
                errors.add("key 'detection.cameras' names camera '" + id + "', which is not a camera id (1-" + maxCameraIdLength
                        + " characters without / + # or NUL)");
            }
            if (c == null || c.width < 1 || c.height < 1 || c.width > 65535 || c.height > 65535) {
                errors.add("key 'detection.cameras." + id + "' must be {width, height} of 1 to 65535 pixels");
            }
        });
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < zones.size(); i++) {
            Zone z = zones.get(i);
            String key = "detection.zones[" + i + "]";
            if (z == null || z.name == null || !z.name.matches("[A-Za-z0-9_-]{1,64}")) {
                errors.add("key '" + key + ".name' must be 1-64 characters of A-Z a-z 0-9 _ - (got " + (z == null ? "nothing" : "'" + z.name + "'") + ")");
                continue;
            }
            String named = "detection.zones[" + i + "] (" + z.name + ")";
            Camera camera = z.camera == null ? null : cameras.get(z.camera);
            if (camera == null) {
                errors.add("key '" + named + ".camera' names camera " + (z.camera == null ? "nothing" : "'" + z.camera + "'")
                        + ", which detection.cameras does not declare (declared: " + (cameras.isEmpty() ? "none" : String.join(", ",
                        new java.util.TreeSet<>(cameras.keySet()))) + "); declare it there with the frame size of its zones");
                continue;
            }
            if (!seen.add(z.camera + '\0' + z.name)) {
                errors.add("key '" + named + ".name': camera '" + z.camera + "' has two zones named '" + z.name + "'");
            }
            ZonePolygon.problem(z.polygon, camera.width, camera.height).ifPresent(p -> errors.add("key '" + named + ".polygon' " + p));
        }
        return errors;
    }

    /** The zones' labels that {@code labels} (the model card's) do not hold, as messages naming the zone; empty when all are known. */
    public List<String> unknownLabels(List<String> labels) {
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < zones.size(); i++) {
            Zone z = zones.get(i);
            for (String label : z.labels) {
                if (!labels.contains(label)) {
                    errors.add("key 'detection.zones[" + i + "] (" + z.name + ").labels' names label '" + label + "', which the model card's labels do not hold ("
                            + String.join(", ", labels) + ")");
                }
            }
        }
        return errors;
    }
}
