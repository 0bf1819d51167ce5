package io.hastegw.op.scenes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hastegw.op.detection.Detection;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Writes rendered scenes ({@link SceneRenderer}) as a detection folder in the {@code boxes.json}
 * format ({@code io.hastegw.op.detection.DetectionSet}): still scenes as {@code images/NNNN.jpg},
 * or camera-like clips as {@code images/<camera>/cCCC-fFFF.jpg} (clip CCC of that camera, frame
 * FFF): each clip is one scene whose objects move a few pixels per frame and whose light drifts
 * (gain a random walk within 1 +- {@value #MAX_GAIN_DRIFT}), with fresh sensor noise in every
 * frame; the next clip is a scene cut. JPEG quality 92, as the shared test scenes.
 */
public final class SceneSets {
    /** Largest light drift within a clip. */
    public static final double MAX_GAIN_DRIFT = 0.1;
    private static final float QUALITY = 0.92f;

    private final SceneRenderer renderer;
    private final List<String> labels;

    /** Scenes drawn by {@code renderer}, labelled with {@code labels} (class index order). */
    public SceneSets(SceneRenderer renderer, List<String> labels) {
        this.renderer = renderer;
        this.labels = List.copyOf(labels);
    }

    /**
     * A renderer on the images of {@code dir}, laid out {@code DIR/<label>/*.jpg} for each of
     * {@code labels}: the first {@code perClass} files of each class in name order.
     */
    public static SceneRenderer renderer(Path dir, List<String> labels, int perClass) throws IOException {
        List<List<BufferedImage>> byClass = new ArrayList<>();
        for (String label : labels) {
            Path classDir = dir.resolve(label);
            if (!Files.isDirectory(classDir)) {
                throw new IOException(dir + ": no folder for class '" + label + "' (scenes are drawn from DIR/<label>/*.jpg)");
            }
            List<BufferedImage> images = new ArrayList<>();
            try (Stream<Path> files = Files.list(classDir)) {
                for (Path f : files.sorted().limit(perClass).toList()) {
                    BufferedImage image = ImageIO.read(f.toFile());
                    if (image == null) {
                        throw new IOException(f + ": not a readable image");
                    }
                    images.add(image);
                }
            }
            byClass.add(images);
        }
        return new SceneRenderer(byClass);
    }

    /** Writes {@code count} still scenes into {@code out} (images/NNNN.jpg, boxes.json). */
    public void stills(Path out, int count, long seed) throws IOException {
        Random random = new Random(seed);
        ObjectNode images = start(out);
        for (int i = 0; i < count; i++) {
            SceneRenderer.Layout scene = renderer.layout(random, 0);
            String name = String.format(Locale.ROOT, "%04d.jpg", i);
            write(out, images, name, renderer.draw(scene, 1, random), scene.truth());
        }
        finish(out, images, "still scenes, seed " + seed);
    }

    /**
     * Writes {@code cameras} cameras' clips into {@code out}: each camera {@code clips} clips of
     * {@code frames} frames, objects moving up to {@code speed} pixels per frame on each axis.
     */
    public void clips(Path out, int cameras, int clips, int frames, double speed, long seed) throws IOException {
        Random random = new Random(seed);
        ObjectNode images = start(out);
        for (int cam = 0; cam < cameras; cam++) {
            for (int c = 0; c < clips; c++) {
                SceneRenderer.Layout scene = renderer.layout(random, speed);
                double gain = 1;
                for (int f = 0; f < frames; f++) {
                    String name = String.format(Locale.ROOT, "cam%d/c%03d-f%03d.jpg", cam, c, f);
                    write(out, images, name, renderer.draw(scene, gain, random), scene.truth());
                    scene = scene.next();
                    gain = Math.max(1 - MAX_GAIN_DRIFT, Math.min(1 + MAX_GAIN_DRIFT, gain + 0.01 * random.nextGaussian()));
                }
            }
        }
        finish(out, images, String.format(Locale.ROOT, "camera-like clips: %d cameras x %d clips x %d frames, objects moving up to %.1f px "
                + "per frame, light drift within 1 +- %.2f, a scene cut between clips, seed %d", cameras, clips, frames, speed, MAX_GAIN_DRIFT, seed));
    }

    /** The clip a frame of a clip folder belongs to ({@code cam0/c003-f012.jpg}: {@code cam0/c003}); a still scene is its own clip. */
    public static String clipOf(String name) {
        int dash = name.lastIndexOf('-');
        return dash < 0 ? name : name.substring(0, dash);
    }

    private ObjectNode start(Path out) throws IOException {
        Files.createDirectories(out.resolve("images"));
        return new ObjectMapper().createObjectNode();
    }

    private void write(Path out, ObjectNode images, String name, BufferedImage frame, List<Detection> truth) throws IOException {
        Path file = out.resolve("images").resolve(name);
        Files.createDirectories(file.getParent());
        jpeg(frame, file);
        ArrayNode boxes = images.putArray(name);
        for (Detection d : truth) {
            ObjectNode b = boxes.addObject();
            b.put("label", labels.get(d.classIndex()));
            ArrayNode xy = b.putArray("box");
            for (float v : new float[] {d.x0(), d.y0(), d.x1(), d.y1()}) {
                xy.add(Math.round(v * 10) / 10.0);
            }
        }
    }

    private void finish(Path out, ObjectNode images, String what) throws IOException {
        ObjectNode root = new ObjectMapper().createObjectNode();
        labels.forEach(root.putArray("classes")::add);
        root.put("format", "box = x0, y0, x1, y1 in pixels of the " + SceneRenderer.SIZE + "x" + SceneRenderer.SIZE + " image");
        root.put("made", "haste-op scenes: " + what);
        root.set("images", images);
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out.resolve("boxes.json").toFile(), root);
    }

    /** Writes {@code image} as a JPEG of quality {@value #QUALITY}. */
    static void jpeg(BufferedImage image, Path file) throws IOException {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        ImageWriter writer = writers.next();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(QUALITY);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
    }
}
