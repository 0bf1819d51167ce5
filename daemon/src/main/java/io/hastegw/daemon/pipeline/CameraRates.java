package io.hastegw.daemon.pipeline;

import io.hastegw.daemon.messages.Figures;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-camera rates from a per-camera counter ({@link GatewayMetrics#perCamera}): each call gives
 * every camera's increase per second since the previous call (null rates on the first). Used by
 * the console and the Home Assistant statistics. Not thread-safe: one caller.
 */
public final class CameraRates {
    private Map<String, Double> last = Map.of();
    private long lastAt;

    /** Each camera of {@code now}'s rate per second since the previous call at {@code nowMillis}; empty values (null) the first time. */
    public Map<String, Double> update(Map<String, Double> now, long nowMillis) {
        double seconds = lastAt == 0 ? 0 : (nowMillis - lastAt) / 1000.0;
        Map<String, Double> rates = new TreeMap<>();
        now.forEach((camera, count) -> rates.put(camera, seconds > 0 ? Figures.round3((count - last.getOrDefault(camera, 0.0)) / seconds) : null));
        last = now;
        lastAt = nowMillis;
        return rates;
    }

    /** The total increase per second over all cameras (null the first time). */
    public static Double total(Map<String, Double> rates) {
        return rates.values().stream().anyMatch(java.util.Objects::isNull) ? null
                : Figures.round3(rates.values().stream().mapToDouble(Double::doubleValue).sum());
    }

}
