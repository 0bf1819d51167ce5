package io.hastegw.op.eval;

import io.hastegw.op.card.ModelCard;
import io.hastegw.op.detection.FrameGeometry;
import io.hastegw.op.onnx.FloatTensor;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Turns an image into the model's input tensor as its card prescribes: fit it to the input size
 * when needed (bilinear; stretched, or letterboxed: scaled by one factor, centred, padded with the
 * card's pad value, {@link FrameGeometry}), RGB or grey, scale, subtract mean, divide by std,
 * NCHW, batch 1.
 */
public final class Preprocessor {
    private final ModelCard card;

    /** A preprocessor for the model described by {@code card}. */
    public Preprocessor(ModelCard card) {
        this.card = card;
    }

    /** Reads {@code file} (JPEG, PNG, ...) and converts it. */
    public FloatTensor load(Path file) throws IOException {
        return prepare(file).tensor();
    }

    /**
     * An image as the model sees it, and where it lies in the input.
     *
     * @param tensor   the input tensor
     * @param geometry the image's place in the input (to map boxes back to its pixels)
     */
    public record Prepared(FloatTensor tensor, FrameGeometry geometry) {}

    /** Reads {@code file} (JPEG, PNG, ...), converts it and says where it lies in the input. */
    public Prepared prepare(Path file) throws IOException {
        BufferedImage image = ImageIO.read(file.toFile());
        if (image == null) {
            throw new IOException(file + ": not a readable image");
        }
        return new Prepared(toTensor(image), geometry(image.getWidth(), image.getHeight()));
    }

    /** Where an image of {@code width x height} lies in the input once fitted as the card says. */
    public FrameGeometry geometry(int width, int height) {
        int[] chw = card.chw();
        return FrameGeometry.of(width, height, chw[2], chw[1], card.input().resize());
    }

    /** Converts a decoded image. */
    public FloatTensor toTensor(BufferedImage image) {
        int[] chw = card.chw();
        int c = chw[0];
        int h = chw[1];
        int w = chw[2];
        FrameGeometry fitted = geometry(image.getWidth(), image.getHeight());
        BufferedImage sized = fitted.identity() ? image : fit(image, fitted, card.input().padValue());
        float[] data = new float[c * h * w];
        ModelCard.Input in = card.input();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = sized.getRGB(x, y);
                int r = (rgb >> 16) & 0xff;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                if (c == 3) {
                    data[y * w + x] = normalise(r, 0, in);
                    data[(h + y) * w + x] = normalise(g, 1, in);
                    data[(2 * h + y) * w + x] = normalise(b, 2, in);
                } else {
                    data[y * w + x] = normalise(grey(sized, x, y, r, g, b), 0, in);
                }
            }
        }
        return new FloatTensor(data, new long[] {1, c, h, w});
    }

    private static float normalise(double value, int channel, ModelCard.Input in) {
        return (float) ((value * in.scale() - in.mean().get(channel)) / in.std().get(channel));
    }

    /** The grey level: the raster's own sample for grey images, else ITU-R BT.601 luma. */
    private static double grey(BufferedImage image, int x, int y, int r, int g, int b) {
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            return image.getRaster().getSample(x, y, 0);
        }
        return 0.299 * r + 0.587 * g + 0.114 * b;
    }

    /** The image drawn into its content rectangle of an input-sized canvas filled with {@code pad}. */
    private static BufferedImage fit(BufferedImage image, FrameGeometry geometry, int pad) {
        BufferedImage out = new BufferedImage(geometry.inputWidth(), geometry.inputHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        if (geometry.width() < geometry.inputWidth() || geometry.height() < geometry.inputHeight()) {
            g.setColor(new java.awt.Color(pad, pad, pad));
            g.fillRect(0, 0, geometry.inputWidth(), geometry.inputHeight());
        }
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, geometry.left(), geometry.top(), geometry.width(), geometry.height(), null);
        g.dispose();
        return out;
    }
}
