package io.hastegw.op.scenes;

import io.hastegw.op.detection.Detection;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Renders camera-like detection scenes from small labelled images (the CIFAR-10 JPEGs), the kind
 * of scene the shared scene-detector was trained on: a random image blown up to the frame size,
 * out of focus (a 9x9 box blur, dark at the borders) and dimmed (0.4-1.0), with 1-5 objects (other
 * images of 28-120 px, aspect 0.78-1.28, brightness 0.6-1.2, overlapping an earlier object by at
 * most 30 % of the smaller one) composited on it with bilinear edges, and sensor noise (sigma 0.02).
 * A {@link Layout} is one scene's background and objects; {@link #draw} draws it with the objects
 * where they are now, so clips move them between frames. Everything comes from the given random
 * source: the same seed, the same scenes.
 */
public final class SceneRenderer {
    /** Frame side in pixels. */
    public static final int SIZE = 256;
    private static final int BLUR = 9;
    private static final double NOISE = 0.02;

    private final List<List<BufferedImage>> byClass;

    /** A renderer drawing on the images of each class ({@code byClass.get(c)}: class c's images). */
    public SceneRenderer(List<List<BufferedImage>> byClass) {
        if (byClass.isEmpty() || byClass.stream().anyMatch(List::isEmpty)) {
            throw new IllegalArgumentException("every class needs at least one image to draw scenes from");
        }
        this.byClass = byClass;
    }

    /**
     * One object of a scene: its class and image, its box, its brightness, and how it moves in a clip.
     *
     * @param classIndex the class
     * @param image      what is drawn
     * @param box        where (score 1), frame pixels
     * @param brightness factor on the image's values
     * @param vx         pixels per frame to the right (clips)
     * @param vy         pixels per frame down (clips)
     */
    public record SceneObject(int classIndex, BufferedImage image, Detection box, double brightness, double vx, double vy) {
        /** This object moved one frame on, bouncing off the frame's edges. */
        SceneObject moved() {
            double w = box.x1() - box.x0();
            double h = box.y1() - box.y0();
            double x = box.x0() + vx;
            double y = box.y0() + vy;
            double nvx = x < 0 || x + w > SIZE ? -vx : vx;
            double nvy = y < 0 || y + h > SIZE ? -vy : vy;
            x = Math.max(0, Math.min(SIZE - w, x));
            y = Math.max(0, Math.min(SIZE - h, y));
            return new SceneObject(classIndex, image, box.withBox((float) x, (float) y, (float) (x + w), (float) (y + h)), brightness, nvx, nvy);
        }
    }

    /**
     * A scene: its blurred, dimmed background (RGB in 0..1, planar) and its objects.
     *
     * @param background {@code 3 x SIZE x SIZE} values
     * @param objects    the objects, drawn in this order
     */
    public record Layout(float[] background, List<SceneObject> objects) {
        /** The same scene one frame later: every object moved. */
        public Layout next() {
            return new Layout(background, objects.stream().map(SceneObject::moved).toList());
        }

        /** The labelled boxes of the objects. */
        public List<Detection> truth() {
            return objects.stream().map(SceneObject::box).toList();
        }
    }

    /** A new scene; objects get a speed of up to {@code maxSpeed} pixels per frame on each axis (0: still). */
    public Layout layout(Random random, double maxSpeed) {
        float[] background = background(any(random), 0.4 + 0.6 * random.nextDouble());
        int count = 1 + random.nextInt(5);
        List<SceneObject> objects = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            int c = random.nextInt(byClass.size());
            List<BufferedImage> images = byClass.get(c);
            BufferedImage image = images.get(random.nextInt(images.size()));
            double size = 28 + random.nextInt(93);
            double aspect = Math.exp((random.nextDouble() - 0.5) * 0.5);
            double w = Math.max(20, Math.min(150, size * aspect));
            double h = Math.max(20, Math.min(150, size / aspect));
            double x0 = random.nextDouble() * (SIZE - w);
            double y0 = random.nextDouble() * (SIZE - h);
            Detection box = new Detection(c, 1f, (float) x0, (float) y0, (float) (x0 + w), (float) (y0 + h));
            double brightness = Math.min(1.4, 0.6 + 0.6 * random.nextDouble());
            double vx = (2 * random.nextDouble() - 1) * maxSpeed;
            double vy = (2 * random.nextDouble() - 1) * maxSpeed;
            if (objects.stream().noneMatch(o -> overlap(o.box(), box) > 0.3)) {
                objects.add(new SceneObject(c, image, box, brightness, vx, vy));
            }
        }
        return new Layout(background, List.copyOf(objects));
    }

    /** The scene drawn with its objects where they are, its light times {@code gain}, with fresh sensor noise; 8-bit RGB. */
    public BufferedImage draw(Layout layout, double gain, Random random) {
        int n = SIZE * SIZE;
        float[] canvas = layout.background().clone();
        for (SceneObject o : layout.objects()) {
            composite(canvas, o);
        }
        BufferedImage out = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[SIZE];
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                int i = y * SIZE + x;
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    double v = Math.max(0, Math.min(1, canvas[c * n + i] * gain + NOISE * random.nextGaussian()));
                    rgb = rgb << 8 | (int) Math.round(v * 255);
                }
                row[x] = rgb;
            }
            out.setRGB(0, y, SIZE, 1, row, 0, SIZE);
        }
        return out;
    }

    private BufferedImage any(Random random) {
        List<BufferedImage> images = byClass.get(random.nextInt(byClass.size()));
        return images.get(random.nextInt(images.size()));
    }

    /** Intersection over the smaller box's area. */
    private static double overlap(Detection a, Detection b) {
        double iw = Math.min(a.x1(), b.x1()) - Math.max(a.x0(), b.x0());
        double ih = Math.min(a.y1(), b.y1()) - Math.max(a.y0(), b.y0());
        return iw <= 0 || ih <= 0 ? 0 : iw * ih / Math.min(a.area(), b.area());
    }

    /** {@code image} blown up to the frame (bilinear), blurred (box, zeros beyond the edge) and times {@code light}; planar RGB 0..1. */
    private static float[] background(BufferedImage image, double light) {
        int n = SIZE * SIZE;
        float[] up = new float[3 * n];
        double sx = (double) image.getWidth() / SIZE;
        double sy = (double) image.getHeight() / SIZE;
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                double u = Math.max(0, (x + 0.5) * sx - 0.5);
                double v = Math.max(0, (y + 0.5) * sy - 0.5);
                for (int c = 0; c < 3; c++) {
                    up[c * n + y * SIZE + x] = (float) bilinear(image, u, v, c, true);
                }
            }
        }
        float[] out = new float[3 * n];
        int r = BLUR / 2;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    double sum = 0;
                    for (int dy = -r; dy <= r; dy++) {
                        int yy = y + dy;
                        if (yy < 0 || yy >= SIZE) {
                            continue;
                        }
                        for (int dx = -r; dx <= r; dx++) {
                            int xx = x + dx;
                            if (xx >= 0 && xx < SIZE) {
                                sum += up[c * n + yy * SIZE + xx];
                            }
                        }
                    }
                    out[c * n + y * SIZE + x] = (float) (sum / (BLUR * BLUR) * light);
                }
            }
        }
        return out;
    }

    /** Draws {@code o} over {@code canvas}: its image sampled bilinearly into its box, edges blended by the sampled coverage. */
    private static void composite(float[] canvas, SceneObject o) {
        int n = SIZE * SIZE;
        Detection b = o.box();
        double w = b.x1() - b.x0();
        double h = b.y1() - b.y0();
        int iw = o.image().getWidth();
        int ih = o.image().getHeight();
        for (int y = Math.max(0, (int) Math.floor(b.y0()) - 1); y < Math.min(SIZE, (int) Math.ceil(b.y1()) + 1); y++) {
            for (int x = Math.max(0, (int) Math.floor(b.x0()) - 1); x < Math.min(SIZE, (int) Math.ceil(b.x1()) + 1); x++) {
                double u = (x + 0.5 - b.x0()) / w * iw - 0.5;
                double v = (y + 0.5 - b.y0()) / h * ih - 0.5;
                double alpha = coverage(u, iw) * coverage(v, ih);
                if (alpha <= 0) {
                    continue;
                }
                for (int c = 0; c < 3; c++) {
                    double value = Math.min(1, bilinear(o.image(), u, v, c, false) * o.brightness());
                    int i = c * n + y * SIZE + x;
                    canvas[i] = (float) (canvas[i] * (1 - alpha) + value * alpha);
                }
            }
        }
    }

    /** How much of a bilinear sample at {@code u} falls on the image's {@code size} pixels (zero padding beyond). */
    private static double coverage(double u, int size) {
        if (u <= -1 || u >= size) {
            return 0;
        }
        return u < 0 ? 1 + u : u > size - 1 ? size - u : 1;
    }

    /**
     * Channel {@code c} of {@code image} at (u, v) in 0..1, bilinear; outside the image the
     * samples are the edge's ({@code clamp}) or weighted as zero (the caller blends by coverage).
     */
    private static double bilinear(BufferedImage image, double u, double v, int c, boolean clamp) {
        int w = image.getWidth();
        int h = image.getHeight();
        int x0 = (int) Math.floor(u);
        int y0 = (int) Math.floor(v);
        double fx = u - x0;
        double fy = v - y0;
        double sum = 0;
        double weight = 0;
        for (int dy = 0; dy <= 1; dy++) {
            for (int dx = 0; dx <= 1; dx++) {
                int xx = x0 + dx;
                int yy = y0 + dy;
                double k = (dx == 0 ? 1 - fx : fx) * (dy == 0 ? 1 - fy : fy);
                if (clamp) {
                    xx = Math.max(0, Math.min(w - 1, xx));
                    yy = Math.max(0, Math.min(h - 1, yy));
                } else if (xx < 0 || yy < 0 || xx >= w || yy >= h) {
                    continue;
                }
                sum += k * ((image.getRGB(xx, yy) >> (16 - 8 * c)) & 0xff) / 255.0;
                weight += k;
            }
        }
        return weight == 0 ? 0 : sum / weight;
    }
}
