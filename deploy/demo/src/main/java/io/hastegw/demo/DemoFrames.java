package io.hastegw.demo;

import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;

/**
 * The demo's frames as a directory of PNG files, {@code <dir>/<class index>/<nnnn>.png}: the
 * Fashion-MNIST test images from Debian's {@code dataset-fashion-mnist} when installed, otherwise
 * generated grey images (with no true class: the demo then reports no accuracy).
 */
final class DemoFrames {
    /** Where Debian's dataset-fashion-mnist installs the test set. */
    static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    private DemoFrames() {}

    /** Writes the first {@code count} Fashion-MNIST test images into {@code dir}, by class; returns how many. */
    static int writeFashionMnist(Path dataset, Path dir, int count) throws IOException {
        return writeFashionMnist(dataset, "t10k", dir, count, true);
    }

    /**
     * Writes the first {@code count} Fashion-MNIST training images into {@code dir}, without their
     * classes ({@code <dir>/<nnnnn>.png}): unlabelled frames to calibrate on. Returns how many.
     */
    static int writeUnlabelledTraining(Path dataset, Path dir, int count) throws IOException {
        return writeFashionMnist(dataset, "train", dir, count, false);
    }

    private static int writeFashionMnist(Path dataset, String split, Path dir, int count, boolean byClass) throws IOException {
        try (DataInputStream images = idx(dataset.resolve(split + "-images-idx3-ubyte.gz"), 0x803);
             DataInputStream labels = idx(dataset.resolve(split + "-labels-idx1-ubyte.gz"), 0x801)) {
            int n = Math.min(images.readInt(), count);
            labels.readInt();
            int rows = images.readInt();
            int cols = images.readInt();
            byte[] pixels = new byte[rows * cols];
            for (int i = 0; i < n; i++) {
                images.readFully(pixels);
                int label = labels.readUnsignedByte();
                BufferedImage grey = new BufferedImage(cols, rows, BufferedImage.TYPE_BYTE_GRAY);
                grey.getRaster().setDataElements(0, 0, cols, rows, pixels);
                Path folder = byClass ? dir.resolve(Integer.toString(label)) : dir;
                Path file = Files.createDirectories(folder).resolve(String.format("%05d.png", i));
                ImageIO.write(grey, "png", file.toFile());
            }
            return n;
        }
    }

    /** Writes {@code count} generated 28x28 grey images (blobs of random size and place) into {@code dir/unlabelled}. */
    static int writeGenerated(Path dir, int count) throws IOException {
        Random random = new Random(7);
        Path out = Files.createDirectories(dir.resolve("unlabelled"));
        for (int i = 0; i < count; i++) {
            BufferedImage grey = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            int cx = 6 + random.nextInt(16);
            int cy = 6 + random.nextInt(16);
            int r = 3 + random.nextInt(8);
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    double d = Math.hypot(x - cx, y - cy);
                    grey.getRaster().setSample(x, y, 0, d < r ? 255 - (int) (d * 10) : random.nextInt(20));
                }
            }
            ImageIO.write(grey, "png", out.resolve(String.format("%05d.png", i)).toFile());
        }
        return count;
    }

    private static DataInputStream idx(Path file, int magic) throws IOException {
        InputStream in = new GZIPInputStream(Files.newInputStream(file));
        DataInputStream data = new DataInputStream(in);
        int found = data.readInt();
        if (found != magic) {
            data.close();
            throw new IOException(file + ": not an IDX file of the expected kind (magic " + Integer.toHexString(found) + ")");
        }
        return data;
    }
}
