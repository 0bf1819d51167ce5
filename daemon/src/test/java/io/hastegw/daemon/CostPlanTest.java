package io.hastegw.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastegw.op.runtime.NativeKernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway runs HASTE models on the native kernel with a cost plan calibrated once per device and model, then cached. */
@Tag("broker")
class CostPlanTest {
    @TempDir
    Path cache;

    private GatewayFixture start() throws Exception {
        return new GatewayFixture(TestModels.hasteResNet20(), "model.cost_plan=true", "model.cost_cache=" + cache,
                "model.calibration_images=" + TestModels.shared().resolve("data/cifar10-jpeg/test/cat")).ready();
    }

    @Test
    void theFirstStartCalibratesAndStoresThePlanTheNextReadsIt() throws Exception {
        try (GatewayFixture g = start()) {
            Map<String, Object> details = g.running.gateway().engine().details(0);
            assertEquals("native", details.get("kernel"));
            assertEquals("scale-aware merge, uniform L", details.get("method"), "the status says how the model hashes and merges");
            assertEquals("calibrated at start", plan(details).get("source"));
        }
        try (var files = Files.list(cache)) {
            assertEquals(1, files.count(), "one plan file for this model and device");
        }
        try (GatewayFixture g = start()) {
            assertEquals("cache", plan(g.running.gateway().engine().details(0)).get("source"));
        }
    }

    @Test
    void theStatusShowsForEveryLevelWhatRunsAndForTheCurrentLevelEveryLayer() throws Exception {
        try (GatewayFixture g = start()) {
            Map<String, Object> details = g.running.gateway().engine().details(3);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> levels = (List<Map<String, Object>>) plan(details).get("levels");
            assertEquals(9, levels.size());
            assertEquals("dense model", levels.get(0).get("runs"), "level 0 is always the original model");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> layers = (List<Map<String, Object>>) details.get("layers_at_level");
            assertEquals(18, layers.size());
            boolean levelDense = "dense model".equals(levels.get(3).get("runs"));
            long haste = layers.stream().filter(l -> "haste".equals(l.get("runs"))).count();
            assertEquals(levelDense ? 0 : ((Number) levels.get(3).get("haste_layers")).longValue(), haste);
            assertTrue(layers.stream().allMatch(l -> "haste".equals(l.get("runs")) == ((Number) l.get("hyperplanes")).intValue() > 0));
        }
    }

    @Test
    void withoutTheNativeLibraryTheGatewayRunsThePortableGraphAndSaysWhy() throws Exception {
        Path bogus = Files.writeString(cache.resolve("libhaste_ort.so"), "not a library");
        System.setProperty(NativeKernel.LIBRARY_PROPERTY, bogus.toString());
        try (GatewayFixture g = new GatewayFixture(TestModels.hasteResNet20(), "model.level=4").ready();
             MqttTestClient client = new MqttTestClient(g.all())) {
            String kernel = (String) g.running.gateway().engine().details(4).get("kernel");
            assertTrue(kernel.startsWith("portable (native kernel unavailable: "), kernel);
            assertTrue(kernel.contains(bogus.toString()), kernel);
            client.publish(g.frames("cam1"), Files.readAllBytes(TestModels.cifar("cat", 0)), "image/jpeg", "f1", null);
            var prediction = client.await(r -> r.topic().endsWith("/predictions"), 20);
            assertEquals(4, prediction.json().get("level"));
        } finally {
            System.clearProperty(NativeKernel.LIBRARY_PROPERTY);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> plan(Map<String, Object> details) {
        return (Map<String, Object>) details.get("cost_plan");
    }
}
