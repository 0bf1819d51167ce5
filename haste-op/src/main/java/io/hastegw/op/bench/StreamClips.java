package io.hastegw.op.bench;

import io.hastegw.op.eval.LabelledImage;
import io.hastegw.op.eval.Preprocessor;
import io.hastegw.op.onnx.FloatTensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Synthetic camera streams from still images: each clip is one image seen by a camera that jitters
 * (the view shifts by up to {@value #MAX_SHIFT} pixels in a random walk), whose exposure drifts
 * (gain within 1 ± {@value #MAX_GAIN_DRIFT}, offset within ± {@value #MAX_OFFSET} grey levels, both
 * random walks) and whose sensor adds Gaussian noise (sigma {@value #NOISE} grey levels) to every
 * pixel of every frame; the next clip is a scene cut to another image. Frames are made in
 * 8-bit pixels, as a camera sends them, then preprocessed for the model.
 */
public final class StreamClips {
    /** Largest shift of the view, pixels. */
    public static final int MAX_SHIFT = 2;
    /** Largest gain drift from 1. */
    public static final double MAX_GAIN_DRIFT = 0.15;
    /** Largest offset drift, grey levels. */
    public static final double MAX_OFFSET = 12;
    /** Sensor noise, grey levels (sigma). */
    public static final double NOISE = 2.0;

    private StreamClips() {}

    /**
     * One frame of a clip.
     *
     * @param input the preprocessed frame
     * @param clip  the clip's number (a new number is a scene cut)
     * @param index the frame's number within its clip
     */
    public record Frame(FloatTensor input, int clip, int index) {}

    /**
     * A stream of clips and how a mode's outputs on it are scored.
     *
     * @param frames the frames, clip after clip
     * @param score  percent for one mode's outputs (frame by frame), given the dense model's outputs on the same frames
     * @param name   what the score is ({@code top-1}, {@code mAP@0.5}, ...)
     */
    public record Clips(List<Frame> frames, ClipScore score, String name) {}

    /** Scores one mode's outputs on the frames of a stream. */
    @FunctionalInterface
    public interface ClipScore {
        /** The score in percent of {@code outputs} (one per frame), with the dense model's {@code dense} on the same frames. */
        double percent(List<FloatTensor> outputs, List<FloatTensor> dense);
    }

    /**
     * {@code clips} clips of {@code frames} frames each, the clip k on image k (cycling), made
     * reproducibly from {@code seed}, scored by top-1 against the images' classes, or by
     * {@code agreement} with the dense model's top-1 (models with random weights).
     */
    public static Clips build(List<LabelledImage> images, int clips, int frames, Preprocessor pre, long seed, boolean agreement) throws IOException {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images to make clips of");
        }
        Random random = new Random(seed);
        List<Frame> out = new ArrayList<>(clips * frames);
        int[] labels = new int[clips * frames];
        for (int c = 0; c < clips; c++) {
            LabelledImage image = images.get(c % images.size());
            BufferedImage src = ImageIO.read(image.file().toFile());
            if (src == null) {
                throw new IOException(image.file() + ": not a readable image");
            }
            int dx = 0, dy = 0;
            double gain = 1, offset = 0;
            for (int f = 0; f < frames; f++) {
                if (f > 0) {
                    dx = walk(random, dx);
                    dy = walk(random, dy);
                    gain = Math.max(1 - MAX_GAIN_DRIFT, Math.min(1 + MAX_GAIN_DRIFT, gain + random.nextGaussian() * 0.01));
                    offset = Math.max(-MAX_OFFSET, Math.min(MAX_OFFSET, offset + random.nextGaussian()));
                }
                labels[out.size()] = image.label();
                out.add(new Frame(pre.toTensor(frame(src, dx, dy, gain, offset, random)), c, f));
            }
        }
        return agreement ? new Clips(out, (outputs, dense) -> top1(outputs, i -> dense.get(i).argmax()), "agreement with dense:")
                : new Clips(out, (outputs, dense) -> top1(outputs, i -> labels[i]), "top-1");
    }

    /** Percent of {@code outputs} whose top class is {@code label} of their frame. */
    private static double top1(List<FloatTensor> outputs, java.util.function.IntUnaryOperator label) {
        int ok = 0;
        for (int i = 0; i < outputs.size(); i++) {
            ok += outputs.get(i).argmax() == label.applyAsInt(i) ? 1 : 0;
        }
        return 100.0 * ok / outputs.size();
    }

    /** A shift that moves by -1, 0 or +1 and stays within ± MAX_SHIFT. */
    private static int walk(Random random, int v) {
        return Math.max(-MAX_SHIFT, Math.min(MAX_SHIFT, v + random.nextInt(3) - 1));
    }

    /** {@code src} seen shifted by (dx, dy) (edges repeated), with gain, offset and sensor noise, in 8-bit RGB. */
    private static BufferedImage frame(BufferedImage src, int dx, int dy, double gain, double offset, Random random) {
        int w = src.getWidth(), h = src.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = src.getRGB(Math.max(0, Math.min(w - 1, x + dx)), Math.max(0, Math.min(h - 1, y + dy)));
                int r = pixel((rgb >> 16) & 0xff, gain, offset, random);
                int g = pixel((rgb >> 8) & 0xff, gain, offset, random);
                int b = pixel(rgb & 0xff, gain, offset, random);
                out.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        return out;
    }

    private static int pixel(int v, double gain, double offset, Random random) {
        return (int) Math.max(0, Math.min(255, Math.round(v * gain + offset + random.nextGaussian() * NOISE)));
    }
}
