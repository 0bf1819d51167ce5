package io.hastegw.daemon.pipeline;

import io.hastegw.daemon.load.BoardSampler;
import io.hastegw.daemon.load.LatencyWindow;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway's state at one moment, taken on its event loop: what /health, /status and the
 * console show. Immutable, so the HTTP endpoints never read the pipeline's own fields.
 *
 * @param model          the model's name
 * @param level          the level in use
 * @param levels         the model's levels
 * @param engine         how the level runs (the engine's details)
 * @param control        the control state as published on control/state
 * @param reading        the last sampling period's board reading
 * @param window         the controller's latency window
 * @param mqttReady      whether the broker connection is up and subscribed
 * @param mqttConnects   successful connects so far
 * @param queued         frames waiting
 * @param inFlight       frames being processed
 * @param errors         the last error events, newest first
 */
public record GatewayStatus(String model, int level, int levels, Map<String, Object> engine, Map<String, Object> control,
                            BoardSampler.Reading reading, LatencyWindow.Stats window, boolean mqttReady, long mqttConnects, int queued,
                            int inFlight, List<RecentErrors.Entry> errors) {
    /** Copies the maps (which may hold nulls: unknown figures) and the list. */
    public GatewayStatus {
        engine = Collections.unmodifiableMap(new LinkedHashMap<>(engine));
        control = Collections.unmodifiableMap(new LinkedHashMap<>(control));
        errors = List.copyOf(errors);
    }
}
