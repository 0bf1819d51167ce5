package io.hastegw.plugin.api;

/**
 * Reads what a frame's header declares before anything is decoded: its size (so that the
 * scheduler can send a huge image to the heavy lane as it arrives) and, for JPEG, whether it is
 * progressive (decoded through a coefficient buffer the size of the whole image, a baseline JPEG
 * row by row). Only fixed offsets and JPEG's marker lengths are read: cheap enough for the event
 * loop, and safe on any bytes. Shared by the gateway and decoders so both read headers alike.
 */
public final class FrameHeaders {
    /** Length of a raw (HRAW) frame's header: magic "HRAW", version, channels, two reserved bytes, width and height (uint16). */
    public static final int RAW_HEADER_BYTES = 12;

    private FrameHeaders() {}

    /** Width x height declared by a {@code jpeg}, {@code png} or {@code raw} frame's header; 0 when there is none to read. */
    public static long pixels(byte[] payload, String format) {
        int[] size = size(payload, format);
        return (long) size[0] * size[1];
    }

    /**
     * Width and height declared by a {@code jpeg}, {@code png} or {@code raw} frame's header, as
     * {@code {width, height}}; {@code {0, 0}} when there is none to read (since API 2.1).
     */
    public static int[] size(byte[] payload, String format) {
        return switch (format) {
            case "png" -> payload.length >= 24 ? new int[] {int32(payload, 16), int32(payload, 20)} : new int[2];
            case "raw" -> payload.length >= RAW_HEADER_BYTES ? new int[] {uint16(payload, 8), uint16(payload, 10)} : new int[2];
            case "jpeg" -> {
                int sof = frameHeader(payload);
                // SOFn: precision (1 byte), then height and width (2 bytes each).
                yield sof >= 0 && sof + 9 <= payload.length ? new int[] {uint16(payload, sof + 7), uint16(payload, sof + 5)} : new int[2];
            }
            default -> new int[2];
        };
    }

    /** Whether the first frame header (SOFn) says progressive (SOF2, SOF6, SOF10, SOF14); false when none is found. */
    public static boolean isProgressive(byte[] jpeg) {
        int sof = frameHeader(jpeg);
        if (sof < 0) {
            return false;
        }
        int marker = jpeg[sof + 1] & 0xff;
        return marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE;
    }

    /** Offset of the JPEG's first SOFn marker, or -1. */
    private static int frameHeader(byte[] jpeg) {
        int i = 2;
        while (i + 4 <= jpeg.length && (jpeg[i] & 0xff) == 0xFF) {
            int marker = jpeg[i + 1] & 0xff;
            if (marker == 0xFF) {
                i++;
                continue;
            }
            if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                return i;
            }
            if (marker == 0xDA || marker == 0xD9) {
                return -1;
            }
            i += 2 + uint16(jpeg, i + 2);
        }
        return -1;
    }

    private static int uint16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }

    /** A PNG dimension: unsigned 32-bit, negative read as 0 (PNG allows at most 2^31 - 1). */
    private static int int32(byte[] b, int at) {
        int v = (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
        return Math.max(0, v);
    }
}
