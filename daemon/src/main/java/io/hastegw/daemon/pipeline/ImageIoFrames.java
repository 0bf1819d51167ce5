package io.hastegw.daemon.pipeline;

import io.hastegw.plugin.api.FrameDecoder;
import io.hastegw.plugin.api.FrameRejectedException;
import io.hastegw.plugin.api.Image;
import io.hastegw.plugin.api.RejectReason;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * JPEG and PNG frames through the JDK's ImageIO. Truncated or corrupt data is rejected, including
 * the cases where ImageIO only warns (a JPEG cut short decodes with grey rows and a "premature
 * end" warning).
 */
public final class ImageIoFrames implements FrameDecoder {
    private final int maxPixels;

    /** A decoder that rejects images of more than {@code maxPixels} pixels before decoding them. */
    public ImageIoFrames(int maxPixels) {
        this.maxPixels = maxPixels;
    }

    @Override
    public boolean supports(String format) {
        return format.equals("jpeg") || format.equals("png");
    }

    @Override
    public Image decode(byte[] payload, String format) throws FrameRejectedException {
        // A memory-cached stream: ImageIO.createImageInputStream would cache through temp files on disk.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(payload))) {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
            if (!readers.hasNext()) {
                throw new FrameRejectedException(RejectReason.UNKNOWN_FORMAT, "no decoder for " + format);
            }
            ImageReader reader = readers.next();
            List<String> warnings = new ArrayList<>();
            try {
                reader.setInput(in, true, true);
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > maxPixels) {
                    throw new FrameRejectedException(RejectReason.WRONG_IMAGE_SHAPE, format + " frame of " + reader.getWidth(0) + "x"
                            + reader.getHeight(0) + " pixels; allowed: up to " + maxPixels + " pixels");
                }
                BufferedImage image = reader.read(0);
                if (!warnings.isEmpty()) {
                    throw new FrameRejectedException(RejectReason.MALFORMED_IMAGE, format + " frame is corrupt or truncated: " + warnings.get(0));
                }
                return toImage(image);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw new FrameRejectedException(RejectReason.MALFORMED_IMAGE, format + " frame cannot be decoded: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    /** Grey images stay one channel; everything else becomes RGB. */
    private static Image toImage(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            byte[] grey = new byte[w * h];
            image.getRaster().getDataElements(0, 0, w, h, grey);
            return new Image(w, h, 1, grey);
        }
        byte[] rgb = new byte[w * h * 3];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                rgb[i] = (byte) (row[x] >> 16);
                rgb[i + 1] = (byte) (row[x] >> 8);
                rgb[i + 2] = (byte) row[x];
            }
        }
        return new Image(w, h, 3, rgb);
    }
}
