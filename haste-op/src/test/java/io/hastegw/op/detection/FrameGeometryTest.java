package io.hastegw.op.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastegw.op.card.ModelCard;
import org.junit.jupiter.api.Test;

/** Letterbox and stretch: where a frame lies in the input, and boxes mapped back to the frame. */
class FrameGeometryTest {
    @Test
    void aWideFrameIsLetterboxedCentredWithPaddingAboveAndBelow() {
        FrameGeometry g = FrameGeometry.of(1920, 1080, 640, 640, ModelCard.Resize.LETTERBOX);
        assertEquals(new FrameGeometry(1920, 1080, 640, 640, 0, 140, 640, 360), g);
    }

    @Test
    void aBoxRoundTripsThroughTheLetterbox() {
        FrameGeometry g = FrameGeometry.of(1920, 1080, 640, 640, ModelCard.Resize.LETTERBOX);
        Detection inFrame = new Detection(2, 0.9f, 300, 200, 900, 1000);
        Detection inInput = g.toInput(inFrame);
        assertEquals(100, inInput.x0(), 1e-4);
        assertEquals(140 + 200 / 3.0, inInput.y0(), 1e-4);
        assertEquals(300, inInput.x1(), 1e-4);
        assertEquals(140 + 1000 / 3.0, inInput.y1(), 1e-4);
        Detection back = g.toFrame(inInput).orElseThrow();
        assertEquals(300, back.x0(), 1e-3);
        assertEquals(200, back.y0(), 1e-3);
        assertEquals(900, back.x1(), 1e-3);
        assertEquals(1000, back.y1(), 1e-3);
    }

    @Test
    void boxesAreClippedToTheFrameAndABoxInThePaddingIsDropped() {
        FrameGeometry g = FrameGeometry.of(1920, 1080, 640, 640, ModelCard.Resize.LETTERBOX);
        assertEquals(new Detection(0, 1, 0, 0, 30, 1080), g.toFrame(new Detection(0, 1, -5, 100, 10, 600)).orElseThrow());
        assertTrue(g.toFrame(new Detection(0, 1, 10, 10, 100, 130)).isEmpty(), "entirely in the top padding");
    }

    @Test
    void aStretchedFrameFillsTheInput() {
        FrameGeometry g = FrameGeometry.of(100, 50, 256, 256, ModelCard.Resize.STRETCH);
        assertEquals(new Detection(0, 1, 10, 5, 50, 25), g.toFrame(new Detection(0, 1, 25.6f, 25.6f, 128, 128)).orElseThrow());
    }

    @Test
    void extremeFramesKeepAtLeastOnePixelOfContent() {
        assertEquals(new FrameGeometry(20000, 100, 256, 256, 0, 127, 256, 1), FrameGeometry.of(20000, 100, 256, 256, ModelCard.Resize.LETTERBOX));
        assertEquals(new FrameGeometry(1, 1, 256, 256, 0, 0, 256, 256), FrameGeometry.of(1, 1, 256, 256, ModelCard.Resize.LETTERBOX));
    }

    @Test
    void aSubsampledDecodeMapsToTheOriginalFramesPixels() {
        // A 4000x3000 frame decoded with step 4 (1000x750), letterboxed into 256x256.
        FrameGeometry g = FrameGeometry.of(1000, 750, 256, 256, ModelCard.Resize.LETTERBOX).forFrame(4000, 3000);
        assertEquals(new FrameGeometry(4000, 3000, 256, 256, 0, 32, 256, 192), g);
        Detection d = g.toFrame(new Detection(0, 1, 64, 32 + 48, 128, 32 + 96)).orElseThrow();
        assertEquals(new Detection(0, 1, 1000, 750, 2000, 1500), d);
    }

    @Test
    void aFrameOfTheInputsSizeIsTheIdentity() {
        assertTrue(FrameGeometry.of(256, 256, 256, 256, ModelCard.Resize.LETTERBOX).identity());
    }
}
