package io.hastegw.daemon.detection;

import io.hastegw.daemon.config.DetectionConfig;
import io.hastegw.plugin.api.Detection;
import io.hastegw.plugin.api.Detections;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every camera's zones, and what a frame's detections mean for them: a detection is in a zone
 * when the bottom-centre pixel of its box ({@code ((x0 + x1) / 2, y1 - 0.5)}) lies inside the
 * zone's polygon (Frigate's rule: where an object stands); the zone counts the objects of its
 * labels. Zones are drawn in the camera's declared frame size; a frame of another size has them
 * scaled to it on each axis.
 */
public final class CameraZones {
    /**
     * One zone.
     *
     * @param name    its name
     * @param polygon its corners, in the camera's declared frame pixels
     * @param labels  the labels it counts
     */
    public record Zone(String name, ZonePolygon polygon, List<String> labels) {}

    /** A camera's declared frame size and its zones. */
    private record Camera(int width, int height, List<Zone> zones) {}

    private final Map<String, Camera> cameras = new LinkedHashMap<>();

    /** The zones of {@code config} (validated), counting {@code modelLabels} where a zone names no labels. */
    public CameraZones(DetectionConfig config, List<String> modelLabels) {
        config.cameras().forEach((id, c) -> cameras.put(id, new Camera(c.width(), c.height(), new ArrayList<>())));
        for (DetectionConfig.Zone z : config.zones()) {
            cameras.get(z.camera()).zones().add(new Zone(z.name(), ZonePolygon.of(z.polygon()), z.labels().isEmpty() ? List.copyOf(modelLabels)
                    : z.labels()));
        }
    }

    /** The zones of {@code camera}, in configuration order (none: empty). */
    public List<Zone> of(String camera) {
        Camera c = cameras.get(camera);
        return c == null ? List.of() : List.copyOf(c.zones());
    }

    /** Every camera that has zones, and its zones. */
    public Map<String, List<Zone>> all() {
        Map<String, List<Zone>> out = new LinkedHashMap<>();
        cameras.forEach((id, c) -> out.put(id, List.copyOf(c.zones())));
        return out;
    }

    /**
     * {@code camera}'s frame of {@code width x height} with {@code detections}: each detection
     * with the zones it is in, and per zone the count of each of its labels (labels with none left out).
     */
    public Detections assign(String camera, List<Detection> detections, int width, int height) {
        Camera c = cameras.get(camera);
        if (c == null || c.zones().isEmpty()) {
            return new Detections(width, height, detections, Map.of());
        }
        double sx = (double) c.width() / width;
        double sy = (double) c.height() / height;
        Map<String, Map<String, Integer>> counts = new LinkedHashMap<>();
        c.zones().forEach(z -> counts.put(z.name(), new LinkedHashMap<>()));
        List<Detection> out = new ArrayList<>(detections.size());
        for (Detection d : detections) {
            double x = (d.x0() + d.x1()) / 2 * sx;
            double y = (d.y1() - 0.5) * sy;
            List<String> in = new ArrayList<>();
            for (Zone z : c.zones()) {
                if (z.polygon().contains(x, y)) {
                    in.add(z.name());
                    if (z.labels().contains(d.label())) {
                        counts.get(z.name()).merge(d.label(), 1, Integer::sum);
                    }
                }
            }
            out.add(d.inZones(in));
        }
        return new Detections(width, height, out, counts);
    }
}
