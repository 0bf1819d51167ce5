package io.hastegw.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every stage kind across the process boundary: the built-in plugins' own jars (decoders, top-k, label filters, the
 * directory source, the JSON Lines sink, the energy profiles, the control policies) and a test preprocessor are loaded
 * as operator plugins, so each runs in a plugin host process of its own (the default), and the gateway answers the
 * same frames exactly as a second gateway running the same jars in-process: same labels and scores, level, MACs and
 * energy method; the source's frames are predicted and the sink writes them; the policy in its host judges the control
 * loop's window.
 */
@Tag("broker")
class StagesAcrossHostsTest {
    private static final List<String> CLASSES = List.of("cat", "ship", "frog");
    private static final List<String> SOURCE_FRAMES = List.of("yard/dog.jpg", "yard/horse.jpg");
    private static final String GREY = """
            package test.grey;
            import io.hastegw.plugin.api.*;
            public final class P implements Plugin {
              public void init(PluginContext c, Extensions e) {
                ModelInfo m = c.model();
                e.preprocessor("mean-grey", image -> {
                  float[] out = new float[m.channels() * m.height() * m.width()];
                  int plane = m.height() * m.width();
                  for (int y = 0; y < m.height(); y++) {
                    for (int x = 0; x < m.width(); x++) {
                      int sx = x * image.width() / m.width(), sy = y * image.height() / m.height(), sum = 0;
                      for (int ch = 0; ch < image.channels(); ch++) sum += image.pixels()[(sy * image.width() + sx) * image.channels() + ch] & 0xff;
                      float v = (sum / (float) image.channels() / 255f - 0.5f) / 0.25f;
                      for (int ch = 0; ch < m.channels(); ch++) out[ch * plane + y * m.width() + x] = v;
                    }
                  }
                  return new InputTensor(out, new long[] {1, m.channels(), m.height(), m.width()});
                });
              }
            }
            """;
    private static Path dir;
    private static final Map<String, Run> RUNS = new HashMap<>();

    /** What one gateway answered: predictions by frame id, its control state, its sink's file, where /status says each plugin runs. */
    private record Run(Map<String, MqttTestClient.Received> predictions, Map<String, Object> control, Path sinkFile, Map<String, Object> runs) {}

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("haste-hosted-stages");
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        List<String> ids = new ArrayList<>();
        try (Stream<Path> builtIn = Files.list(Path.of("target", "plugins"))) {
            for (Path jar : builtIn.filter(p -> p.toString().endsWith(".jar")).toList()) {
                Files.copy(jar, plugins.resolve(jar.getFileName()));
                ids.add(jar.getFileName().toString().replace("haste-plugin-", "").replace(".jar", ""));
            }
        }
        TestPlugins.plugin(plugins.resolve("grey.jar"), "grey", "test.grey.P", Map.of("test.grey.P", GREY), List.of());
        ids.add("grey");
        ids.remove("webhook-sink");
        Path frames = dir.resolve("frames");
        for (String f : SOURCE_FRAMES) {
            Path to = frames.resolve(f);
            Files.createDirectories(to.getParent());
            Files.copy(TestModels.cifar(f.substring(f.indexOf('/') + 1, f.indexOf('.')), 2), to);
        }
        for (String isolation : List.of("process", "in-process")) {
            RUNS.put(isolation, run(plugins, frames, ids, isolation));
        }
    }

    /** Runs a gateway with {@code ids} from {@code plugins} in {@code isolation}; sends the frames; collects what it answered. */
    private static Run run(Path plugins, Path frames, List<String> ids, String isolation) throws Exception {
        String id = "hs" + UUID.randomUUID().toString().substring(0, 6);
        int httpPort = LocalMosquitto.freePort();
        Path sinkFile = dir.resolve(isolation + ".jsonl");
        List<String> sets = new ArrayList<>(List.of("gateway_id=" + id, "plugins.builtin_dir=" + Files.createDirectories(dir.resolve("none")),
                "plugins.dir=" + plugins, "pipeline.preprocessor=mean-grey", "control.mode=auto", "control.min_level=2", "control.max_level=2",
                "plugins.settings.directory-source.config.dir=" + frames, "plugins.settings.directory-source.config.rate=5",
                "plugins.settings.jsonl-sink.config.path=" + sinkFile, "plugins.settings.label-filters.config.rename.cat=kitty",
                "http.enabled=true", "http.port=" + httpPort));
        ids.forEach(p -> {
            sets.add("plugins.settings." + p + ".enabled=true");
            sets.add("plugins.settings." + p + ".isolation=" + isolation);
        });
        Map<String, MqttTestClient.Received> predictions = new HashMap<>();
        try (MqttTestClient client = new MqttTestClient("haste/" + id + "/#");
             GatewayFixture gateway = new GatewayFixture(TestModels.hasteResNet20(), sets.toArray(new String[0])).ready()) {
            for (int i = 0; i < CLASSES.size(); i++) {
                client.publish("haste/" + id + "/cameras/cam/frames", Files.readAllBytes(TestModels.cifar(CLASSES.get(i), 1)), "image/jpeg",
                        "f" + i, null);
            }
            while (predictions.size() < CLASSES.size() + SOURCE_FRAMES.size()) {
                MqttTestClient.Received r = client.await(m -> m.topic().endsWith("/predictions") || m.topic().endsWith("/errors"), 60);
                assertTrue(r.topic().endsWith("/predictions"), isolation + ": " + new String(r.payload()));
                predictions.put((String) r.json().get("frame_id"), r);
            }
            Thread.sleep(2500); // two sampling periods after the frames: a host's policy answers one period late
            client.fire("haste/" + id + "/control/get", new byte[0]);
            @SuppressWarnings("unchecked")
            Map<String, Object> control = (Map<String, Object>) client.await(m -> m.topic().endsWith("/control/ack"), 30).json().get("state");
            Map<String, Object> runs = new HashMap<>();
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> listed = (List<Map<String, Object>>) LocalHttp.status(httpPort).get("plugins");
            listed.forEach(p -> runs.put((String) p.get("id"), p.get("isolation")));
            return new Run(predictions, control, sinkFile, runs);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        TestPlugins.deleteTree(dir);
    }

    /** The parts of a prediction that do not depend on timing. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> timeless(MqttTestClient.Received received) {
        Map<String, Object> prediction = received.json();
        Map<String, Object> energy = (Map<String, Object>) prediction.get("energy");
        return Map.of("camera_id", prediction.get("camera_id"), "level", prediction.get("level"), "model", prediction.get("model"),
                "top", prediction.get("top"), "macs", prediction.get("macs"), "energy_method", energy.get("method"));
    }

    /** /status says where each plugin runs. */
    @Test
    void statusSaysEachPluginRunsInTheIsolationSet() {
        for (String isolation : RUNS.keySet()) {
            Map<String, Object> runs = new HashMap<>(RUNS.get(isolation).runs());
            assertEquals(null, runs.remove("webhook-sink"), "not enabled, so not loaded anywhere");
            assertEquals(8, runs.size(), isolation + ": " + runs);
            runs.forEach((plugin, where) -> assertEquals(isolation, where, plugin));
        }
    }

    /** Decoder, preprocessor, inference, post-processors (top-k, rename) and energy model: the same answer in hosts as in-process. */
    @Test
    void framesDecodedPreprocessedAndPostProcessedInHostsAreAnsweredAsInProcess() throws Exception {
        for (int i = 0; i < CLASSES.size(); i++) {
            MqttTestClient.Received hosted = RUNS.get("process").predictions().get("f" + i);
            assertEquals(timeless(RUNS.get("in-process").predictions().get("f" + i)), timeless(hosted), "frame f" + i);
            assertTrue(Json.validate("prediction", hosted.payload()).isEmpty(), "f" + i);
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> top = (List<Map<String, Object>>) RUNS.get("process").predictions().get("f0").json().get("top");
        assertEquals(3, top.size(), "top-k's k: 3 from its host");
        assertFalse(top.stream().anyMatch(l -> "cat".equals(l.get("label"))), "label-filters renamed cat in its host: " + top);
        assertEquals(2, RUNS.get("process").predictions().get("f0").json().get("level"));
    }

    /** The directory source in its host submits its frames; the JSON Lines sink in its host writes every prediction. */
    @Test
    void aSourceAndASinkInHostsCarryFramesInAndPredictionsOut() throws Exception {
        for (String f : SOURCE_FRAMES) {
            assertEquals(timeless(RUNS.get("in-process").predictions().get(f)), timeless(RUNS.get("process").predictions().get(f)), f);
            assertEquals("yard", RUNS.get("process").predictions().get(f).json().get("camera_id"));
        }
        for (String isolation : RUNS.keySet()) {
            List<String> lines = Files.readAllLines(RUNS.get(isolation).sinkFile());
            assertEquals(CLASSES.size() + SOURCE_FRAMES.size(), lines.size(), isolation + ": " + lines);
        }
    }

    /** The latency policy in its host judged the control loop's window (one period late, off the event loop), as it does in-process. */
    @Test
    @SuppressWarnings("unchecked")
    void thePolicyInItsHostJudgesTheControlLoop() {
        for (String isolation : RUNS.keySet()) {
            Map<String, Object> control = RUNS.get(isolation).control();
            assertEquals("latency", ((Map<String, Object>) control.get("settings")).get("policy"), isolation);
            Map<String, Object> judged = (Map<String, Object>) control.get("last_assessment");
            assertTrue(judged != null && judged.get("pressure") != null && !((String) judged.get("reason")).isBlank(), isolation + ": " + control);
            assertFalse(((String) judged.get("reason")).contains("plugin host"), "the policy's own verdict, not a stand-in: " + judged);
        }
    }
}
