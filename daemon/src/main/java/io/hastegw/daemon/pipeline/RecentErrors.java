package io.hastegw.daemon.pipeline;

import io.hastegw.daemon.messages.ErrorReason;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The gateway's last error events (what went wrong last, for the operator console), newest
 * first, bounded. Thread-safe: written on the event loop, read by the console.
 */
public final class RecentErrors {
    /**
     * One error event as published on the errors topic.
     *
     * @param timestampMillis when (epoch ms)
     * @param reason          the error event's reason
     * @param message         what happened (may hold text from untrusted clients: shown escaped)
     * @param cameraId        the camera, or null
     * @param frameId         the frame, or null
     */
    public record Entry(long timestampMillis, ErrorReason reason, String message, String cameraId, String frameId) {}

    private final int capacity;
    private final ArrayDeque<Entry> entries;

    /** Keeps the last {@code capacity} events. */
    public RecentErrors(int capacity) {
        this.capacity = capacity;
        this.entries = new ArrayDeque<>(capacity);
    }

    /** Notes an event. */
    public synchronized void add(Entry e) {
        if (entries.size() == capacity) {
            entries.removeLast();
        }
        entries.addFirst(e);
    }

    /** The events kept, newest first. */
    public synchronized List<Entry> list() {
        return List.copyOf(entries);
    }
}
