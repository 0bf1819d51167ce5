package io.hastegw.daemon.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastegw.daemon.config.DetectionConfig;
import io.hastegw.plugin.api.Detection;
import io.hastegw.plugin.api.Detections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Zones in-process: the point-in-polygon rule, which objects a zone counts, scaling to another frame size, count changes. */
class ZonesTest {
    private static final List<List<Double>> LEFT_HALF = List.of(List.of(0.0, 0.0), List.of(960.0, 0.0), List.of(960.0, 1080.0),
            List.of(0.0, 1080.0));
    private static final List<List<Double>> RIGHT_HALF = List.of(List.of(960.0, 0.0), List.of(1920.0, 0.0), List.of(1920.0, 1080.0),
            List.of(960.0, 1080.0));

    private static CameraZones zones() {
        return new CameraZones(new DetectionConfig(null, null, null, Map.of("drive", new DetectionConfig.Camera(1920, 1080)),
                List.of(new DetectionConfig.Zone("left", "drive", LEFT_HALF, List.of("car")),
                        new DetectionConfig.Zone("right", "drive", RIGHT_HALF, List.of()))), List.of("car", "person"));
    }

    private static Detection at(String label, double x0, double y0, double x1, double y1) {
        return new Detection(label.equals("car") ? 0 : 1, label, 0.9, x0, y0, x1, y1, List.of());
    }

    @Test
    void sharedEdgesAndTheFramesBottomRowBelongToExactlyOneZone() {
        ZonePolygon left = ZonePolygon.of(LEFT_HALF);
        ZonePolygon right = ZonePolygon.of(RIGHT_HALF);
        assertTrue(!left.contains(960, 500) && right.contains(960, 500), "the shared edge belongs to the zone on its right");
        assertTrue(left.contains(0, 0), "the top-left corner is inside");
        assertFalse(left.contains(500, 1080), "the bottom edge is outside: a box's bottom-centre is taken half a pixel above it");
    }

    @Test
    void anObjectIsInTheZoneWhereItStandsAndAZoneCountsOnlyItsLabels() {
        Detections d = zones().assign("drive", List.of(at("car", 100, 100, 300, 1080), at("person", 100, 100, 300, 500),
                at("car", 900, 0, 1100, 300)), 1920, 1080);
        assertEquals(List.of("left"), d.objects().get(0).zones(), "bottom-centre (200, 1079.5)");
        assertEquals(List.of("left"), d.objects().get(1).zones());
        assertEquals(List.of("right"), d.objects().get(2).zones(), "bottom-centre (1000, 299.5)");
        assertEquals(Map.of("left", Map.of("car", 1), "right", Map.of("car", 1)), d.zones(), "left counts cars only; right every label");
    }

    @Test
    void aFrameOfAnotherSizeHasTheZonesScaledToIt() {
        // 960x540, half the declared size: x 600 is 1200 in the zones' pixels, the right half.
        Detections d = zones().assign("drive", List.of(at("person", 550, 100, 650, 400)), 960, 540);
        assertEquals(List.of("right"), d.objects().get(0).zones());
        assertEquals(Map.of("left", Map.of(), "right", Map.of("person", 1)), d.zones());
    }

    @Test
    void aCameraWithoutZonesHasNoCounts() {
        Detections d = zones().assign("porch", List.of(at("car", 0, 0, 10, 10)), 100, 100);
        assertEquals(Map.of(), d.zones());
        assertEquals(List.of(), d.objects().get(0).zones());
    }

    @Test
    void zoneCountsReportOnlyTheCountsThatChanged() {
        ZoneCounts counts = new ZoneCounts(zones());
        assertEquals(List.of(new ZoneCounts.Change("drive", "left", "car", 2, 0)), counts.update("drive",
                zones().assign("drive", List.of(at("car", 0, 0, 100, 900), at("car", 200, 0, 300, 900)), 1920, 1080)));
        assertEquals(List.of(), counts.update("drive", zones().assign("drive", List.of(at("car", 0, 0, 100, 900), at("car", 200, 0, 300, 900)),
                1920, 1080)), "nothing changed");
        assertEquals(List.of(new ZoneCounts.Change("drive", "left", "car", 0, 2), new ZoneCounts.Change("drive", "right", "person", 1, 0)),
                counts.update("drive", zones().assign("drive", List.of(at("person", 1500, 0, 1600, 900)), 1920, 1080)));
        assertEquals(List.of(new ZoneCounts.Count("drive", "left", "car", 0), new ZoneCounts.Count("drive", "right", "car", 0),
                new ZoneCounts.Count("drive", "right", "person", 1)), counts.all());
    }
}
