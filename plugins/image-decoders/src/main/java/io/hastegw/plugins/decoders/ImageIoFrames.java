package io.hastegw.plugins.decoders;

import io.hastegw.plugin.api.FrameDecoder;
import io.hastegw.plugin.api.FrameHeaders;
import io.hastegw.plugin.api.FrameRejectedException;
import io.hastegw.plugin.api.Image;
import io.hastegw.plugin.api.RejectReason;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * JPEG and PNG frames through the JDK's ImageIO, within {@link DecodeLimits}: the header is read
 * first, images above the pixel limit are refused, large images are decoded subsampled (ImageIO
 * source subsampling, row by row, so a 40-Mpixel PNG never exists in memory at full size; the
 * same step on both axes, so the aspect ratio stays: at least twice what the frame fills of the
 * model's input when letterboxed), and
 * an image whose decoding would still need more than the memory budget (very wide PNG rows, a
 * progressive JPEG's coefficient buffer) is refused before decoding. Truncated or corrupt data is
 * rejected, including the cases where ImageIO only warns (a JPEG cut short decodes with grey
 * rows and a "premature end" warning).
 */
final class ImageIoFrames implements FrameDecoder {
    /** Bytes per source pixel of a row buffer: up to 16-bit RGBA. */
    private static final int ROW_BYTES_PER_PIXEL = 8;
    /** Row buffers a PNG decode holds at once (current, prior, the pass row and its conversion). */
    private static final int PNG_ROWS = 4;
    /** Bytes per source pixel of a progressive JPEG's coefficient buffer (16-bit coefficients, 3 components). */
    private static final int PROGRESSIVE_BYTES_PER_PIXEL = 6;
    /** Source rows a baseline JPEG decode holds (an MCU row of 16 lines, 3 components, and the output row). */
    private static final int JPEG_ROWS = 64;

    private final DecodeLimits limits;

    /** A decoder within {@code limits}. */
    ImageIoFrames(DecodeLimits limits) {
        this.limits = limits;
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
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                ImageReadParam param = withinLimits(reader, payload, format, width, height);
                BufferedImage image = reader.read(0, param);
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

    /** The read parameters (subsampling) for an image of {@code width x height}, or a rejection when it does not fit the limits. */
    private ImageReadParam withinLimits(ImageReader reader, byte[] payload, String format, int width, int height)
            throws FrameRejectedException {
        long pixels = (long) width * height;
        if (pixels > limits.maxPixels()) {
            throw new FrameRejectedException(RejectReason.WRONG_IMAGE_SHAPE, format + " frame of " + width + "x" + height
                    + " pixels; allowed: up to " + limits.maxPixels() + " pixels");
        }
        // One step on both axes keeps the aspect ratio (a letterboxed frame's boxes map back to its pixels); the larger axis step
        // still leaves at least twice the pixels the letterboxed frame fills in the model's input.
        int step = Math.max(DecodeLimits.subsampling(width, limits.targetWidth()), DecodeLimits.subsampling(height, limits.targetHeight()));
        long output = (long) DecodeLimits.subsampled(width, step) * DecodeLimits.subsampled(height, step);
        long working = format.equals("png") ? (long) PNG_ROWS * ROW_BYTES_PER_PIXEL * width
                : FrameHeaders.isProgressive(payload) ? PROGRESSIVE_BYTES_PER_PIXEL * pixels : (long) JPEG_ROWS * width;
        long needed = working + DecodeLimits.BYTES_PER_OUTPUT_PIXEL * output;
        if (needed > limits.memoryBytes()) {
            throw new FrameRejectedException(RejectReason.WRONG_IMAGE_SHAPE, String.format(Locale.ROOT,
                    "%s frame of %dx%d pixels needs about %.1f MB to decode; the budget is %.1f MB per frame (pipeline.decode_memory_bytes)",
                    format, width, height, needed / 1e6, limits.memoryBytes() / 1e6));
        }
        ImageReadParam param = reader.getDefaultReadParam();
        param.setSourceSubsampling(step, step, 0, 0);
        return param;
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
