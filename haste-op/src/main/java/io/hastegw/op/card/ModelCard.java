package io.hastegw.op.card;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The JSON model card that travels with every model (see ../shared/models): input name, layout,
 * shape, colour and normalisation, output name, class labels.
 *
 * @param name   model name, reported in predictions and benchmarks
 * @param input  how an image becomes the input tensor
 * @param output which graph output holds the scores
 * @param labels class labels, index = output position
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelCard(String name, Input input, Output output, List<String> labels) {

    /**
     * The model input.
     *
     * @param name   graph input name
     * @param layout {@code NCHW} (the only layout the CNNs here use)
     * @param shape  {@code [N, C, H, W]}; N (and any unknown size) is null
     * @param color  {@code RGB} or {@code GRAY}
     * @param scale  factor applied to 8-bit pixel values first (usually 1/255)
     * @param mean   per-channel mean subtracted after scaling
     * @param std    per-channel standard deviation divided by last
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Input(String name, String layout, List<Long> shape, String color, double scale,
                        List<Double> mean, List<Double> std) {}

    /**
     * The model output.
     *
     * @param name graph output name
     * @param kind {@code logits} or {@code probabilities}
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Output(String name, String kind) {}

    /** Channels, height and width of the input (the card's shape without N). */
    public int[] chw() {
        return new int[] {Math.toIntExact(input.shape.get(1)), Math.toIntExact(input.shape.get(2)),
                Math.toIntExact(input.shape.get(3))};
    }

    /** Reads and checks a card; errors name the file and the offending key. */
    public static ModelCard read(Path file) throws ModelCardException {
        ModelCard card;
        try {
            card = new ObjectMapper().readValue(file.toFile(), ModelCard.class);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new ModelCardException(file, "model card not found");
        } catch (IOException e) {
            throw new ModelCardException(file, "not a valid JSON model card: " + e.getMessage());
        }
        card.check(file);
        return card;
    }

    private void check(Path file) throws ModelCardException {
        require(file, name != null && !name.isBlank(), "name", "a non-empty string");
        require(file, input != null, "input", "an object");
        require(file, input.name != null, "input.name", "the graph input's name");
        require(file, "NCHW".equals(input.layout), "input.layout", "NCHW");
        require(file, input.shape != null && input.shape.size() == 4 && input.shape.subList(1, 4).stream().allMatch(d -> d != null && d > 0),
                "input.shape", "[N, C, H, W] with C, H, W positive (N may be null)");
        require(file, "RGB".equals(input.color) || "GRAY".equals(input.color), "input.color", "RGB or GRAY");
        int channels = Math.toIntExact(input.shape.get(1));
        require(file, ("RGB".equals(input.color) ? 3 : 1) == channels, "input.color", "a colour that matches the " + channels + " input channel(s)");
        require(file, input.scale > 0, "input.scale", "a positive number");
        require(file, input.mean != null && input.mean.size() == channels, "input.mean", channels + " numbers");
        require(file, input.std != null && input.std.size() == channels && input.std.stream().allMatch(s -> s > 0),
                "input.std", channels + " positive numbers");
        require(file, output != null && output.name != null, "output.name", "the graph output's name");
        require(file, labels != null && !labels.isEmpty(), "labels", "a non-empty list of class names");
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
