package io.hastegw.op.detection;

import io.hastegw.op.card.OutputKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns a detector's raw output (batch 1, {@link OutputKind#YOLOV8} or {@link OutputKind#YOLOV5})
 * into boxes in input pixels: every (cell, class) whose score passes the threshold becomes a
 * candidate (multi-label, as YOLO validation decodes), then class-aware {@link Nms} keeps the best.
 * A NaN or infinite score anywhere, or such a box coordinate of a candidate, fails the frame
 * ({@link InvalidOutputException}): no box is better than a wrong one. Boxes with a width or
 * height that is not positive are dropped.
 */
public final class DetectionDecoder {
    private final OutputKind kind;
    private final int classes;

    /** A decoder for outputs of {@code kind} with {@code classes} classes. */
    public DetectionDecoder(OutputKind kind, int classes) {
        if (kind != OutputKind.YOLOV8 && kind != OutputKind.YOLOV5) {
            throw new IllegalArgumentException("not a detection output kind: " + kind.wireName());
        }
        if (classes < 1) {
            throw new IllegalArgumentException("a detector needs at least one class");
        }
        this.kind = kind;
        this.classes = classes;
    }

    /** Values per cell: 4 + classes (YOLOv8) or 5 + classes (YOLOv5). */
    public int rows() {
        return kind == OutputKind.YOLOV8 ? 4 + classes : 5 + classes;
    }

    /**
     * The detections of {@code output}, best first, boxes in input pixels.
     *
     * @param scoreThreshold candidates score above this
     * @param iouThreshold   class-aware suppression above this overlap
     * @param max            at most this many
     */
    public List<Detection> decode(float[] output, double scoreThreshold, double iouThreshold, int max) throws InvalidOutputException {
        return Nms.apply(candidates(output, scoreThreshold), iouThreshold, max);
    }

    /** Every (cell, class) scoring above {@code scoreThreshold}, boxes in input pixels, before suppression. */
    public List<Detection> candidates(float[] output, double scoreThreshold) throws InvalidOutputException {
        int rows = rows();
        if (output.length == 0 || output.length % rows != 0) {
            throw new InvalidOutputException("a " + kind.wireName() + " output with " + classes + " classes holds a multiple of " + rows
                    + " values; this one holds " + output.length);
        }
        int cells = output.length / rows;
        float threshold = (float) scoreThreshold;
        List<Detection> out = new ArrayList<>();
        if (kind == OutputKind.YOLOV8) {
            for (int c = 0; c < classes; c++) {
                int row = (4 + c) * cells;
                for (int n = 0; n < cells; n++) {
                    float s = output[row + n];
                    // One comparison for the common case; NaN and +inf fail it too, -inf is tested apart.
                    if (!(s <= threshold) || s == Float.NEGATIVE_INFINITY) {
                        checkScore(s, n, c);
                        add(out, c, s, output, n, cells, n);
                    }
                }
            }
        } else {
            for (int n = 0; n < cells; n++) {
                int at = n * rows;
                float objectness = output[at + 4];
                checkScore(objectness, n, -1);
                for (int c = 0; c < classes; c++) {
                    float p = output[at + 5 + c];
                    checkScore(p, n, c);
                    float s = objectness * p;
                    if (s > threshold) {
                        add(out, c, s, output, at, 1, n);
                    }
                }
            }
        }
        return out;
    }

    private void checkScore(float s, int cell, int c) throws InvalidOutputException {
        if (!Float.isFinite(s)) {
            throw new InvalidOutputException(String.format(Locale.ROOT, "the model's output holds %s as the %s of cell %d: no detections "
                    + "for this frame", s, c < 0 ? "objectness" : "score of class " + c, cell));
        }
    }

    /** Adds the box of {@code cell} for class {@code c} at score {@code s}: cx, cy, w, h at {@code at}, {@code at + step}, ... of {@code output}. */
    private static void add(List<Detection> out, int c, float s, float[] output, int at, int step, int cell) throws InvalidOutputException {
        float cx = output[at];
        float cy = output[at + step];
        float w = output[at + 2 * step];
        float h = output[at + 3 * step];
        if (!Float.isFinite(cx) || !Float.isFinite(cy) || !Float.isFinite(w) || !Float.isFinite(h)) {
            throw new InvalidOutputException(String.format(Locale.ROOT, "the model's output holds a box (cx %s, cy %s, w %s, h %s) that is not "
                    + "finite at cell %d, which scores %.3f for class %d: no detections for this frame", cx, cy, w, h, cell, s, c));
        }
        if (w > 0 && h > 0) {
            out.add(new Detection(c, s, cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2));
        }
    }
}
