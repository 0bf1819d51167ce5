package io.hastegw.op.card;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The JSON model card that travels with every model (see ../shared/models): the task, input name,
 * layout, shape, colour, normalisation and how frames of another size are fitted, the output's
 * name and kind (with a detector's decoding defaults), class labels.
 *
 * @param name   model name, reported in predictions and benchmarks
 * @param task   what the model does (key {@code task}; absent: classification)
 * @param input  how an image becomes the input tensor
 * @param output which graph output holds the scores or boxes, and how to read it
 * @param labels class labels, index = output position (a detector's class rows)
 */
public record ModelCard(String name, Task task, Input input, Output output, List<String> labels) {

    /** What a model does. */
    public enum Task {
        /** One label per frame from class scores (also written {@code classification}). */
        CLASSIFICATION("image-classification"),
        /** Boxes with labels and scores. */
        OBJECT_DETECTION("object-detection");

        private final String wire;

        Task(String wire) {
            this.wire = wire;
        }

        /** The card's value. */
        public String wireName() {
            return wire;
        }

        /** The task a card's {@code task} value names (absent: classification), or empty when none. */
        static java.util.Optional<Task> parse(String value) {
            if (value == null || value.equals("classification")) {
                return java.util.Optional.of(CLASSIFICATION);
            }
            return Arrays.stream(values()).filter(v -> v.wire.equals(value)).findFirst();
        }
    }

    /** How a frame whose size differs from the model's input is fitted into it. */
    public enum Resize {
        /** Scaled to the input's width and height independently (the aspect ratio changes). */
        STRETCH,
        /** Scaled by one factor to fit, centred, the rest padded ({@link Input#padValue()}): what YOLO exports expect. */
        LETTERBOX;

        /** The card's value. */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The model input.
     *
     * @param name     graph input name
     * @param layout   {@code NCHW} (the only layout the CNNs here use)
     * @param shape    {@code [N, C, H, W]}; N (and any unknown size) is null
     * @param color    {@code RGB} or {@code GRAY}
     * @param scale    factor applied to 8-bit pixel values first (usually 1/255)
     * @param mean     per-channel mean subtracted after scaling
     * @param std      per-channel standard deviation divided by last
     * @param resize   how frames of another size are fitted (key {@code resize}; absent: letterbox for detectors, stretch
     *                 for classifiers)
     * @param padValue the 8-bit value of letterbox padding, every channel (key {@code pad_value}; absent: 114, as YOLO)
     */
    public record Input(String name, String layout, List<Long> shape, String color, double scale,
                        List<Double> mean, List<Double> std, Resize resize, int padValue) {}

    /**
     * The model output.
     *
     * @param name      graph output name
     * @param kind      how to read it (key {@code kind})
     * @param detection a detector's decoding defaults (keys {@code score_threshold}, {@code iou_threshold},
     *                  {@code max_detections}); null for a classifier
     */
    public record Output(String name, OutputKind kind, DetectionDefaults detection) {}

    /**
     * How a detector's output is decoded by default (the gateway's configuration may override each).
     *
     * @param scoreThreshold detections scoring below this are dropped (0..1)
     * @param iouThreshold   class-aware non-maximum suppression: a box overlapping a better one of its class by more
     *                       than this intersection over union is dropped (0..1)
     * @param maxDetections  at most this many detections per frame, best first
     */
    public record DetectionDefaults(double scoreThreshold, double iouThreshold, int maxDetections) {
        /** Score threshold when the card names none: YOLO's prediction default. */
        public static final double SCORE_THRESHOLD = 0.25;
        /** IoU threshold when the card names none. */
        public static final double IOU_THRESHOLD = 0.5;
        /** Most detections per frame when the card names none. */
        public static final int MAX_DETECTIONS = 100;
        /** Score threshold of mAP measurements: mAP needs the low-score tail of the detections. */
        public static final double MAP_SCORE_THRESHOLD = 0.01;
        /** Most detections per frame of mAP measurements. */
        public static final int MAP_MAX_DETECTIONS = 300;

        /** The settings mAP is measured with: score above {@value #MAP_SCORE_THRESHOLD}, this IoU, at most {@value #MAP_MAX_DETECTIONS}. */
        public DetectionDefaults forMap() {
            return new DetectionDefaults(MAP_SCORE_THRESHOLD, iouThreshold, MAP_MAX_DETECTIONS);
        }

        /**
         * The problems with these values, one per bad value, each naming it as {@code name} names
         * {@code score_threshold}, {@code iou_threshold} and {@code max_detections}; empty when valid.
         */
        public List<String> problems(java.util.function.UnaryOperator<String> name) {
            List<String> errors = new java.util.ArrayList<>();
            if (!(scoreThreshold >= 0 && scoreThreshold <= 1)) {
                errors.add(name.apply("score_threshold") + " must be 0 to 1 (got " + scoreThreshold + ")");
            }
            if (!(iouThreshold > 0 && iouThreshold <= 1)) {
                errors.add(name.apply("iou_threshold") + " must be above 0 and at most 1 (got " + iouThreshold + ")");
            }
            if (maxDetections < 1 || maxDetections > 10_000) {
                errors.add(name.apply("max_detections") + " must be 1 to 10000 (got " + maxDetections + ")");
            }
            return errors;
        }
    }

    /** Channels, height and width of the input (the card's shape without N). */
    public int[] chw() {
        return new int[] {Math.toIntExact(input.shape.get(1)), Math.toIntExact(input.shape.get(2)),
                Math.toIntExact(input.shape.get(3))};
    }

    /** Whether this card describes an object detector. */
    public boolean detector() {
        return task == Task.OBJECT_DETECTION;
    }

    /** A classification card (the form of the cards written before detectors): stretch resize, logits or probabilities. */
    public static ModelCard classifier(String name, Input input, String outputName, OutputKind kind, List<String> labels) {
        return new ModelCard(name, Task.CLASSIFICATION, input, new Output(outputName, kind, null), labels);
    }

    /** Reads and checks a card; errors name the file and the offending key. */
    public static ModelCard read(Path file) throws ModelCardException {
        Json card;
        try {
            card = new ObjectMapper().readValue(file.toFile(), Json.class);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new ModelCardException(file, "model card not found");
        } catch (IOException e) {
            throw new ModelCardException(file, "not a valid JSON model card: " + e.getMessage());
        }
        return card.typed(file);
    }

    /** The card as written in JSON, before it is checked. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    private record Json(String name, String task, JsonInput input, JsonOutput output, List<String> labels) {
        ModelCard typed(Path file) throws ModelCardException {
            require(file, name != null && !name.isBlank(), "name", "a non-empty string");
            Task t = Task.parse(task).orElseThrow(() -> new ModelCardException(file, "key 'task' must be one of "
                            + Arrays.stream(Task.values()).map(Task::wireName).collect(Collectors.joining(", ")) + " (got '" + task + "')"));
            require(file, input != null, "input", "an object");
            require(file, output != null && output.name != null, "output.name", "the graph output's name");
            require(file, labels != null && !labels.isEmpty(), "labels", "a non-empty list of class names");
            return new ModelCard(name, t, input.typed(file, t), output.typed(file, t), List.copyOf(labels));
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    private record JsonInput(String name, String layout, List<Long> shape, String color, Double scale, List<Double> mean, List<Double> std,
                             String resize, @JsonProperty("pad_value") Integer padValue) {
        Input typed(Path file, Task task) throws ModelCardException {
            require(file, name != null, "input.name", "the graph input's name");
            require(file, "NCHW".equals(layout), "input.layout", "NCHW");
            require(file, shape != null && shape.size() == 4 && shape.subList(1, 4).stream().allMatch(d -> d != null && d > 0),
                    "input.shape", "[N, C, H, W] with C, H, W positive (N may be null)");
            require(file, "RGB".equals(color) || "GRAY".equals(color), "input.color", "RGB or GRAY");
            int channels = Math.toIntExact(shape.get(1));
            require(file, ("RGB".equals(color) ? 3 : 1) == channels, "input.color", "a colour that matches the " + channels + " input channel(s)");
            require(file, scale != null && scale > 0, "input.scale", "a positive number");
            require(file, mean != null && mean.size() == channels, "input.mean", channels + " numbers");
            require(file, std != null && std.size() == channels && std.stream().allMatch(s -> s > 0), "input.std", channels + " positive numbers");
            Resize r = resize == null ? (task == Task.OBJECT_DETECTION ? Resize.LETTERBOX : Resize.STRETCH)
                    : Arrays.stream(Resize.values()).filter(v -> v.wireName().equals(resize)).findFirst().orElse(null);
            require(file, r != null, "input.resize", "stretch or letterbox (got '" + resize + "')");
            int pad = padValue == null ? 114 : padValue;
            require(file, pad >= 0 && pad <= 255, "input.pad_value", "0 to 255 (got " + pad + ")");
            return new Input(name, layout, java.util.Collections.unmodifiableList(new java.util.ArrayList<>(shape)), color, scale,
                    List.copyOf(mean), List.copyOf(std), r, pad);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    private record JsonOutput(String name, String kind, @JsonProperty("score_threshold") Double scoreThreshold,
                              @JsonProperty("iou_threshold") Double iouThreshold, @JsonProperty("max_detections") Integer maxDetections) {
        Output typed(Path file, Task task) throws ModelCardException {
            List<OutputKind> allowed = OutputKind.of(task);
            OutputKind k = kind == null && task == Task.CLASSIFICATION ? OutputKind.LOGITS
                    : allowed.stream().filter(v -> v.wireName().equals(kind)).findFirst().orElse(null);
            require(file, k != null, "output.kind", "one of " + allowed.stream().map(OutputKind::wireName).collect(Collectors.joining(", "))
                    + " for task " + task.wireName() + " (got " + (kind == null ? "nothing" : "'" + kind + "'") + ")");
            if (task == Task.CLASSIFICATION) {
                return new Output(name, k, null);
            }
            DetectionDefaults d = new DetectionDefaults(scoreThreshold == null ? DetectionDefaults.SCORE_THRESHOLD : scoreThreshold,
                    iouThreshold == null ? DetectionDefaults.IOU_THRESHOLD : iouThreshold,
                    maxDetections == null ? DetectionDefaults.MAX_DETECTIONS : maxDetections);
            List<String> problems = d.problems(key -> "key 'output." + key + "'");
            if (!problems.isEmpty()) {
                throw new ModelCardException(file, problems.get(0));
            }
            return new Output(name, k, d);
        }
    }

    private static void require(Path file, boolean ok, String key, String allowed) throws ModelCardException {
        if (!ok) {
            throw new ModelCardException(file, "key '" + key + "' must be " + allowed);
        }
    }

    /** A model card that cannot be used; the message names the file. */
    public static final class ModelCardException extends Exception {
        private static final long serialVersionUID = 1L;

        ModelCardException(Path file, String reason) {
            super(file + ": " + reason);
        }
    }
}
