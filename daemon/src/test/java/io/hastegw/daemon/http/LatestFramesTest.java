package io.hastegw.daemon.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastegw.plugin.api.Detection;
import io.hastegw.plugin.api.Detections;
import io.hastegw.plugin.api.Frame;
import io.hastegw.plugin.api.Image;
import io.hastegw.plugin.api.InferenceResult;
import io.hastegw.plugin.api.Prediction;
import io.hastegw.plugin.api.ScoredLabel;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The cameras' latest frames in-process: drawn once per frame, boxes and captions, the memory budget, forgetting. */
class LatestFramesTest {
    private static final Image GREY = new Image(200, 100, 3, filled(200 * 100 * 3, (byte) 100));
    private final AtomicInteger decodes = new AtomicInteger();
    private final FrameRenderer renderer = new FrameRenderer(frame -> {
        decodes.incrementAndGet();
        return GREY;
    });

    private static byte[] filled(int n, byte v) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, v);
        return b;
    }

    private static Frame frame(String camera, int bytes) {
        return new Frame(camera, "f", new byte[bytes], "image/jpeg", Map.of(), null, 0);
    }

    private static Prediction prediction(List<ScoredLabel> top, Detections detections) {
        return new Prediction("cam", "f", 0, null, Map.of(), top, "m", new InferenceResult(new float[0], 0, 1, 1),
                new Prediction.Latency(0, 0, 0, 0), null, detections);
    }

    private static final Prediction BOXES = prediction(List.of(), new Detections(200, 100,
            List.of(new Detection(1, "car", 0.91, 20, 10, 120, 90, List.of())), Map.of()));

    private static BufferedImage decode(byte[] jpeg) throws Exception {
        return ImageIO.read(new ByteArrayInputStream(jpeg));
    }

    @Test
    void aFrameIsDrawnOnceWithItsBoxesAndServedFromThatUntilTheNextFrame() throws Exception {
        LatestFrames latest = new LatestFrames(1 << 20, renderer);
        latest.put("cam", frame("cam", 1000), BOXES);
        byte[] first = latest.jpeg("cam").orElseThrow();
        assertArrayEquals(first, latest.jpeg("cam").orElseThrow());
        assertEquals(1, decodes.get(), "decoded and drawn once");
        BufferedImage drawn = decode(first);
        assertEquals(200, drawn.getWidth());
        assertEquals(100, drawn.getHeight());
        int green = 0;
        for (int y = 87; y <= 92; y++) {
            green = Math.max(green, (drawn.getRGB(70, y) >> 8) & 0xff);
        }
        assertTrue(green > 150, "the box's bottom edge (y 90) is drawn in the class colour over the grey frame: green " + green);
        assertEquals(new LatestFrames.Summary(List.of("car 91 %"), 1), latest.summary("cam").orElseThrow());
        latest.put("cam", frame("cam", 1000), prediction(List.of(new ScoredLabel(3, "cat", 0.5)), null));
        latest.jpeg("cam");
        assertEquals(2, decodes.get(), "a new frame is drawn again");
        assertEquals(new LatestFrames.Summary(List.of("cat 50 %"), 2), latest.summary("cam").orElseThrow());
    }

    @Test
    void theBudgetDropsTheCamerasUpdatedLeastRecentlyAndAForgottenCameraHasNone() throws Exception {
        LatestFrames latest = new LatestFrames(2500, renderer);
        latest.put("a", frame("a", 1000), BOXES);
        latest.put("b", frame("b", 1000), BOXES);
        latest.put("a", frame("a", 1000), BOXES);
        latest.put("c", frame("c", 1000), BOXES);
        assertEquals(List.of("a", "c"), latest.cameras(), "b was updated least recently");
        assertTrue(latest.bytes() <= 2500);
        latest.forget("a");
        assertTrue(latest.jpeg("a").isEmpty());
        assertEquals(List.of("c"), latest.cameras());
        assertTrue(new LatestFrames(0, renderer).cameras().isEmpty());
        LatestFrames none = new LatestFrames(0, renderer);
        none.put("a", frame("a", 10), BOXES);
        assertTrue(none.jpeg("a").isEmpty(), "a budget of 0 keeps nothing (no HTTP endpoint to serve it)");
    }

    @Test
    void aFrameThatCannotBeDecodedAgainIsAnErrorNamingTheCamera() {
        LatestFrames latest = new LatestFrames(1 << 20, new FrameRenderer(frame -> {
            throw new IllegalStateException("decoder gone");
        }));
        latest.put("cam", frame("cam", 10), BOXES);
        FrameRenderer.RenderException e = assertThrows(FrameRenderer.RenderException.class, () -> latest.jpeg("cam"));
        assertEquals("the latest frame of camera 'cam' cannot be decoded again: decoder gone", e.getMessage());
    }
}
