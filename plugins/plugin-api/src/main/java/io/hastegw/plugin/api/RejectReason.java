package io.hastegw.plugin.api;

/** Why a frame was rejected; the wire value is the lower-case name (see docs/mqtt-api.md). */
public enum RejectReason {
    /** The payload is larger than the configured maximum. */
    PAYLOAD_TOO_LARGE,
    /** Neither the content type nor the first bytes name a supported format. */
    UNKNOWN_FORMAT,
    /** The bytes claim a format but cannot be decoded (corrupt or truncated). */
    MALFORMED_IMAGE,
    /** The image decodes but its size or colour cannot be used by the model. */
    WRONG_IMAGE_SHAPE,
    /** The topic does not match the frame topic filter, or is not valid UTF-8. */
    BAD_TOPIC,
    /** The frame was dropped by back-pressure (queue full). */
    DROPPED,
    /** Inference failed for this frame. */
    INFERENCE_FAILED,
    /** A plugin stage threw. */
    PLUGIN_FAILED;

    /** The value used in error events. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
