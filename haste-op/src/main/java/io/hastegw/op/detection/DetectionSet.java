package io.hastegw.op.detection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A labelled detection folder in the {@code boxes.json} format of ../shared/data/detection-scenes:
 * {@code DIR/boxes.json} is {@code {"classes": [...], "images": {"0000.jpg": [{"label": "cat",
 * "box": [x0, y0, x1, y1]}, ...]}}} (pixels of the image) and the images lie in {@code DIR/images/}.
 * Labels are mapped to the model card's label indices; a label the card does not know is an error.
 */
public final class DetectionSet {
    private DetectionSet() {}

    /**
     * One labelled image.
     *
     * @param file  the image
     * @param truth its labelled boxes (score 1)
     */
    public record Scene(Path file, List<Detection> truth) {}

    /** The first {@code limit} scenes of {@code dir} in file-name order (0 or less: all). */
    public static List<Scene> read(Path dir, List<String> labels, int limit) throws IOException {
        Path json = dir.resolve("boxes.json");
        if (!Files.isRegularFile(json)) {
            throw new IOException(dir + ": not a detection folder (no boxes.json; expected DIR/boxes.json and DIR/images/)");
        }
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        JsonNode images = root.get("images");
        if (images == null || !images.isObject()) {
            throw new IOException(json + ": no \"images\" object");
        }
        Map<String, JsonNode> sorted = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = images.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            sorted.put(e.getKey(), e.getValue());
        }
        List<Scene> scenes = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : sorted.entrySet()) {
            if (limit > 0 && scenes.size() == limit) {
                break;
            }
            Path file = dir.resolve("images").resolve(e.getKey());
            if (!Files.isRegularFile(file)) {
                throw new IOException(json + ": image " + e.getKey() + " is not in " + dir.resolve("images"));
            }
            scenes.add(new Scene(file, truth(json, e.getKey(), e.getValue(), labels)));
        }
        if (scenes.isEmpty()) {
            throw new IOException(json + ": no images");
        }
        return scenes;
    }

    private static List<Detection> truth(Path json, String image, JsonNode boxes, List<String> labels) throws IOException {
        List<Detection> truth = new ArrayList<>();
        for (JsonNode b : boxes) {
            String label = b.path("label").asText(null);
            int c = labels.indexOf(label);
            if (c < 0) {
                throw new IOException(json + ": " + image + " has label '" + label + "', which the model card's labels do not hold");
            }
            JsonNode box = b.get("box");
            if (box == null || box.size() != 4) {
                throw new IOException(json + ": " + image + ": a box is [x0, y0, x1, y1]");
            }
            truth.add(new Detection(c, 1f, (float) box.get(0).asDouble(), (float) box.get(1).asDouble(), (float) box.get(2).asDouble(),
                    (float) box.get(3).asDouble()));
        }
        return truth;
    }
}
