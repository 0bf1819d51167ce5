package io.hastegw.op.card;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How a model's output is laid out (the card's {@code output.kind}), and the check of a real
 * output shape against it.
 */
public enum OutputKind {
    /** Classification: {@code [N, classes]} raw scores (softmax applied by the reader). */
    LOGITS(ModelCard.Task.CLASSIFICATION),
    /** Classification: {@code [N, classes]} probabilities. */
    PROBABILITIES(ModelCard.Task.CLASSIFICATION),
    /**
     * Detection, the YOLOv8 / YOLO11 ONNX export layout: {@code [N, 4 + classes, cells]}; rows 0-3
     * the box centre x, y, width and height in input pixels, then one score (0..1) per class.
     */
    YOLOV8(ModelCard.Task.OBJECT_DETECTION),
    /**
     * Detection, the YOLOv5 ONNX export layout: {@code [N, cells, 5 + classes]}; per cell the box
     * centre x, y, width, height in input pixels, the objectness, then one probability per class
     * (a class's score is objectness times its probability).
     */
    YOLOV5(ModelCard.Task.OBJECT_DETECTION);

    private final ModelCard.Task task;

    OutputKind(ModelCard.Task task) {
        this.task = task;
    }

    /** The card's value ({@code logits}, {@code probabilities}, {@code yolov8}, {@code yolov5}). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The task this layout belongs to. */
    public ModelCard.Task task() {
        return task;
    }

    /** The kinds a card of {@code task} may name. */
    public static List<OutputKind> of(ModelCard.Task task) {
        return Arrays.stream(values()).filter(k -> k.task == task).toList();
    }

    /** The layout this kind expects for {@code classes} classes, in words. */
    public String expected(int classes) {
        return switch (this) {
            case LOGITS, PROBABILITIES -> "[N, " + classes + "]";
            case YOLOV8 -> "[N, 4 + " + classes + " classes = " + (4 + classes) + ", cells]";
            case YOLOV5 -> "[N, cells, 5 + " + classes + " classes = " + (5 + classes) + "]";
        };
    }

    /** Cells of a detection output of {@code shape} (batch 1 of this layout). */
    public int cells(long[] shape) {
        return Math.toIntExact(this == YOLOV8 ? shape[2] : shape[1]);
    }

    /**
     * Why an output of {@code shape} (batch 1; from a real run) does not fit this kind with
     * {@code classes} classes, naming both; empty when it fits.
     */
    public Optional<String> mismatch(String outputName, long[] shape, int classes) {
        boolean fits = switch (this) {
            case LOGITS, PROBABILITIES -> shape.length == 2 && shape[1] == classes;
            case YOLOV8 -> shape.length == 3 && shape[1] == 4 + classes && shape[2] >= 1;
            case YOLOV5 -> shape.length == 3 && shape[2] == 5 + classes && shape[1] >= 1;
        };
        return fits ? Optional.empty() : Optional.of("the model card says output.kind " + wireName() + " with " + classes + " labels, "
                + expected(classes) + ", but the model's output '" + outputName + "' has shape " + Arrays.toString(shape));
    }
}
