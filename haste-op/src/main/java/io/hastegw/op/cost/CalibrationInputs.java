package io.hastegw.op.cost;

import io.hastegw.op.card.ModelCard;
import io.hastegw.op.eval.Preprocessor;
import io.hastegw.op.onnx.FloatTensor;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Images to calibrate the cost model on: real ones from a folder, or synthetic ones when there are none. */
public final class CalibrationInputs {
    private CalibrationInputs() {}

    /**
     * Up to {@code n} images found under {@code dir} (any depth), preprocessed for {@code card}:
     * evenly spaced through the files sorted by path, so that every subfolder (a class, a camera)
     * contributes. Unreadable files are skipped (the next file stands in).
     *
     * @throws IOException when the folder cannot be listed or holds no readable image
     */
    public static List<FloatTensor> fromFolder(Path dir, ModelCard card, int n) throws IOException {
        List<Path> sorted;
        try (Stream<Path> s = Files.walk(dir)) {
            sorted = s.filter(Files::isRegularFile).sorted().toList();
        }
        int step = Math.max(1, sorted.size() / Math.max(1, n));
        List<Path> files = new ArrayList<>();
        for (int start = 0; start < step; start++) {
            for (int i = start; i < sorted.size(); i += step) {
                files.add(sorted.get(i));
            }
        }
        Preprocessor pre = new Preprocessor(card);
        List<FloatTensor> out = new ArrayList<>();
        for (Path f : files) {
            if (out.size() == n) {
                break;
            }
            try {
                out.add(pre.load(f));
            } catch (IOException notAnImage) {
                // skip files that are not images
            }
        }
        if (out.isEmpty()) {
            throw new IOException(dir + ": no readable image to calibrate on");
        }
        return out;
    }

    /**
     * {@code n} synthetic images (gradients and ellipses from a fixed seed), preprocessed for
     * {@code card}: a stand-in when no real images are configured. Channel redundancy on them
     * differs from real frames, so a plan calibrated on them is approximate.
     */
    public static List<FloatTensor> synthetic(ModelCard card, int n) {
        int[] chw = card.chw();
        Random random = new Random(42);
        Preprocessor pre = new Preprocessor(card);
        List<FloatTensor> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            BufferedImage image = new BufferedImage(chw[2], chw[1], BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            g.setPaint(new GradientPaint(0, 0, new Color(random.nextInt(0xffffff)), chw[2], chw[1], new Color(random.nextInt(0xffffff))));
            g.fillRect(0, 0, chw[2], chw[1]);
            for (int k = 0; k < 6; k++) {
                g.setColor(new Color(random.nextInt(0xffffff)));
                g.fillOval(random.nextInt(chw[2]), random.nextInt(chw[1]), 1 + random.nextInt(chw[2] / 2 + 1), 1 + random.nextInt(chw[1] / 2 + 1));
            }
            g.dispose();
            out.add(pre.toTensor(image));
        }
        return out;
    }
}
