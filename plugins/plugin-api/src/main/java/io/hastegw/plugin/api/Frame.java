package io.hastegw.plugin.api;

import java.util.Map;

/**
 * One camera frame as it arrived, before decoding.
 *
 * @param cameraId        the camera (from the topic)
 * @param frameId         the sender's frame id (MQTT 5 user property {@code frame_id}), or null
 * @param payload         the encoded bytes
 * @param contentType     the MQTT 5 content type, or null
 * @param userProperties  MQTT 5 user properties, echoed in the prediction
 * @param correlationData MQTT 5 correlation data, echoed in the prediction, or null
 * @param receivedNanos   {@link System#nanoTime()} when the frame arrived
 */
public record Frame(String cameraId, String frameId, byte[] payload, String contentType,
                    Map<String, String> userProperties, byte[] correlationData, long receivedNanos) {
    /** Copies the user properties so the frame stays immutable. */
    public Frame {
        userProperties = Map.copyOf(userProperties);
    }
}
