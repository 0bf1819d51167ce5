package io.hastegw.plugin.api;

import java.util.List;

/**
 * One object a detector found in a frame, its box in the frame's own pixels (x to the right, y
 * down, the frame's top-left corner at 0, 0; clipped to the frame).
 *
 * @param index the class index (position in the model's labels)
 * @param label the class name (a post-processor may rename it)
 * @param score 0..1
 * @param x0    left
 * @param y0    top
 * @param x1    right, above {@code x0}
 * @param y1    bottom, above {@code y0}
 * @param zones the camera's zones the object is in (its box's bottom-centre inside the zone), in configuration order
 */
public record Detection(int index, String label, double score, double x0, double y0, double x1, double y1, List<String> zones) {
    /** Copies the zones. */
    public Detection {
        zones = List.copyOf(zones);
    }

    /** This detection under another label (a post-processor's mapping). */
    public Detection withLabel(String newLabel) {
        return new Detection(index, newLabel, score, x0, y0, x1, y1, zones);
    }

    /** This detection in {@code newZones}. */
    public Detection inZones(List<String> newZones) {
        return new Detection(index, label, score, x0, y0, x1, y1, newZones);
    }
}
