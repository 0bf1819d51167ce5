package io.hastegw.plugin.api;

/**
 * A decoded image: 8-bit samples, row-major, channels interleaved (RGB or grey).
 *
 * @param width    pixels per row
 * @param height   rows
 * @param channels 3 (RGB) or 1 (grey)
 * @param pixels   {@code width * height * channels} bytes
 */
public record Image(int width, int height, int channels, byte[] pixels) {
    /** Checks that the pixel buffer matches the dimensions. */
    public Image {
        if (width <= 0 || height <= 0 || (channels != 1 && channels != 3)) {
            throw new IllegalArgumentException("image " + width + "x" + height + "x" + channels + " is not a valid RGB or grey image");
        }
        if (pixels.length != (long) width * height * channels) {
            throw new IllegalArgumentException(pixels.length + " bytes for a " + width + "x" + height + "x" + channels + " image");
        }
    }

    /** Sample {@code c} of pixel (x, y) as 0..255. */
    public int sample(int x, int y, int c) {
        return pixels[(y * width + x) * channels + c] & 0xff;
    }
}
