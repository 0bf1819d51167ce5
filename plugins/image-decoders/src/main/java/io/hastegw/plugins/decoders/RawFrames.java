package io.hastegw.plugins.decoders;

import io.hastegw.plugin.api.FrameDecoder;
import io.hastegw.plugin.api.FrameHeaders;
import io.hastegw.plugin.api.FrameRejectedException;
import io.hastegw.plugin.api.Image;
import io.hastegw.plugin.api.RejectReason;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Raw frames: a 12-byte header, then the pixels, 8 bits per sample, row-major, channels
 * interleaved. Header (big-endian): magic {@code "HRAW"}, version byte (1), channels byte (1 =
 * grey, 3 = RGB), two reserved zero bytes, width (uint16), height (uint16).
 */
final class RawFrames implements FrameDecoder {
    private static final int HEADER = FrameHeaders.RAW_HEADER_BYTES;
    private final long maxPixels;

    /** A decoder that rejects images of more than {@code maxPixels} pixels. */
    RawFrames(long maxPixels) {
        this.maxPixels = maxPixels;
    }

    @Override
    public boolean supports(String format) {
        return format.equals("raw");
    }

    @Override
    public Image decode(byte[] payload, String format) throws FrameRejectedException {
        if (payload.length < HEADER || payload[0] != 'H' || payload[1] != 'R' || payload[2] != 'A' || payload[3] != 'W') {
            throw new FrameRejectedException(RejectReason.MALFORMED_IMAGE, "raw frame without the 12-byte HRAW header");
        }
        if (payload[4] != 1) {
            throw new FrameRejectedException(RejectReason.MALFORMED_IMAGE, "raw frame version " + (payload[4] & 0xff)
                    + " is not supported (expected 1)");
        }
        int channels = payload[5] & 0xff;
        ByteBuffer buf = ByteBuffer.wrap(payload, 8, 4);
        int width = buf.getShort() & 0xffff;
        int height = buf.getShort() & 0xffff;
        if (channels != 1 && channels != 3) {
            throw new FrameRejectedException(RejectReason.WRONG_IMAGE_SHAPE, "raw frame with " + channels + " channels; allowed: 1 (grey) or 3 (RGB)");
        }
        if (width == 0 || height == 0 || (long) width * height > maxPixels) {
            throw new FrameRejectedException(RejectReason.WRONG_IMAGE_SHAPE, "raw frame of " + width + "x" + height
                    + " pixels; allowed: 1 to " + maxPixels + " pixels");
        }
        long expected = HEADER + (long) width * height * channels;
        if (payload.length != expected) {
            throw new FrameRejectedException(RejectReason.MALFORMED_IMAGE, "raw frame of " + width + "x" + height + "x" + channels
                    + " needs " + expected + " bytes, got " + payload.length);
        }
        return new Image(width, height, channels, Arrays.copyOfRange(payload, HEADER, payload.length));
    }
}
