package io.hastegw.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What a hostile publisher can do with camera ids, against the real Mosquitto: ids beyond the
 * length limit get an error event, a flood of fresh ids cannot grow the metrics beyond the
 * tracked cameras plus one shared series, idle cameras are forgotten, and the gauges read real
 * values (not NaN) after garbage collection.
 */
@Tag("broker")
class HostileInputTest {
    private static final byte[] NOT_AN_IMAGE = "x".getBytes(StandardCharsets.UTF_8);
    private GatewayFixture gateway;
    private MqttTestClient client;

    @BeforeEach
    void start() throws Exception {
        gateway = new GatewayFixture(TestModels.resnet20(), "pipeline.max_tracked_cameras=3", "pipeline.camera_idle_seconds=1").ready();
        client = new MqttTestClient(gateway.all());
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        gateway.close();
    }

    private String scrape() {
        return gateway.running.gateway().metrics().scrape();
    }

    private static double value(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+|NaN)$").matcher(scrape);
        assertTrue(m.find(), series + " not in:\n" + scrape);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void aCameraIdAsLongAsATopicAllowsGetsABadTopicErrorEvent() throws Exception {
        String prefix = "haste/" + gateway.id + "/cameras/";
        String camera = "c".repeat(65_535 - prefix.length() - "/frames".length());
        client.publish(prefix + camera + "/frames", NOT_AN_IMAGE, null, "long", null);
        var error = client.await(r -> r.topic().endsWith("/errors"), 10);
        assertEquals("bad_topic", error.json().get("reason"));
        assertEquals("camera id of " + camera.length() + " characters ('cccccccccccccccc...'); allowed: up to 64 (pipeline.max_camera_id_length)",
                error.json().get("message"));
        assertNull(error.json().get("camera_id"));
        assertEquals("long", error.json().get("frame_id"));
        assertTrue(Json.validate("error", error.payload()).isEmpty());
    }

    @Test
    void camerasBeyondTheTrackedOnesWithPredictionsShareOneSeries() throws Exception {
        byte[] jpeg = java.nio.file.Files.readAllBytes(TestModels.cifar("cat", 0));
        for (int i = 0; i < 3; i++) {
            client.publish(gateway.frames("cam" + i), jpeg, null, "p" + i, null);
            client.await(r -> r.topic().endsWith("/predictions"), 10);
        }
        for (int i = 3; i < 6; i++) {
            client.publish(gateway.frames("cam" + i), NOT_AN_IMAGE, null, "f" + i, null);
            client.await(r -> r.topic().endsWith("/errors"), 10);
        }
        String scrape = scrape();
        for (int i = 0; i < 3; i++) {
            assertEquals(1.0, value(scrape, "haste_frames_received_total{camera=\"cam" + i + "\"}"));
        }
        assertEquals(3.0, value(scrape, "haste_frames_received_total{camera=\"other\"}"));
        assertFalse(scrape.contains("cam3") || scrape.contains("cam4") || scrape.contains("cam5"), scrape);
    }

    /** A flood of fresh ids sending junk holds no series a real camera needs: the newcomer displaces the oldest junk id. */
    @Test
    void junkOnFreshIdsCannotKeepARealCameraOutOfItsOwnSeries() throws Exception {
        for (int i = 0; i < 5; i++) {
            client.publish(gateway.frames("junk" + i), NOT_AN_IMAGE, null, "j" + i, null);
            client.await(r -> r.topic().endsWith("/errors"), 10);
        }
        client.publish(gateway.frames("real"), java.nio.file.Files.readAllBytes(TestModels.cifar("cat", 0)), null, "real-1", null);
        client.await(r -> r.topic().endsWith("/predictions"), 10);
        String scrape = scrape();
        assertEquals(1.0, value(scrape, "haste_frames_received_total{camera=\"real\"}"));
        assertEquals(1.0, value(scrape, "haste_frames_processed_total{camera=\"real\"}"));
        assertEquals(3.0, value(scrape, "haste_frames_received_total{camera=\"other\"}"), "the displaced junk ids' frames are counted, as other");
        assertEquals(6.0, gateway.running.gateway().metrics().total("haste_frames_received"));
        assertFalse(scrape.contains("junk0") || scrape.contains("junk1") || scrape.contains("junk2"), scrape);
    }

    @Test
    void anIdleCameraIsForgottenAndItsSeriesRemoved() throws Exception {
        client.publish(gateway.frames("gone"), NOT_AN_IMAGE, null, "g", null);
        client.await(r -> r.topic().endsWith("/errors"), 10);
        assertTrue(scrape().contains("camera=\"gone\""));
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (scrape().contains("camera=\"gone\"") && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertFalse(scrape().contains("camera=\"gone\""), "series still there after 10 s with camera_idle_seconds=1");
        assertEquals(1.0, gateway.running.gateway().metrics().total("haste_frames_received"), "the /status total keeps what was counted");
    }

    @Test
    void theQueueInFlightAndConnectionGaugesReadRealValuesAfterGarbageCollection() {
        System.gc();
        String scrape = scrape();
        for (String gauge : List.of("haste_queue_frames", "haste_in_flight_frames")) {
            assertEquals(0.0, value(scrape, gauge), gauge);
        }
        assertEquals(1.0, value(scrape, "haste_mqtt_connected"));
    }
}
