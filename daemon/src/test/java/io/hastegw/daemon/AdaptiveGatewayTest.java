package io.hastegw.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The adaptive gateway end to end on the real Mosquitto and the HASTE ResNet-20: load readings
 * and control state in /status and /metrics, the retained energy summary, and the controller
 * under a real CPU hog (threads burning CPU, started and stopped by the test).
 */
@Tag("broker")
class AdaptiveGatewayTest {
    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> m, String key) {
        return (Map<String, Object>) m.get(key);
    }

    @Test
    void statusAndMetricsShowTheLoadTheControllerAndTheEnergy() throws Exception {
        int port = LocalMosquitto.freePort();
        try (GatewayFixture g = new GatewayFixture(TestModels.hasteResNet20(), "control.mode=auto", "control.sample_period_ms=200",
                "control.window_ms=2000", "http.enabled=true", "http.port=" + port, "energy.summary_period_s=1").ready();
             MqttTestClient client = new MqttTestClient(g.all())) {
            for (String camera : List.of("a", "b", "a")) {
                client.publish(g.frames(camera), Files.readAllBytes(TestModels.cifar("cat", 2)), null, null, null);
                client.await(r -> r.topic().endsWith("/cameras/" + camera + "/predictions"), 20);
            }
            var summary = client.await(r -> r.topic().equals("haste/" + g.id + "/energy")
                    && Long.valueOf(3).equals(((Number) map(r.json(), "total").get("frames")).longValue()), 10);
            assertTrue(Json.validate("energy", summary.payload()).isEmpty(), Json.validate("energy", summary.payload()).toString());
            assertEquals(2, ((Number) map(map(summary.json(), "cameras"), "a").get("frames")).intValue());
            assertTrue(((String) summary.json().get("method")).startsWith("estimate, profile x86"));

            Map<String, Object> status = LocalHttp.status(port);
            Map<String, Object> load = map(status, "load");
            assertTrue(((Number) load.get("board_cpu")).doubleValue() >= 0, load.toString());
            assertTrue(((Number) load.get("load_average")).doubleValue() >= 0, load.toString());
            Map<String, Object> control = map(status, "control");
            assertEquals("auto", map(control, "settings").get("mode"));
            assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8), control.get("ladder"), "no cost plan in this test: every level is a rung");
            assertEquals("derived: 2 x dense_ms + 10 ms", control.get("latency_target"));
            String metrics = LocalHttp.get(port, "/metrics");
            for (String line : List.of("haste_board_cpu_ratio ", "haste_process_cpu_ratio ", "haste_load_average ", "haste_window_latency_p95_ms ",
                    "haste_window_frames_per_second ", "haste_shed_every 1.0", "haste_control_changes_total ", "haste_queue_frames ",
                    "haste_energy_millijoules_total{camera=\"a\"} ", "haste_energy_dense_millijoules_total{camera=\"b\"} ")) {
                assertTrue(metrics.contains("\n" + line), "metrics lack " + line);
            }
        }
    }

    /**
     * The CPU-budget policy under a real hog: the board's CPU use jumps over the budget, the
     * controller raises the level (and sheds once at the top), and returns to level 0 at full rate
     * once the hog stops.
     */
    @Test
    void underARealCpuHogTheControllerRaisesAndReturnsAfter() throws Exception {
        try (GatewayFixture g = new GatewayFixture(TestModels.hasteResNet20(), "control.mode=auto", "control.policy=cpu",
                "control.cpu_budget_percent=75", "control.sample_period_ms=250", "control.window_ms=2000", "control.dwell_ms=500",
                "control.max_shed_every=3").ready();
             MqttTestClient client = new MqttTestClient(g.all())) {
            byte[] frame = Files.readAllBytes(TestModels.cifar("dog", 4));
            AtomicBoolean sending = new AtomicBoolean(true);
            Thread camera = new Thread(() -> {
                try (MqttTestClient cam = new MqttTestClient(null)) {
                    while (sending.get()) {
                        cam.fire(g.frames("hog-cam"), frame);
                        Thread.sleep(50);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            camera.start();
            List<Map<String, Object>> states = new ArrayList<>();
            try {
                Thread.sleep(1500);
                assertEquals(0, g.running.gateway().level(), "unloaded: level 0");
                AtomicBoolean burning = new AtomicBoolean(true);
                List<Thread> hog = new ArrayList<>();
                for (int i = 0; i < 2 * Runtime.getRuntime().availableProcessors(); i++) {
                    Thread t = new Thread(() -> {
                        long x = 0;
                        while (burning.get()) {
                            x += System.nanoTime() % 7;
                        }
                        if (x == 42) {
                            System.out.print("");
                        }
                    });
                    t.setDaemon(true);
                    t.start();
                    hog.add(t);
                }
                var raised = client.await(r -> r.topic().endsWith("/control/state") && ((Number) r.json().get("level")).intValue() > 0, 20);
                states.add(raised.json());
                Thread.sleep(3000);
                burning.set(false);
                for (Thread t : hog) {
                    t.join();
                }
                var back = client.await(r -> r.topic().endsWith("/control/state") && ((Number) r.json().get("level")).intValue() == 0
                        && ((Number) r.json().get("shed_every")).intValue() == 1, 60);
                states.add(back.json());
            } finally {
                sending.set(false);
                camera.join();
            }
            assertTrue(((String) states.get(0).get("reason")).contains("over the budget 75 %"), states.get(0).toString());
            assertTrue(((String) states.get(1).get("reason")).startsWith("auto: lowered") || ((String) states.get(1).get("reason")).startsWith(
                    "auto: serving every frame again"), states.get(1).toString());
        }
    }
}
