package com.example.haste.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.hastegw.plugin.api.Frame;
import io.hastegw.plugin.testkit.FrameCapture;
import io.hastegw.plugin.testkit.PluginHarness;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The plugin without a gateway (haste-plugin-testkit): a local HTTP server plays two cameras, one of them broken. */
class SnapshotSourcePluginTest {
    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9};
    private HttpServer cameras;
    private String base;

    @BeforeEach
    void serveCameras() throws Exception {
        cameras = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        cameras.createContext("/porch.jpg", x -> {
            x.getResponseHeaders().add("Content-Type", "image/jpeg");
            x.sendResponseHeaders(200, JPEG.length);
            x.getResponseBody().write(JPEG);
            x.close();
        });
        cameras.createContext("/broken.jpg", x -> {
            x.sendResponseHeaders(503, -1);
            x.close();
        });
        cameras.start();
        base = "http://127.0.0.1:" + cameras.getAddress().getPort();
    }

    @AfterEach
    void stopCameras() {
        cameras.stop(0);
    }

    private PluginHarness start(Map<String, String> urls) throws Exception {
        return PluginHarness.builder(new SnapshotSourcePlugin()).config(Map.of("cameras", urls, "interval_ms", 20, "timeout_ms", 1000)).start();
    }

    @Test
    void eachSnapshotBecomesAFrameOfItsCameraWithItsContentType() throws Exception {
        try (PluginHarness h = start(Map.of("porch", base + "/porch.jpg"))) {
            assertEquals(List.of("source:snapshots"), h.stageNames());
            FrameCapture input = h.startSources();
            Frame f = input.await(2, 5000).get(0);
            assertEquals("porch", f.cameraId());
            assertArrayEquals(JPEG, f.payload());
            assertEquals("image/jpeg", f.contentType());
            assertEquals(Map.of("source", "http-snapshot"), f.userProperties());
            assertTrue(h.health().healthy());
        }
    }

    @Test
    void aFailingCameraIsCountedLoggedOnceAndNamedInTheHealthWhileTheOthersGoOn() throws Exception {
        try (PluginHarness h = start(Map.of("porch", base + "/porch.jpg", "garage", base + "/broken.jpg"))) {
            FrameCapture input = h.startSources();
            input.await(3, 5000);
            for (int i = 0; i < 100 && h.metrics().counter("snapshot_failed") == 0; i++) {
                Thread.sleep(20);
            }
            assertTrue(input.frames().stream().allMatch(f -> f.cameraId().equals("porch")));
            assertTrue(h.metrics().counter("snapshot_failed") >= 1);
            assertFalse(h.health().healthy());
            assertEquals("snapshots failing: {garage=java.io.IOException: HTTP 503}", h.health().detail());
            assertEquals(List.of("camera garage: snapshot from " + base + "/broken.jpg failed: java.io.IOException: HTTP 503"),
                    h.context().logger().lines().stream().map(l -> l.message()).toList());
        }
    }

    @Test
    void aSnapshotOverThePipelinesPayloadLimitIsNotSubmitted() throws Exception {
        try (PluginHarness h = PluginHarness.builder(new SnapshotSourcePlugin())
                .config(Map.of("cameras", Map.of("porch", base + "/porch.jpg"), "interval_ms", 20))
                .limits(new io.hastegw.plugin.api.PipelineLimits(2, 1_000_000, 1 << 20, 2000)).start()) {
            FrameCapture input = h.startSources();
            for (int i = 0; i < 100 && h.metrics().counter("snapshot_failed") == 0; i++) {
                Thread.sleep(20);
            }
            assertEquals(List.of(), input.frames());
            assertEquals("snapshots failing: {porch=java.io.IOException: snapshot of 4 bytes is over pipeline.max_payload_bytes}", h.health().detail());
        }
    }
}
