package io.hastegw.daemon.mqtt;

import java.util.Optional;

/**
 * The one rule for camera ids (a level of the gateway's topics, a metrics label, a key of the
 * configuration): 1 to {@code pipeline.max_camera_id_length} characters, counted as Unicode code
 * points, none of them MQTT's {@code /}, {@code +}, {@code #} or NUL.
 */
public final class CameraId {
    /** What is wrong with a camera id. */
    public enum Problem {
        /** No characters. */
        EMPTY,
        /** More characters than allowed. */
        TOO_LONG,
        /** A {@code /}, {@code +}, {@code #} or NUL, which a topic level cannot hold. */
        RESERVED_CHARACTER
    }

    private CameraId() {}

    /** What is wrong with {@code id} as a camera id of at most {@code maxLength} characters, or empty when nothing is. */
    public static Optional<Problem> problem(String id, int maxLength) {
        if (id == null || id.isEmpty()) {
            return Optional.of(Problem.EMPTY);
        }
        if (id.chars().anyMatch(c -> c == '/' || c == '+' || c == '#' || c == 0)) {
            return Optional.of(Problem.RESERVED_CHARACTER);
        }
        return length(id) > maxLength ? Optional.of(Problem.TOO_LONG) : Optional.empty();
    }

    /** {@code id}'s length in characters (Unicode code points, not UTF-16 units: an emoji is one). */
    public static int length(String id) {
        return id.codePointCount(0, id.length());
    }
}
