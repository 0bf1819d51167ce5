package io.hastegw.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastegw.op.card.ModelCard;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Plugins built during the test run and loaded from a temporary plugins folder into a real
 * gateway (real Mosquitto, the HASTE ResNet-20, CIFAR-10 JPEGs): a working one changes the
 * predictions; a wrong API version, a missing class and a throwing init are refused and
 * reported; a throwing stage and a hanging stage fail their frames with plugin_failed and are
 * disabled after plugins.max_failures of their recent calls failed (in a row or not) while the
 * rest goes on; a stage that ignores interrupts holds at most plugins.max_stuck_calls
 * threads, further calls fail at once; two plugins bundling different versions of one library
 * each get their own.
 */
@Tag("broker")
class PluginGatewayTest {
    private static final int MAX_FAILURES = 3;
    private static final int BUDGET_MS = 500;
    private static final List<String> ENABLED = List.of("relabel", "old-api", "missing-class", "bad-init", "thrower", "breaker", "sleeper",
            "alternator", "slowpoke", "stubborn", "laggard", "lib-a", "lib-b");
    private static Path dir;
    private static GatewayFixture gateway;
    private static MqttTestClient client;
    private static int httpPort;
    private static final Map<String, String> REFUSALS = new HashMap<>();
    private static final List<String> LABELS = new ArrayList<>();
    private static final List<MqttTestClient.Received> DISABLED = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("haste-plugins-test");
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        TestPlugins.postProcessor(plugins.resolve("relabel.jar"), "relabel",
                "return labels.stream().map(l -> new ScoredLabel(l.index(), \"seen:\" + l.label(), l.score())).toList();", List.of());
        TestPlugins.postProcessor(plugins.resolve("thrower.jar"), "thrower",
                "if (frame.cameraId().equals(\"boom\")) throw new IllegalStateException(\"boom\"); return labels;", List.of());
        TestPlugins.postProcessor(plugins.resolve("breaker.jar"), "breaker",
                "if (frame.cameraId().equals(\"break\")) throw new IllegalStateException(\"break\"); return labels;", List.of());
        TestPlugins.postProcessor(plugins.resolve("sleeper.jar"), "sleeper",
                "if (frame.cameraId().equals(\"hang\")) { try { Thread.sleep(60_000); } catch (InterruptedException e) { } } return labels;",
                List.of());
        TestPlugins.postProcessor(plugins.resolve("alternator.jar"), "alternator",
                "if (frame.cameraId().equals(\"alt\")) throw new IllegalStateException(\"odd\"); return labels;", List.of());
        TestPlugins.postProcessor(plugins.resolve("slowpoke.jar"), "slowpoke",
                "if (frame.cameraId().equals(\"slow\")) { try { Thread.sleep(5_000); } catch (InterruptedException e) {"
                        + " Thread.currentThread().interrupt(); } } return labels;", List.of());
        // Slow but within its budget on camera "lag": 400 of 500 ms.
        TestPlugins.postProcessor(plugins.resolve("laggard.jar"), "laggard",
                "if (frame.cameraId().equals(\"lag\")) { try { Thread.sleep(400); } catch (InterruptedException e) {"
                        + " Thread.currentThread().interrupt(); } } return labels;", List.of());
        // Ignores interrupts for 15 s: its threads cannot be taken back.
        TestPlugins.postProcessor(plugins.resolve("stubborn.jar"), "stubborn",
                "if (frame.cameraId().equals(\"stuck\")) { long end = System.nanoTime() + 15_000_000_000L; while (System.nanoTime() < end) {"
                        + " try { Thread.sleep(100); } catch (InterruptedException ignored) { } } } return labels;", List.of());
        TestPlugins.postProcessor(plugins.resolve("unlisted.jar"), "unlisted", "return labels;", List.of());
        TestPlugins.jar(plugins.resolve("old-api.jar"), Map.of(), Map.of("haste-plugin.json",
                TestPlugins.descriptor("old-api", "0.9.0", "1.0", "{\"type\": \"object\"}"),
                "META-INF/services/io.hastegw.plugin.api.Plugin", "test.old.P\n"), List.of());
        TestPlugins.jar(plugins.resolve("missing-class.jar"), Map.of(), Map.of("haste-plugin.json",
                TestPlugins.descriptor("missing-class", "1.0.0", "2.0", "{\"type\": \"object\"}"),
                "META-INF/services/io.hastegw.plugin.api.Plugin", "test.missing.Nope\n"), List.of());
        TestPlugins.plugin(plugins.resolve("bad-init.jar"), "bad-init", "test.badinit.P", Map.of("test.badinit.P",
                "package test.badinit;\nimport io.hastegw.plugin.api.*;\npublic final class P implements Plugin {\n"
                        + "  public void init(PluginContext c, Extensions e) { throw new IllegalStateException(\"no licence key\"); }\n}\n"), List.of());
        // Two plugins, each a folder with its own version of one library (same class name): each must see its own.
        for (String v : List.of("a", "b")) {
            Path folder = Files.createDirectories(plugins.resolve("lib-" + v).resolve("lib"));
            String version = v.equals("a") ? "1" : "2";
            Path lib = TestPlugins.jar(folder.resolve("greeting.jar"), Map.of("com.example.greeting.Greeting",
                    "package com.example.greeting;\npublic final class Greeting { public static String version() { return \"" + version + "\"; } }\n"),
                    Map.of(), List.of());
            TestPlugins.postProcessor(folder.getParent().resolve("lib-" + v + ".jar"), "lib-" + v,
                    "boolean daemonVisible; try { Class.forName(\"io.hastegw.daemon.Main\"); daemonVisible = true; }"
                            + " catch (ClassNotFoundException e) { daemonVisible = false; }\n"
                            + "final String tag = \" lib\" + com.example.greeting.Greeting.version() + (daemonVisible ? \" SAW-THE-DAEMON\" : \"\");\n"
                            + "return labels.stream().map(l -> new ScoredLabel(l.index(), l.label() + tag, l.score())).toList();", List.of(lib));
        }
        LABELS.addAll(ModelCard.read(TestModels.resnet20Card()).labels());
        String id = "pl" + UUID.randomUUID().toString().substring(0, 6);
        client = new MqttTestClient("haste/" + id + "/#");
        httpPort = LocalMosquitto.freePort();
        List<String> sets = new ArrayList<>(List.of("gateway_id=" + id, "model.level=2", "plugins.dir=" + plugins,
                "plugins.stage_timeout_ms=" + BUDGET_MS, "plugins.max_failures=" + MAX_FAILURES, "http.enabled=true", "http.console=true", "http.port=" + httpPort));
        ENABLED.forEach(p -> sets.add("plugins.settings." + p + ".enabled=true"));
        // The in-process guard's stuck-call bound is what the stubborn plugin tests; in a host of its own (the default)
        // a hang ends the host instead (ProcessIsolationTest).
        sets.add("plugins.settings.stubborn.isolation=in-process");
        gateway = new GatewayFixture(TestModels.hasteResNet20(), sets.toArray(new String[0])).ready();
        for (int i = 0; i < 3; i++) {
            var e = client.await(r -> r.topic().endsWith("/errors") && "plugin_refused".equals(r.json().get("reason")), 20);
            String message = (String) e.json().get("message");
            REFUSALS.put(message.substring("plugin '".length(), message.indexOf('\'', "plugin '".length())), message);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        gateway.close();
        TestPlugins.deleteTree(dir);
    }

    private static String topic(String leaf) {
        return "haste/" + gateway.running.config().gatewayId() + "/" + leaf;
    }

    private static void send(String camera, String frameId) throws Exception {
        client.publish(topic("cameras/" + camera + "/frames"), Files.readAllBytes(TestModels.cifar("cat", 0)), "image/jpeg", frameId, null);
    }

    /** The prediction or error event answering {@code frameId}; plugin_disabled events seen meanwhile are kept for {@link #disabled}. */
    private static MqttTestClient.Received answer(String frameId) throws InterruptedException {
        return client.await(r -> {
            if (r.topic().endsWith("/errors") && "plugin_disabled".equals(r.json().get("reason"))) {
                DISABLED.add(r);
            }
            return !r.topic().endsWith("/frames") && frameId.equals(r.json().get("frame_id"));
        }, 20);
    }

    /** The plugin_disabled event of {@code plugin} (published as the plugin is disabled, before its last frame's error event). */
    private static String disabled(String plugin) throws InterruptedException {
        String prefix = "plugin '" + plugin + "' disabled: ";
        for (MqttTestClient.Received r : DISABLED) {
            if (((String) r.json().get("message")).startsWith(prefix)) {
                return (String) r.json().get("message");
            }
        }
        return (String) client.await(r -> r.topic().endsWith("/errors") && "plugin_disabled".equals(r.json().get("reason"))
                && ((String) r.json().get("message")).startsWith(prefix), 10).json().get("message");
    }

    @SuppressWarnings("unchecked")
    private static String bestLabel(MqttTestClient.Received prediction) {
        Map<String, Object> top = ((List<Map<String, Object>>) prediction.json().get("top")).get(0);
        assertTrue(((String) top.get("label")).startsWith("seen:" + LABELS.get((Integer) top.get("index"))), top.toString());
        return (String) top.get("label");
    }

    @Test
    void aWorkingPluginChangesThePredictions() throws Exception {
        send("cam", "working-1");
        var prediction = answer("working-1");
        assertTrue(prediction.topic().endsWith("/cameras/cam/predictions"), prediction.topic());
        assertTrue(bestLabel(prediction).startsWith("seen:"));
        assertTrue(Json.validate("prediction", prediction.payload()).isEmpty());
    }

    @Test
    void pluginsBundlingDifferentVersionsOfALibraryEachGetTheirOwnAndNeverSeeTheDaemon() throws Exception {
        send("cam", "libs-1");
        assertTrue(bestLabel(answer("libs-1")).endsWith(" lib1 lib2"), "lib-a saw version 1, lib-b version 2, neither the daemon's classes");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "old-api|needs plugin API 1.0, this gateway implements 2.2 (major versions differ)",
        "missing-class|cannot load: java.util.ServiceConfigurationError: io.hastegw.plugin.api.Plugin: Provider test.missing.Nope not found",
        "bad-init|init of plugin 'bad-init' failed: java.lang.IllegalStateException: no licence key"})
    void aPluginThatCannotLoadIsRefusedReportedAndTheGatewayRunsWithoutIt(String id, String reason) throws Exception {
        assertEquals("plugin '" + id + "' (" + dir.resolve("plugins").resolve(id + ".jar") + ") refused: " + reason, REFUSALS.get(id));
        @SuppressWarnings("unchecked")
        Map<String, Object> status = ((List<Map<String, Object>>) LocalHttp.status(httpPort).get("plugins")).stream()
                .filter(p -> id.equals(p.get("id"))).findFirst().orElseThrow();
        assertEquals("refused", status.get("state"));
        assertEquals(reason, status.get("reason"));
        send("cam", "after-" + id);
        bestLabel(answer("after-" + id));
    }

    @Test
    void aThrowingStageFailsItsFrameWithPluginFailedAndTheNextFrameGoesThrough() throws Exception {
        send("boom", "boom-1");
        var error = answer("boom-1");
        assertTrue(error.topic().endsWith("/errors"));
        assertEquals("plugin_failed", error.json().get("reason"));
        assertEquals("post-processor 'step' of plugin 'thrower' failed: java.lang.IllegalStateException: boom", error.json().get("message"));
        assertEquals("boom", error.json().get("camera_id"));
        assertTrue(Json.validate("error", error.payload()).isEmpty());
        send("cam", "after-boom");
        bestLabel(answer("after-boom"));
    }

    @Test
    void aStageFailingMaxFailuresTimesDisablesItsPluginEndsItsThreadsAndTheRestGoesOn() throws Exception {
        for (int i = 0; i < MAX_FAILURES; i++) {
            send("break", "break-" + i);
            assertEquals("post-processor 'step' of plugin 'breaker' failed: java.lang.IllegalStateException: break",
                    answer("break-" + i).json().get("message"));
        }
        String reason = disabled("breaker");
        assertTrue(reason.startsWith("plugin 'breaker' disabled: 3 of its last "), reason);
        assertTrue(reason.endsWith(" calls failed (plugins.max_failures, plugins.failure_window), the last: post-processor 'step' of plugin "
                + "'breaker' failed: java.lang.IllegalStateException: break"), reason);
        send("break", "break-after");
        assertTrue(bestLabel(answer("break-after")).endsWith(" lib1 lib2"), "the disabled plugin is skipped, the chain goes on");
        assertEquals("disabled", pluginState("breaker"));
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("plugin-breaker-")) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(List.of(), Thread.getAllStackTraces().keySet().stream().map(Thread::getName).filter(n -> n.startsWith("plugin-breaker-")).toList(),
                "a disabled plugin's threads are ended");
    }

    @Test
    void aHangingStageIsTimedOutItsFrameAnsweredAndAfterMaxFailuresItsPluginIsDisabled() throws Exception {
        for (int i = 0; i < MAX_FAILURES; i++) {
            send("hang", "hang-" + i);
            var error = answer("hang-" + i);
            assertEquals("plugin_failed", error.json().get("reason"));
            assertEquals("post-processor 'step' of plugin 'sleeper' did not return within " + BUDGET_MS + " ms (plugins.stage_timeout_ms)",
                    error.json().get("message"));
            // The interrupted call answers from its host (niced, CPU-capped) before the next frame: two calls still
            // running past their budget would kill the host instead (ProcessIsolationTest), which a loaded machine can cause.
            Thread.sleep(300);
        }
        assertDisabledAndSkipped("sleeper", "hang");
    }

    /** {@code plugin} was disabled after 3 failures, and a frame of {@code camera} now goes through without it. */
    private static void assertDisabledAndSkipped(String plugin, String camera) throws Exception {
        String reason = disabled(plugin);
        assertTrue(reason.startsWith("plugin '" + plugin + "' disabled: 3 of its last "), reason);
        send(camera, camera + "-after");
        bestLabel(answer(camera + "-after"));
        assertEquals("disabled", pluginState(plugin));
    }

    /** Failing on every other frame never makes 3 failures in a row; 3 of the last calls is enough. */
    @Test
    void aStageFailingOnEveryOtherFrameIsDisabledByItsFailureRate() throws Exception {
        for (int i = 0; i < MAX_FAILURES; i++) {
            send("alt", "alt-" + i);
            assertEquals("post-processor 'step' of plugin 'alternator' failed: java.lang.IllegalStateException: odd",
                    answer("alt-" + i).json().get("message"));
            send("cam", "between-" + i);
            assertEquals("predictions", lastLeaf(answer("between-" + i)));
        }
        assertDisabledAndSkipped("alternator", "alt");
    }

    /**
     * Overrunning its budget on one camera while the other cameras' calls succeed never makes
     * max_failures of its last failure_window calls; plugins.max_overruns_per_minute (3) does.
     */
    @Test
    void aStageOverrunningOnOneCameraAmongBusyOnesIsDisabledByItsOverrunsPerMinute() throws Exception {
        String late = "post-processor 'step' of plugin 'slowpoke' did not return within " + BUDGET_MS + " ms (plugins.stage_timeout_ms)";
        for (int i = 0; i < 3; i++) {
            send("slow", "slow-" + i);
            assertEquals(late, answer("slow-" + i).json().get("message"));
            for (int j = 0; i < 2 && j < 10; j++) {
                send("cam", "busy-" + i + "-" + j);
                assertEquals("predictions", lastLeaf(answer("busy-" + i + "-" + j)));
            }
        }
        assertEquals("plugin 'slowpoke' disabled: 3 of its calls ran past plugins.stage_timeout_ms within 60 s (plugins.max_overruns_per_minute), "
                + "the last: " + late, disabled("slowpoke"));
        send("slow", "slow-after");
        bestLabel(answer("slow-after"));
        assertEquals("disabled", pluginState("slowpoke"));
    }

    /**
     * A stage that ignores interrupts keeps the plugin's threads; once plugins.max_stuck_calls
     * of them are held, the next call fails at once instead of holding a shared worker for its budget.
     */
    @Test
    void aStageThatIgnoresInterruptsHoldsAtMostMaxStuckCallsThreadsAndFurtherCallsFailAtOnce() throws Exception {
        for (int i = 0; i < 2; i++) {
            send("stuck", "stuck-" + i);
            assertEquals("post-processor 'step' of plugin 'stubborn' did not return within " + BUDGET_MS + " ms (plugins.stage_timeout_ms)",
                    answer("stuck-" + i).json().get("message"));
        }
        send("stuck", "stuck-2");
        assertEquals("post-processor 'step' of plugin 'stubborn' not called: 2 of its calls are still running past their budget "
                + "(plugins.max_stuck_calls)", answer("stuck-2").json().get("message"));
        assertDisabledAndSkipped("stubborn", "stuck");
        assertTrue(gateway.running.gateway().metrics().scrape().contains("haste_plugin_stuck_calls{plugin=\"stubborn\"} 2.0"));
    }

    /**
     * Post-processing runs in each camera's lane, off the inference workers: a post-processor slow
     * on one camera's frames delays neither the next frames' inference nor another camera's
     * predictions; the slow camera's predictions keep their order, and a frame finding its lane
     * full is dropped at once, saying so.
     */
    @Test
    void aSlowPostProcessorOnOneCameraHoldsOnlyThatCamerasLane() throws Exception {
        send("lag", "lag-0");
        send("cam", "quick-0");
        send("cam", "quick-1");
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            MqttTestClient.Received r = client.await(x -> x.topic().endsWith("/predictions")
                    && List.of("lag-0", "quick-0", "quick-1").contains(x.json().get("frame_id")) && !order.contains(x.json().get("frame_id")), 20);
            order.add((String) r.json().get("frame_id"));
        }
        assertEquals(List.of("quick-0", "quick-1", "lag-0"), order);
        List<String> sent = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            sent.add("lag-" + i);
            send("lag", "lag-" + i);
            Thread.sleep(50); // slower than inference, so no frame waits in the intake: each reaches the lane or is refused there
        }
        List<String> predicted = new ArrayList<>();
        List<String> laneFull = new ArrayList<>();
        List<String> answered = new ArrayList<>();
        while (answered.size() < sent.size()) {
            MqttTestClient.Received r = client.await(x -> !x.topic().endsWith("/frames") && sent.contains(x.json().get("frame_id"))
                    && !answered.contains(x.json().get("frame_id")), 20);
            String frame = (String) r.json().get("frame_id");
            answered.add(frame);
            if (lastLeaf(r).equals("predictions")) {
                predicted.add(frame);
            } else if (((String) r.json().get("message")).startsWith("post-processing of camera 'lag' is behind")) {
                assertEquals("post-processing of camera 'lag' is behind: 3 frame(s) in its lane, the first waiting for a post-processing stage "
                        + "(plugins.stage_timeout_ms bounds each call)", r.json().get("message"));
                assertEquals("dropped", r.json().get("reason"));
                laneFull.add(frame);
            }
        }
        assertFalse(laneFull.isEmpty(), "no frame found its lane full; predicted: " + predicted);
        assertTrue(predicted.size() >= 3, predicted.toString());
        List<String> inOrder = new ArrayList<>(predicted);
        inOrder.sort(java.util.Comparator.comparingInt(f -> Integer.parseInt(f.substring("lag-".length()))));
        assertEquals(inOrder, predicted, "one camera's predictions are published in its frames' order");
        assertEquals("running", pluginState("laggard"));
    }

    private static String lastLeaf(MqttTestClient.Received r) {
        return r.topic().substring(r.topic().lastIndexOf('/') + 1);
    }

    @Test
    void statusListsEveryPluginWithItsStateAndStages() throws Exception {
        assertEquals("running", pluginState("relabel"));
        assertEquals("running", pluginState("image-decoders"));
        assertEquals("not_enabled", pluginState("unlisted"));
        @SuppressWarnings("unchecked")
        Map<String, Object> topK = ((List<Map<String, Object>>) LocalHttp.status(httpPort).get("plugins")).stream()
                .filter(p -> "top-k".equals(p.get("id"))).findFirst().orElseThrow();
        assertEquals(Map.of("id", "top-k", "version", "1.0.0", "api", "2.0", "origin", "builtin", "isolation", "in-process", "state", "running", "stages",
                List.of("post:top-k"), "failures", 0, "healthy", true), withoutNulls(topK, "location"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theConsoleListsEveryPluginWithItsState() throws Exception {
        Map<String, Object> state = Json.parse(LocalHttp.consoleState(httpPort).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Map<String, Map<String, Object>> byId = new HashMap<>();
        ((List<Map<String, Object>>) state.get("plugins")).forEach(p -> byId.put((String) p.get("id"), p));
        assertEquals("running", byId.get("relabel").get("state"));
        assertEquals("not_enabled", byId.get("unlisted").get("state"));
        assertEquals("refused", byId.get("old-api").get("state"));
        assertEquals("needs plugin API 1.0, this gateway implements 2.2 (major versions differ)", byId.get("old-api").get("reason"));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"--list-plugins", "list-plugins"})
    void listPluginsPrintsWhatWasFoundEnabledRefusedAndWhy(String command) {
        List<String> args = new ArrayList<>(List.of(command, "--set", "mqtt.host=127.0.0.1", "--set", "model.path=" + TestModels.resnet20(),
                "--set", "model.card=" + TestModels.resnet20Card(), "--set", "plugins.dir=" + dir.resolve("plugins")));
        ENABLED.forEach(p -> args.addAll(List.of("--set", "plugins.settings." + p + ".enabled=true")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = Main.start(args.toArray(new String[0]), Map.of(), new PrintStream(out, true), System.err, new AtomicReference<>());
        String text = out.toString();
        assertEquals(3, status, "3: some plugin was refused");
        assertTrue(text.startsWith("plugins of haste-gateway (plugin API 2.2):\n"), text);
        assertTrue(text.contains("running    top-k 1.0.0                  builtin"), text);
        assertTrue(text.contains("running    relabel 1.0.0                operator  " + dir.resolve("plugins").resolve("relabel.jar") + "  [post:step]"), text);
        assertTrue(text.contains("refused    old-api 0.9.0                operator  " + dir.resolve("plugins").resolve("old-api.jar")
                + "\n             needs plugin API 1.0, this gateway implements 2.2 (major versions differ)"), text);
        assertTrue(text.contains("not_enabled unlisted 1.0.0"), text);
    }

    private static String pluginState(String id) throws Exception {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> plugins = (List<Map<String, Object>>) LocalHttp.status(httpPort).get("plugins");
        return (String) plugins.stream().filter(p -> id.equals(p.get("id"))).findFirst().orElseThrow().get("state");
    }

    private static Map<String, Object> withoutNulls(Map<String, Object> m, String... drop) {
        Map<String, Object> out = new HashMap<>(m);
        out.values().removeIf(java.util.Objects::isNull);
        for (String d : drop) {
            out.remove(d);
        }
        return out;
    }
}
