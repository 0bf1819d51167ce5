package io.hastegw.daemon.pipeline;

/**
 * Reads a JPEG's marker segments up to its frame header, to learn how it is coded before
 * decoding it (a progressive JPEG is decoded through a coefficient buffer the size of the whole
 * image, a baseline one row by row).
 */
final class JpegMarkers {
    private JpegMarkers() {}

    /** Whether the first frame header (SOFn) says progressive (SOF2, SOF6, SOF10, SOF14); false when none is found. */
    static boolean isProgressive(byte[] jpeg) {
        int i = 2;
        while (i + 4 <= jpeg.length && (jpeg[i] & 0xff) == 0xFF) {
            int marker = jpeg[i + 1] & 0xff;
            if (marker == 0xFF) {
                i++;
                continue;
            }
            if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                return marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE;
            }
            if (marker == 0xDA || marker == 0xD9) {
                return false;
            }
            i += 2 + ((jpeg[i + 2] & 0xff) << 8 | (jpeg[i + 3] & 0xff));
        }
        return false;
    }
}
