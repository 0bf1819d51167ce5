package io.hastegw.plugin.api;

import java.util.List;
import java.util.Map;

/**
 * What a detector found in one frame.
 *
 * @param frameWidth  the frame's width in its own pixels (the boxes' coordinates)
 * @param frameHeight the frame's height
 * @param objects     the detections, best first
 * @param zones       per zone of the camera (configuration order), the number of objects in it per label (labels with none left out)
 */
public record Detections(int frameWidth, int frameHeight, List<Detection> objects, Map<String, Map<String, Integer>> zones) {
    /** Copies the lists and maps (keeping their order). */
    public Detections {
        objects = List.copyOf(objects);
        Map<String, Map<String, Integer>> copy = new java.util.LinkedHashMap<>();
        zones.forEach((zone, counts) -> copy.put(zone, java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(counts))));
        zones = java.util.Collections.unmodifiableMap(copy);
    }
}
