package io.hastegw.daemon.pipeline;

import java.util.HashMap;
import java.util.Map;

/**
 * Fair frame shedding: when the controller asks to serve one frame in {@code k}, each camera
 * keeps its own count and every camera keeps one frame in {@code k} of its own, so a busy camera
 * cannot take a quiet camera's share. Keyed by camera series (bounded by {@link CameraTracker});
 * confined to the gateway's event loop (the gateway counts shed frames per camera in its metrics).
 */
final class FrameShedder {
    private final Map<String, Long> counts = new HashMap<>();

    /** Whether the next frame of {@code series} is served when one frame in {@code every} is. */
    boolean keep(String series, int every) {
        if (every <= 1) {
            counts.remove(series);
            return true;
        }
        long n = counts.merge(series, 1L, Long::sum) - 1;
        return n % every == 0;
    }

    /** Forgets a camera gone idle. */
    void forget(String series) {
        counts.remove(series);
    }
}
