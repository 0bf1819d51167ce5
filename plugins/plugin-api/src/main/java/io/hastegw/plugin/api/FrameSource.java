package io.hastegw.plugin.api;

/**
 * Frames from somewhere other than the MQTT frame topic: a directory replayer, an HTTP snapshot
 * poller. The gateway starts it once it is ready; its frames then go through the same queues,
 * limits, decoding, inference and publication as MQTT frames.
 */
public interface FrameSource {
    /** Starts producing frames into {@code input}, on the plugin's own threads (its scheduler); returns at once. */
    void start(FrameInput input) throws Exception;

    /** Stops producing frames; returns once no more will be submitted. */
    void stop();
}
