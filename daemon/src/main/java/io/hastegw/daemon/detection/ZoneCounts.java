package io.hastegw.daemon.detection;

import io.hastegw.plugin.api.Detections;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The current number of objects of each counted label in each zone of each camera (the count of
 * the camera's latest frame; 0 before its first), what changed with a frame, and the gauges
 * {@code haste_zone_objects{camera, zone, label}} (every configured zone and label, from 0).
 * Updated on the event loop; the gauges are read by the metrics scrape.
 */
public final class ZoneCounts implements MeterBinder {
    /**
     * A count that changed.
     *
     * @param camera   the camera
     * @param zone     the zone
     * @param label    the label
     * @param count    the new count
     * @param previous the count before
     */
    public record Change(String camera, String zone, String label, int count, int previous) {}

    /**
     * One count.
     *
     * @param camera the camera
     * @param zone   the zone
     * @param label  the label
     * @param count  the objects of that label in the zone now
     */
    public record Count(String camera, String zone, String label, int count) {}

    private final Map<String, Map<String, Map<String, AtomicInteger>>> counts = new LinkedHashMap<>();

    /** Counts for every zone and label of {@code zones}, all 0. */
    public ZoneCounts(CameraZones zones) {
        zones.all().forEach((camera, list) -> {
            Map<String, Map<String, AtomicInteger>> byZone = new LinkedHashMap<>();
            for (CameraZones.Zone z : list) {
                Map<String, AtomicInteger> byLabel = new LinkedHashMap<>();
                z.labels().forEach(l -> byLabel.put(l, new AtomicInteger()));
                byZone.put(z.name(), byLabel);
            }
            counts.put(camera, byZone);
        });
    }

    /** The counts of {@code camera}'s frame with {@code detections}; the counts that changed, in zone and label order. */
    public List<Change> update(String camera, Detections detections) {
        Map<String, Map<String, AtomicInteger>> byZone = counts.get(camera);
        if (byZone == null) {
            return List.of();
        }
        List<Change> changes = new ArrayList<>();
        byZone.forEach((zone, byLabel) -> byLabel.forEach((label, current) -> {
            int now = detections.zones().getOrDefault(zone, Map.of()).getOrDefault(label, 0);
            int before = current.getAndSet(now);
            if (now != before) {
                changes.add(new Change(camera, zone, label, now, before));
            }
        }));
        return changes;
    }

    /** Every count now, in camera, zone and label order. */
    public List<Count> all() {
        List<Count> out = new ArrayList<>();
        counts.forEach((camera, byZone) -> byZone.forEach((zone, byLabel) -> byLabel.forEach((label, c) ->
                out.add(new Count(camera, zone, label, c.get())))));
        return out;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counts.forEach((camera, byZone) -> byZone.forEach((zone, byLabel) -> byLabel.forEach((label, c) ->
                Gauge.builder("haste_zone_objects", c, AtomicInteger::get).description("objects of a label in a camera's zone, latest frame")
                        .tags("camera", camera, "zone", zone, "label", label).register(registry))));
    }
}
