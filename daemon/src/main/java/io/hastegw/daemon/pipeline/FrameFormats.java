package io.hastegw.daemon.pipeline;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Names a frame's format: from its MQTT 5 content type when present, else from its first bytes.
 * Formats: {@code jpeg}, {@code png}, and {@code raw} (the gateway's raw header, see
 * {@link io.hastegw.plugin.api.FrameHeaders}); other content types name the format a plugin's
 * decoder may support (its subtype: {@code image/webp} is {@code webp}).
 */
public final class FrameFormats {
    /** Content type of raw frames. */
    public static final String RAW_CONTENT_TYPE = "application/x-haste-raw";

    /** The formats the built-in decoders read. */
    public static final List<String> BUILT_IN = List.of("jpeg", "png", "raw");

    private FrameFormats() {}

    /** The format a content type names that {@link #detect} does not know (its subtype, lower case), for plugin decoders. */
    public static Optional<String> declared(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        String type = contentType.toLowerCase(Locale.ROOT).split(";")[0].trim();
        int slash = type.indexOf('/');
        return slash > 0 && slash < type.length() - 1 ? Optional.of(type.substring(slash + 1)) : Optional.empty();
    }

    /** The format, or empty when neither the content type nor the bytes name a known one. */
    public static Optional<String> detect(String contentType, byte[] payload) {
        if (contentType != null && !contentType.isBlank()) {
            String type = contentType.toLowerCase(Locale.ROOT).split(";")[0].trim();
            return switch (type) {
                case "image/jpeg", "image/jpg" -> Optional.of("jpeg");
                case "image/png" -> Optional.of("png");
                case RAW_CONTENT_TYPE -> Optional.of("raw");
                default -> Optional.empty();
            };
        }
        if (startsWith(payload, 0xFF, 0xD8, 0xFF)) {
            return Optional.of("jpeg");
        }
        if (startsWith(payload, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return Optional.of("png");
        }
        if (startsWith(payload, 'H', 'R', 'A', 'W')) {
            return Optional.of("raw");
        }
        return Optional.empty();
    }

    private static boolean startsWith(byte[] data, int... prefix) {
        if (data.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((data[i] & 0xff) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
