package io.hastegw.daemon.pipeline;

import static io.hastegw.daemon.TestImages.jpeg;
import static io.hastegw.daemon.TestImages.png;
import static io.hastegw.daemon.TestImages.smooth;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastegw.daemon.TestImages;
import io.hastegw.plugin.api.FrameHeaders;
import io.hastegw.plugin.api.Image;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the scheduler and the decoder read from a frame's header before decoding it. */
class FrameHeadersTest {
    @Test
    void theSizeOfAPngJpegAndRawFrameComesFromItsHeader() throws Exception {
        assertEquals(640L * 480, FrameHeaders.pixels(png(smooth(640, 480, BufferedImage.TYPE_INT_RGB)), "png"));
        assertEquals(320L * 200, FrameHeaders.pixels(jpeg(smooth(320, 200, BufferedImage.TYPE_INT_RGB), false), "jpeg"));
        assertEquals(7L * 5, FrameHeaders.pixels(TestImages.raw(new Image(7, 5, 1, new byte[35])), "raw"));
    }

    @Test
    void progressiveAndBaselineJpegsAreTold() throws Exception {
        BufferedImage image = smooth(64, 64, BufferedImage.TYPE_INT_RGB);
        assertTrue(FrameHeaders.isProgressive(jpeg(image, true)));
        assertFalse(FrameHeaders.isProgressive(jpeg(image, false)));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 11, 20, 40, 100})
    void aTruncatedHeaderReadsAsUnknownWithoutThrowing(int length) throws Exception {
        byte[] jpeg = jpeg(smooth(64, 64, BufferedImage.TYPE_INT_RGB), true);
        byte[] png = png(smooth(64, 64, BufferedImage.TYPE_INT_RGB));
        // Cut before the frame header (JPEG: after its tables) or inside the IHDR chunk (PNG).
        assertEquals(0, FrameHeaders.pixels(Arrays.copyOf(jpeg, Math.min(length, 100)), "jpeg"));
        assertEquals(length >= 24 ? 64 * 64 : 0, FrameHeaders.pixels(Arrays.copyOf(png, length), "png"));
        assertFalse(FrameHeaders.isProgressive(Arrays.copyOf(jpeg, Math.min(length, 100))));
    }
}
