package io.hastegw.plugin.api;

/** Where a {@link FrameSource} hands its frames to the gateway. Thread-safe; never blocks. */
public interface FrameInput {
    /**
     * Offers {@code frame} (its {@code receivedNanos} should be {@link System#nanoTime()} now).
     * Returns false when the gateway no longer takes frames (it is stopping); a frame taken may
     * still be dropped by back-pressure or refused (oversized, bad camera id) with an error event,
     * as an MQTT frame would.
     */
    boolean submit(Frame frame);
}
