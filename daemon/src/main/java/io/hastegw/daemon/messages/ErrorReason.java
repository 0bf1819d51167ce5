package io.hastegw.daemon.messages;

import io.hastegw.plugin.api.RejectReason;
import java.util.Locale;

/**
 * Every reason an error event can carry on the wire ({@code haste.error}'s {@code reason}, docs/mqtt-api.md):
 * a frame's rejections (the plugin API's {@link RejectReason}, one for one) and the gateway's own.
 */
public enum ErrorReason {
    /** A frame over {@code pipeline.max_payload_bytes}. */
    PAYLOAD_TOO_LARGE,
    /** A frame in no format a decoder supports. */
    UNKNOWN_FORMAT,
    /** A frame that cannot be decoded. */
    MALFORMED_IMAGE,
    /** A frame whose image does not fit the model. */
    WRONG_IMAGE_SHAPE,
    /** A frame on a topic without a valid camera id. */
    BAD_TOPIC,
    /** A frame dropped before it could queue (too many cameras waiting). */
    DROPPED,
    /** The model failed on a frame. */
    INFERENCE_FAILED,
    /** A plugin's stage failed on a frame. */
    PLUGIN_FAILED,
    /** A control command refused (or accepted but not saved). */
    INVALID_COMMAND,
    /** A plugin refused at start, or a source of it that did not start. */
    PLUGIN_REFUSED,
    /** A plugin disabled after failing too often. */
    PLUGIN_DISABLED,
    /** A plugin quarantined: the gateway's previous run ended while it was running; not loaded until an operator clears it. */
    PLUGIN_QUARANTINED;

    /** Its name on the wire ({@code payload_too_large}). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The reason of a frame rejected for {@code reason}. */
    public static ErrorReason of(RejectReason reason) {
        return valueOf(reason.name());
    }
}
