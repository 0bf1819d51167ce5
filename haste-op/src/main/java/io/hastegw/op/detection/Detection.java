package io.hastegw.op.detection;

/**
 * One detected object: a class, its score and its box, corners in pixels (of the model input or
 * of the frame, as the producer says).
 *
 * @param classIndex the class (the card's label index)
 * @param score      0..1
 * @param x0         left
 * @param y0         top
 * @param x1         right (above x0)
 * @param y1         bottom (above y0)
 */
public record Detection(int classIndex, float score, float x0, float y0, float x1, float y1) {
    /** The box's area in square pixels. */
    public double area() {
        return (double) (x1 - x0) * (y1 - y0);
    }

    /** Intersection over union with {@code other} (0 when they do not overlap). */
    public double iou(Detection other) {
        return iou(other.x0, other.y0, other.x1, other.y1);
    }

    /** Intersection over union with the box (ax0, ay0)-(ax1, ay1). */
    public double iou(float ax0, float ay0, float ax1, float ay1) {
        double iw = Math.min(x1, ax1) - Math.max(x0, ax0);
        double ih = Math.min(y1, ay1) - Math.max(y0, ay0);
        if (iw <= 0 || ih <= 0) {
            return 0;
        }
        double inter = iw * ih;
        return inter / (area() + (double) (ax1 - ax0) * (ay1 - ay0) - inter);
    }

    /** The same detection with another box. */
    public Detection withBox(float nx0, float ny0, float nx1, float ny1) {
        return new Detection(classIndex, score, nx0, ny0, nx1, ny1);
    }
}
